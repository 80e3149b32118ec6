"""Text typed by people: what clean_text removes, what it keeps, and what counts as empty."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.services.activities import propose_activity
from workshop.services.comments import add_comment
from workshop.services.errors import DomainError
from workshop.services.participants import join_workshop
from workshop.services.text import clean_text
from workshop.services.workshops import create_workshop

ZWNJ, ZWJ = "\u200c", "\u200d"
PROBE = "\u2060\u200d\u202e"  # word joiner, zero-width joiner, right-to-left override
#: a subdivision flag (Scotland): black flag, tag letters, cancel tag
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def refused(key, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


def is_noncharacter(c: str) -> bool:
    return 0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE


def forbidden(text: str, multiline: bool) -> list[str]:
    """The characters of `text` that clean_text must never let through."""
    bad = []
    flags = {i for m in FLAG_SEQUENCE.finditer(text) for i in range(m.start() + 1, m.end())}
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        if c in (ZWJ, ZWNJ):
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isspace() or after.isspace() or {before, after} & {ZWJ, ZWNJ}:
                bad.append(c)
        elif category == "Cf" and i in flags:
            continue
        elif (
            category in ("Cf", "Cs", "Co", "Zl", "Zp")
            or (category == "Cc" and not (multiline and c == "\n"))
            or (category == "Zs" and c != " ")
            or is_noncharacter(c)
            or c in "\u115f\u1160\u3164\uffa0\u2800"
        ):
            bad.append(c)
    return bad


def visible(text: str) -> bool:
    """Has a character that shows: a letter, digit, punctuation or symbol (or one this
    Python's Unicode tables do not know yet, such as a newer emoji)."""
    return any(
        (unicodedata.category(c)[0] in "LNPS" or unicodedata.category(c) == "Cn")
        and c != "\u2800"
        and not is_noncharacter(c)
        for c in text
    )


# -- properties -----------------------------------------------------------------------------

# every kind of invisible or odd character, mixed with letters, digits, marks and emoji
INVISIBLE_CATEGORIES = ["Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp", "Mn", "Me"]
ODD = st.characters(categories=[*INVISIBLE_CATEGORIES, "Cn"])
PLAIN = st.characters(categories=["L", "N", "P", "S", "Mc"])
SPECIAL = st.sampled_from(
    [ZWJ, ZWNJ, "\n", "\r\n", "\t", "\ufe0f", "\u2800", "\u3164", "\ufffe", SCOTLAND]
    + ["\U000e0067", "\U000e007f", "\U0001f3f4", "\u0301", "\u0651", " "]
)
TEXT = st.lists(st.one_of(ODD, PLAIN, SPECIAL), max_size=40).map("".join)
INVISIBLE = st.lists(
    st.one_of(
        st.characters(categories=INVISIBLE_CATEGORIES),
        st.sampled_from(["\ufffe", "\U0010ffff", "\ufdd0"]),  # noncharacters (Cn)
        SPECIAL.filter(lambda s: not visible(s)),
    ),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.booleans())
def test_cleaned_text_has_no_forbidden_character_and_is_stable(raw, multiline):
    text = clean_text(raw, "f", 10_000, multiline=multiline)
    assert forbidden(text, multiline) == []
    assert clean_text(text, "f", 10_000, multiline=multiline) == text
    assert text == text.strip() and "  " not in text
    assert text == unicodedata.normalize("NFC", text)
    assert text == "" or visible(text)  # nothing left but marks or joiners counts as empty
    if not multiline:
        assert "\n" not in text


@settings(max_examples=200, deadline=None)
@given(INVISIBLE.map("".join), st.booleans())
def test_a_required_field_made_only_of_invisible_characters_is_refused(raw, multiline):
    refused("field_required", clean_text, raw, "title", 120, required=True, multiline=multiline)
    assert clean_text(raw, "note", 10_000, multiline=multiline) == ""


# -- examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "برنامه\u200cریزی اشتغال",  # Persian: ZWNJ inside a word keeps the letters apart
        "می\u200cخواهیم کار کنیم",
        "تعزيز قابلية تشغيل الشباب",
        "ع\u200dـ و ه\u200dـ",  # Arabic letters shown in their joined form
        "Équipe 👩🏽\u200d💻 et ❤️\u200d🔥",  # emoji ZWJ sequences, skin tone, VS16
        "Famille 👨\u200d👩\u200d👧 🏳️\u200d🌈 1️⃣",
        f"Écosse {SCOTLAND}",
        "Employabilité des jeunes — Maroc",
    ],
)
def test_scripts_and_emoji_survive_unchanged(text):
    assert clean_text(text, "title", 120, required=True) == text
    assert clean_text(text, "description", 1000, multiline=True) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc\u202edef", "abcdef"),  # bidi override
        ("\u2066abc\u2069 \u202adef\u202c", "abc def"),  # isolates and embeddings
        ("\u200fعربي\u200e \u061cنص", "عربي نص"),  # directional marks
        ("a\u2060b\u2061c\u2064d\ufeffe\u200bf\u00adg", "abcdefg"),
        ("a\x85b\u2028c\u2029d", "a b c d"),  # line breaks become spaces on one line
        ("a\x9bb\x80c\x1fd\x7fe", "abcde"),  # C0 and C1 controls
        ("x\ud800y\ue000z\U000f0000\ufdd0\uffff", "xyz"),  # surrogate, private use, noncharacters
        ("\u200dabc\u200c", "abc"),  # joiners at the edges
        ("a \u200d b", "a b"),  # joiner beside a space
        ("a\u200d\u200db", "ab"),  # a run of joiners
        ("a\u3000\u2003\u202f\t\u00a0b", "a b"),  # every kind of space is one space
        ("x\u3164y\u2800z", "xy z"),  # Hangul filler removed, braille blank is a space
        ("\U000e0067\U000e007fabc", "abc"),  # tags outside a flag
        ("e\u2060\u0301", "é"),  # NFC after removal
        ("Former\tles\x1fjeunes", "Former lesjeunes"),  # a tab is a space
    ],
)
def test_invisible_and_control_characters_are_removed(raw, expected):
    assert clean_text(raw, "title", 120) == expected


