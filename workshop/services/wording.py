"""Words in the room's languages: group and track names, activity titles and descriptions.

Each text keeps its original (`name`, `title`, `description`: as it was written, normally in
the workshop's language) and may have a wording per language (`name_ar`, `title_en`...,
columns of the same rows; "" for none). A reader sees the wording in their language when it
exists, and the original otherwise; the original stays reachable everywhere.
"""

import re

from ..models import DESCRIPTION_MAX, LANGUAGES, NAME_MAX, TITLE_MAX
from .errors import DomainError
from .text import clean_text

#: the translatable fields, with their longest length and whether they take line breaks
LIMITS = {
    "name": (NAME_MAX, False),
    "title": (TITLE_MAX, False),
    "description": (DESCRIPTION_MAX, True),
}
GROUP_FIELDS = TRACK_FIELDS = ("name",)
ACTIVITY_FIELDS = ("title", "description")

#: "Gouvernement | ar: الحكومة | en: Government": a name with its wording, on one line
_PART = re.compile(r"^\s*([A-Za-z]{2})\s*[:=]\s*(.*)$", re.S)


def column(field: str, language: str) -> str:
    """The column holding `field` in `language`, e.g. title_ar."""
    return f"{field}_{language}"


def columns(fields: tuple[str, ...]) -> list[str]:
    return [column(f, lang) for f in fields for lang in LANGUAGES]


def clean_wording(field: str, language: str, value: object) -> str:
    """One wording, cleaned as its original would be; "" or None for none."""
    max_len, multiline = LIMITS[field]
    if value is None:
        return ""
    return clean_text(value, column(field, language), max_len, multiline=multiline)


def given(data: dict, fields: tuple[str, ...]) -> dict[str, object]:
    """The wordings a request or a row carries, e.g. {"title_ar": "..."}; others left out."""
    return {c: data[c] for c in columns(fields) if c in data}


def set_wordings(item: object, fields: tuple[str, ...], values: dict[str, object]) -> None:
    """Set the wordings given in `values` ("" or None removes one); a wording equal to the
    original is no wording. Every value is checked before anything changes."""
    if not isinstance(values, dict):
        raise DomainError("field_invalid", field="translations")
    known = set(columns(fields))
    unknown = sorted(set(values) - known)
    if unknown:
        raise DomainError("field_invalid", field=unknown[0])
    cleaned = {}
    for name, value in values.items():
        field, language = name.rsplit("_", 1)
        cleaned[name] = clean_wording(field, language, value)
    for name, value in cleaned.items():
        original = getattr(item, name.rsplit("_", 1)[0])
        setattr(item, name, "" if value == original else value)


def wording_record(item: object, fields: tuple[str, ...]) -> dict[str, str]:
    """The wordings an item has, e.g. {"title_ar": "..."}: none at all costs no byte."""
    out = {}
    for name in columns(fields):
        value = getattr(item, name, "")
        if value:
            out[name] = value
    return out


def word(item: object, field: str, language: str | None) -> str:
    """What a reader in `language` sees: the wording in it, else the original."""
    if language in LANGUAGES:
        value = getattr(item, column(field, language), "")
        if value:
            return value
    return getattr(item, field)


def parse_line(raw: object, field: str = "name") -> tuple[object, dict[str, str]]:
    """A setup line "Original | ar: wording | en: wording" -> ("Original", {"name_ar": ...}).

    An item may also be an object {"name": ..., "name_ar": ...} (the JSON API). A line whose
    parts after a "|" are not all "xx: text" is a name with a "|" in it; a part naming a
    language the app does not speak ("de: ...") is refused rather than taken as text.
    """
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {field, *columns((field,))})
        if unknown:
            raise DomainError("field_invalid", field=unknown[0])
        return raw.get(field), {k: v for k, v in raw.items() if k != field}
    if not isinstance(raw, str) or "|" not in raw:
        return raw, {}
    original, *parts = raw.split("|")
    matches = [_PART.match(part) for part in parts if part.strip()]
    if not all(matches):
        return raw, {}  # a "|" that is part of the name itself
    wordings: dict[str, str] = {}
    for match in matches:
        language = match.group(1).lower()
        if language not in LANGUAGES:
            raise DomainError("wording_language", line=raw.strip()[:NAME_MAX])
        wordings[column(field, language)] = match.group(2)
    return original, wordings


# -- snapshots --------------------------------------------------------------------------------

_WORDED = frozenset(columns(("name", "title", "description")))


def originals(state: dict) -> dict:
    """A snapshot without its wordings, as the rooms of phones and big screens receive it:
    each reader gets the wordings of its own language apart (`wordings_for`), once."""
    if not any(
        k in _WORDED for key in ("groups", "tracks", "activities") for r in state[key] for k in r
    ):
        return state
    return dict(
        state,
        **{
            key: [{k: v for k, v in r.items() if k not in _WORDED} for r in state[key]]
            for key in ("groups", "tracks", "activities")
        },
    )


def wordings_for(state: dict, language: str) -> dict:
    """The wordings of a snapshot's groups, tracks and activities in `language`, as lists of
    records naming only what has one: {"groups": [{"group_id", "name"}], "tracks": [{"id",
    "name"}], "activities": [{"id", "title"?, "description"?}]}; empty lists when none."""

    def records(items: list[dict], key: str, fields: tuple[str, ...]) -> list[dict]:
        out = []
        for item in items:
            found = {f: item[column(f, language)] for f in fields if item.get(column(f, language))}
            if found:
                out.append({key: item[key], **found})
        return out

    return {
        "language": language,
        "groups": records(state["groups"], "group_id", GROUP_FIELDS),
        "tracks": records(state["tracks"], "id", TRACK_FIELDS),
        "activities": records(state["activities"], "id", ACTIVITY_FIELDS),
    }


def has_wordings(wordings: dict) -> bool:
    return bool(wordings["groups"] or wordings["tracks"] or wordings["activities"])
