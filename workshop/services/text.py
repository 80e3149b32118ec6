"""Cleaning of text typed by people: one place decides what a valid field is."""

import re
import unicodedata
from functools import cache

from .errors import DomainError, NotFound

#: what str.splitlines() breaks on: CR LF, CR, LF, VT, FF, FS, GS, RS, NEL, U+2028, U+2029
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: a subdivision flag (England, Scotland, Wales): black flag, tag letters, cancel tag
_FLAG = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
#: ZWNJ and ZWJ join or separate the visible characters around them, and nothing else
_JOINERS = "\u200c\u200d"
_STRAY_JOINER = re.compile(
    rf"(?<![^\s\u2800{_JOINERS}])[{_JOINERS}]|[{_JOINERS}](?![^\s\u2800{_JOINERS}])"
)
#: horizontal space of any kind (a braille blank looks like one), never a line break
_SPACES = re.compile(r"(?:[^\S\n]|\u2800)+")
#: empty-looking letters (Hangul fillers) that people use for a name that shows nothing
_FILLERS = "\u115f\u1160\u3164\uffa0"


#: controls but tab and line feed, surrogates, private use, noncharacters, fillers
_ALWAYS_REMOVED = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + _FILLERS
)


@cache
def _removed() -> re.Pattern[str]:
    """Every character clean_text removes (but the tags of a flag): _ALWAYS_REMOVED, and the
    format characters (Cf) of Python's Unicode tables but ZWNJ and ZWJ: bidi embeddings,
    overrides, isolates and marks, zero-width space, word joiner, invisible operators, BOM,
    soft hyphen, tags... Format characters live in planes 0, 1 and 14 only."""
    planes = (range(0x20000), range(0xE0000, 0xF0000))
    format_characters = "".join(
        re.escape(chr(cp))
        for plane in planes
        for cp in plane
        if unicodedata.category(chr(cp)) == "Cf" and chr(cp) not in _JOINERS
    )
    return re.compile(f"({_FLAG})|[{_ALWAYS_REMOVED}{format_characters}]")


def _visible(text: str) -> bool:
    """True if some character shows: a letter, digit, punctuation or symbol, or one that
    Python's Unicode tables do not know yet (a newer emoji); marks and joiners alone do not."""
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LNPS" or category == "Cn":
            return True
    return False


def clean_text(
    value: object, field: str, max_len: int, *, required: bool = False, multiline: bool = False
) -> str:
    """Return `value` without invisible or control characters, spaces collapsed, NFC; or raise.

    Text that shows nothing once cleaned (only spaces, marks, joiners...) is empty.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("field_invalid", field=field)
    text = _LINE_BREAK.sub("\n", value)
    text = _removed().sub(lambda m: m.group(1) or "", text)
    text = _STRAY_JOINER.sub("", text)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    # last, so that a composition a removed character was hiding is made ("e\u2060\u0301")
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_len:
        raise DomainError("field_too_long", field=field, max=max_len, length=len(text))
    if not _visible(text):
        text = ""
    if required and not text:
        raise DomainError("field_required", field=field)
    return text


def clean_int(value: object, field: str, lo: int, hi: int) -> int:
    """Return `value` as an int within [lo, hi] or raise; accepts "3" but not 3.5 or True."""
    if isinstance(value, bool):
        raise DomainError("field_invalid", field=field)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:
            value = int(value.strip())
        except ValueError:  # "²" is a digit to isdigit() but not to int(); so are 5000 digits
            raise DomainError("field_invalid", field=field) from None
    if not isinstance(value, int):
        raise DomainError("field_invalid", field=field)
    if not lo <= value <= hi:
        raise DomainError("field_out_of_range", field=field, min=lo, max=hi)
    return value


def clean_op_id(value: object) -> str:
    """Return a client operation id (1 to 64 printable characters) or raise."""
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not value.isprintable():
        raise DomainError("op_id_invalid")
    return value


def activity_key(activity_id: object) -> int:
    """The activity id a client sent, as an integer the database accepts, or raise."""
    if isinstance(activity_id, bool) or not isinstance(activity_id, int | str):
        raise NotFound("activity_not_found")
    try:
        key = int(activity_id)
    except ValueError:
        raise NotFound("activity_not_found") from None
    if not 0 < key < 2**63:  # the database refuses (500) an id beyond a 64-bit integer
        raise NotFound("activity_not_found")
    return key


def record_id(value: object) -> int | None:
    """A record id a client sent, as an integer the database accepts; None when it is none."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        key = int(value)
    except ValueError:
        return None
    return key if 0 < key < 2**63 else None  # the database refuses (500) a larger one