def test_every_format_and_control_character_is_removed_but_the_joiners():
    removed = [
        chr(cp)
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) in ("Cf", "Cc", "Co", "Cs")
        and chr(cp) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85" + ZWJ + ZWNJ
    ]
    assert len(removed) > 130_000
    assert clean_text("a" + "".join(removed) + "b", "description", 10) == "ab"
    assert clean_text(f"a{ZWJ}b{ZWNJ}c", "title", 10) == f"a{ZWJ}b{ZWNJ}c"


def test_multiline_keeps_line_breaks_and_turns_separators_into_them():
    raw = "Ligne\u20281\u2029Ligne\x852\x0bfin\r\n\r\n\r\n\u202eFin"
    assert clean_text(raw, "description", 1000, multiline=True) == "Ligne\n1\nLigne\n2\nfin\n\nFin"


@pytest.mark.parametrize(
    "raw",
    [PROBE, "\u200b", "\u3164\u3164", "\u2800", "\u0651\u064e", "\ufe0f", " \u200c \u200d "],
)
def test_invisible_only_is_empty(raw):
    refused("field_required", clean_text, raw, "title", 120, required=True)
    assert clean_text(raw, "name", 80) == ""


def test_limits_count_the_cleaned_text():
    assert clean_text("\u202e" * 500 + "a" * 120, "title", 120) == "a" * 120
    error = refused("field_too_long", clean_text, "a\u200db" * 41, "title", 120)
    assert error.params == {"field": "title", "max": 120, "length": 123}


# -- through the services -------------------------------------------------------------------


@pytest.fixture
def room(db):
    workshop, _ = create_workshop(db, title="Atelier", groups=["Gouvernement"], tracks=[])
    participant, _ = join_workshop(db, workshop, name="A", organisation="O", group="Gouvernement")
    workshop.phase = "proposing"
    db.commit()
    return db, workshop, participant


def test_the_probe_is_refused_as_a_title_and_as_a_comment(room):
    db, workshop, participant = room
    refused("field_required", propose_activity, db, workshop, participant, title=PROBE)
    activity = propose_activity(db, workshop, participant, title="برنامه\u200cریزی" + PROBE)
    assert activity.title == "برنامه\u200cریزی"
    db.commit()
    refused("field_required", add_comment, db, workshop, participant, activity.id, PROBE)
    comment = add_comment(db, workshop, participant, activity.id, "Oui\u202e 👍🏽")
    assert comment.text == "Oui 👍🏽"


def test_names_and_organisations_are_cleaned_the_same_way(db):
    workshop, _ = create_workshop(
        db, title="\u2066Atelier\u2069", groups=["\u202eGouvernement", PROBE], tracks=["\u3164"]
    )
    assert workshop.title == "Atelier"
    assert [g.name for g in workshop.groups] == ["Gouvernement"]
    assert workshop.tracks == []
    refused(
        "field_required",
        join_workshop,
        db,
        workshop,
        name="A",
        organisation=PROBE,
        group="Gouvernement",
    )
    participant, _ = join_workshop(
        db, workshop, name=PROBE, organisation="\u200fوزارة\u200f", group="Gouvernement"
    )
    assert (participant.display_name, participant.organisation) == ("", "وزارة")
