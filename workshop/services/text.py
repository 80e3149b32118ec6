"""Cleaning of text typed by people: one place decides what a valid field is."""

import re
import unicodedata

from .errors import DomainError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(
    value: object, field: str, max_len: int, *, required: bool = False, multiline: bool = False
) -> str:
    """Return `value` normalised (NFC, no control characters, trimmed) or raise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("field_invalid", field=field)
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    if required and not text:
        raise DomainError("field_required", field=field)
    if len(text) > max_len:
        raise DomainError("field_too_long", field=field, max=max_len, length=len(text))
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
