"""The organisation directory: each workshop's canonical organisations and their spellings.

An organisation has an acronym, a name in French, Arabic and English, a stakeholder group and
other aliases ("ILO", "BIT", «منظمة العمل الدولية» for the OIT). Every spelling is folded by
`organisation_key` (the similarity engine's `normalise`: case, accents, Arabic diacritics and
letter variants, punctuation) and the database keeps a key unique in a directory, so a name
typed at join names at most one organisation. A directory is reused by copying another
workshop's (its facilitator's console holds both) or by importing a CSV/XLSX file, the same
file its export writes.
"""

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    ACRONYM_MAX,
    NAME_MAX,
    ORGANISATION_MAX,
    AliasKind,
    Commitment,
    Organisation,
    OrganisationAlias,
    Participant,
    Workshop,
)
from .activities import MAX_IMPORT_ROWS, ImportRefused, _decode, _dialect, _rows
from .errors import Conflict, DomainError
from .lookup import get_in_workshop
from .participants import find_group
from .similarity import normalise, stem
from .text import clean_text
from .workshops import LANGUAGES

MAX_ORGANISATIONS = 500
MAX_ALIASES = 20
#: suggestions offered to a phone typing its organisation
SEARCH_LIMIT = 8
#: the columns of an imported or exported directory, in this order
COLUMNS = ("acronym", "name_fr", "name_ar", "name_en", "aliases", "stakeholder_group")
#: aliases in one cell are separated by this
ALIAS_SEPARATOR = ";"


def organisation_key(name: str) -> str:
    """Fold an organisation's name so that case, accents, Arabic letter variants, diacritics,
    punctuation and spacing do not split it (the similarity engine's rule), and an acronym
    written with dots is the acronym ("B.I.T." is "BIT")."""
    return _DOTTED.sub(lambda m: m.group(0).replace(" ", ""), normalise(name))


#: two or more one-letter words in a row: what normalise leaves of "B.I.T." or "C G E M"
_DOTTED = re.compile(r"(?<!\S)\w(?: \w)+(?!\S)")


def directory_key(organisation_id: int) -> str:
    """The commitment key of a directory organisation ('#' never survives the fold)."""
    return f"#{organisation_id}"


def organisation_name(organisation: Organisation, language: str) -> str:
    """Its name in `language`, else in another language, else its acronym."""
    names = [getattr(organisation, f"name_{lang}") for lang in (language, *LANGUAGES)]
    return next((n for n in names if n), organisation.acronym)


def organisation_label(organisation: Organisation, language: str) -> str:
    """What a workplan shows: the acronym where there is one, else the name in `language`."""
    return organisation.acronym or organisation_name(organisation, language)


# -- reading the directory --------------------------------------------------------------------


@dataclass
class Directory:
    """A workshop's directory read once: organisations by id, and which key names which."""

    language: str
    organisations: dict[int, Organisation] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)

    def find(self, name: str) -> Organisation | None:
        found = self.by_key.get(organisation_key(name))
        return None if found is None else self.organisations[found]

    def identity(self, name: str) -> tuple[int | None, str, str]:
        """(organisation id or None, name to show, key) of a name as typed."""
        organisation = self.find(name)
        if organisation is None:
            return None, name, organisation_key(name)
        return (
            organisation.id,
            organisation_label(organisation, self.language),
            directory_key(organisation.id),
        )


class SharedDirectory:
    """Several workshops' directories read together (consolidation): a spelling of one
    organisation in any of them names it in every workshop (ILO in one, OIT in the other)."""

    def __init__(self, entries: Iterable[dict]) -> None:
        self._parent: dict[str, str] = {}
        self._label: dict[str, str] = {}
        for entry in entries:
            names = [entry.get(f"name_{lang}", "") for lang in LANGUAGES]
            spellings = [entry.get("acronym", ""), *names, *entry.get("aliases", [])]
            keys = [k for k in (organisation_key(s) for s in spellings) if k]
            if not keys:
                continue
            label = entry.get("acronym") or next(n for n in names if n)
            for key in keys:
                self._label.setdefault(key, label)
                self._union(keys[0], key)

    def _find(self, key: str) -> str:
        self._parent.setdefault(key, key)
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def _union(self, a: str, b: str) -> None:
        self._parent[self._find(b)] = self._find(a)

    def identity(self, name: str) -> tuple[str, str]:
        """(key, name to show) of a name as one workshop wrote it."""
        key = organisation_key(name)
        if key not in self._parent:
            return key, name
        root = self._find(key)
        return root, self._label.get(root, name)


def list_organisations(session: Session, workshop: Workshop) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.workshop_id == workshop.id)
            .order_by(Organisation.id)
            .options(selectinload(Organisation.aliases))
        )
    )


def load_directory(session: Session, workshop: Workshop, language: str | None = None) -> Directory:
    directory = Directory(language or workshop.language)
    for organisation in list_organisations(session, workshop):
        directory.organisations[organisation.id] = organisation
        for alias in organisation.aliases:
            directory.by_key[alias.key] = organisation.id
    return directory


def find_organisation(session: Session, workshop: Workshop, name: str) -> Organisation | None:
    """The directory's organisation that `name` spells, if any."""
    return session.scalar(
        select(Organisation)
        .join(OrganisationAlias, OrganisationAlias.organisation_id == Organisation.id)
        .where(
            OrganisationAlias.workshop_id == workshop.id,
            OrganisationAlias.key == organisation_key(name),
        )
    )


def commitment_identity(
    session: Session, workshop: Workshop, name: str
) -> tuple[int | None, str, str]:
    """(organisation id, name to store, key) a commitment made in `name` takes."""
    organisation = find_organisation(session, workshop, name)
    if organisation is None:
        return None, name, organisation_key(name)
    label = organisation_label(organisation, workshop.language)
    return organisation.id, label, directory_key(organisation.id)


def get_organisation(session: Session, workshop: Workshop, organisation_id: object) -> Organisation:
    return get_in_workshop(
        session, Organisation, workshop, organisation_id, "organisation_not_found"
    )


def aliases_of(organisation: Organisation) -> list[str]:
    """The spellings other than its acronym and names."""
    return [a.name for a in organisation.aliases if a.kind == AliasKind.ALIAS.value]


def organisation_record(organisation: Organisation, counts: dict | None = None) -> dict:
    record = {
        "id": organisation.id,
        "acronym": organisation.acronym,
        **{f"name_{lang}": getattr(organisation, f"name_{lang}") for lang in LANGUAGES},
        "aliases": aliases_of(organisation),
        "group_id": organisation.group_id,
    }
    if counts is not None:
        record.update(counts.get(organisation.id, {"participants": 0, "commitments": 0}))
    return record


def usage_counts(session: Session, workshop: Workshop, directory: Directory) -> dict:
    """Per organisation id: participants whose name spells it, commitments it holds."""
    counts: dict[int, dict] = {
        i: {"participants": 0, "commitments": 0} for i in directory.organisations
    }
    for name, n in _typed_names(session, workshop):
        organisation = directory.find(name)
        if organisation is not None:
            counts[organisation.id]["participants"] += n
    for organisation_id, n in session.execute(
        select(Commitment.organisation_id, func.count(Commitment.id))
        .where(Commitment.workshop_id == workshop.id, Commitment.organisation_id.is_not(None))
        .group_by(Commitment.organisation_id)
    ):
        if organisation_id in counts:
            counts[organisation_id]["commitments"] = n
    return counts


def _typed_names(session: Session, workshop: Workshop) -> list[tuple[str, int]]:
    return list(
        session.execute(
            select(Participant.organisation, func.count(Participant.id))
            .where(Participant.workshop_id == workshop.id)
            .group_by(Participant.organisation)
        ).all()
    )


def unmatched_names(session: Session, workshop: Workshop, directory: Directory) -> list[dict]:
    """Names typed at join (or given to commitments) that the directory does not know, one
    entry per key: its most used spelling, how many participants and commitments use it."""
    table: dict[str, dict] = {}

    def entry(key: str) -> dict:
        return table.setdefault(key, {"names": Counter(), "participants": 0, "commitments": 0})

    for name, n in _typed_names(session, workshop):
        if directory.find(name) is None and organisation_key(name):
            row = entry(organisation_key(name))
            row["names"][name] += n
            row["participants"] += n
    for key, name in session.execute(
        select(Commitment.organisation_key, Commitment.organisation).where(
            Commitment.workshop_id == workshop.id, Commitment.organisation_id.is_(None)
        )
    ):
        if key not in directory.by_key and key:
            row = entry(key)
            row["names"][name] += 1
            row["commitments"] += 1
    out = [
        {
            "key": key,
            "name": row["names"].most_common(1)[0][0],
            "participants": row["participants"],
            "commitments": row["commitments"],
        }
        for key, row in table.items()
    ]
    out.sort(key=lambda r: (-r["participants"] - r["commitments"], r["name"].casefold()))
    return out


# -- type-ahead -------------------------------------------------------------------------------


def _words_match(query: list[str], words: list[str]) -> bool:
    """Every word typed starts a word of the spelling (as written, or stemmed: «عمل» for
    «العمل»), so a half-typed word matches."""
    stems = [stem(w) for w in words]
    return all(
        any(w.startswith(q) for w in words) or any(s.startswith(stem(q)) for s in stems)
        for q in query
    )


def search_organisations(
    session: Session, workshop: Workshop, query: object, language: str, limit: int = SEARCH_LIMIT
) -> list[dict]:
    """The directory's organisations a name being typed may mean, best first.

    Each: its id, acronym, name in `language`, the spelling that matched, its group, and the
    `value` to put in the field (a spelling that names it, so the join resolves it).
    """
    if not isinstance(query, str):
        return []
    wanted = organisation_key(query[:ORGANISATION_MAX])
    if not wanted:
        return []
    words = wanted.split()
    best: dict[int, tuple] = {}
    directory = load_directory(session, workshop, language)
    for organisation in directory.organisations.values():
        for alias in organisation.aliases:
            if alias.key == wanted:
                rank = 0
            elif alias.key.startswith(wanted):
                rank = 1
            elif _words_match(words, alias.key.split()):
                rank = 2
            else:
                continue
            candidate = (rank, alias.kind == AliasKind.ALIAS.value, alias.id, alias.name)
            if organisation.id not in best or candidate < best[organisation.id]:
                best[organisation.id] = candidate
    found = sorted(best.items(), key=lambda item: (item[1][:2], _sort_name(item[0], directory)))
    out = []
    for organisation_id, (_rank, _alias, _id, matched) in found[:limit]:
        organisation = directory.organisations[organisation_id]
        name = organisation_name(organisation, language)
        out.append(
            {
                "id": organisation.id,
                "acronym": organisation.acronym,
                "name": name,
                "matched": matched,
                "group_id": organisation.group_id,
                "value": name,
            }
        )
    return out


def _sort_name(organisation_id: int, directory: Directory) -> str:
    organisation = directory.organisations[organisation_id]
    return organisation_label(organisation, directory.language).casefold()


# -- editing ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """An organisation as given (form, API or a file's row), cleaned."""

    acronym: str
    names: dict[str, str]
    aliases: list[str]
    group_id: int | None

    def spellings(self) -> list[tuple[str, str, str]]:
        """(kind, spelling, key) of every spelling, one per key (the first met wins)."""
        given = [(AliasKind.ACRONYM.value, self.acronym)]
        given += [(lang, self.names[lang]) for lang in LANGUAGES]
        given += [(AliasKind.ALIAS.value, a) for a in self.aliases]
        seen: dict[str, tuple[str, str, str]] = {}
        for kind, name in given:
            key = organisation_key(name)
            if key and key not in seen:
                seen[key] = (kind, name, key)
        return list(seen.values())


def _split_aliases(raw: object) -> list[object]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [a for a in raw.split(ALIAS_SEPARATOR) if a.strip()]
    if isinstance(raw, list):
        return raw
    raise DomainError("field_invalid", field="aliases")


def clean_entry(workshop: Workshop, data: dict) -> Entry:
    """An organisation from a dict of the API's (or a file's) fields; raises on bad input."""
    if not isinstance(data, dict):
        raise DomainError("field_invalid", field="organisation")
    acronym = clean_text(data.get("acronym", ""), "acronym", ACRONYM_MAX)
    names = {
        lang: clean_text(data.get(f"name_{lang}", ""), f"name_{lang}", ORGANISATION_MAX)
        for lang in LANGUAGES
    }
    raw_aliases = _split_aliases(data.get("aliases"))
    if len(raw_aliases) > MAX_ALIASES:
        raise DomainError("too_many", field="aliases", max=MAX_ALIASES)
    aliases = [clean_text(a, "aliases", ORGANISATION_MAX, required=True) for a in raw_aliases]
    if not acronym and not any(names.values()):
        raise DomainError("field_required", field="name")
    group = data.get("group", data.get("stakeholder_group"))
    try:
        group_id = None if group in (None, "") else find_group(workshop, group).id
    except DomainError:
        raise DomainError("group_invalid", group=str(group)[:NAME_MAX]) from None
    return Entry(acronym, names, aliases, group_id)


def _owners(session: Session, workshop: Workshop, keys: Iterable[str]) -> dict[str, int]:
    """Which organisation holds each of these keys already."""
    keys = list(keys)
    if not keys:
        return {}
    return dict(
        session.execute(
            select(OrganisationAlias.key, OrganisationAlias.organisation_id).where(
                OrganisationAlias.workshop_id == workshop.id, OrganisationAlias.key.in_(keys)
            )
        ).all()
    )


def apply_entry(
    session: Session, workshop: Workshop, organisation: Organisation, entry: Entry
) -> None:
    """Give `organisation` the entry's names and exactly its spellings."""
    spellings = entry.spellings()
    owners = _owners(session, workshop, [key for _kind, _name, key in spellings])
    for _kind, name, key in spellings:
        owner = owners.get(key)
        if owner is not None and owner != organisation.id:
            other = session.get(Organisation, owner)
            raise Conflict(
                "alias_taken", alias=name, organisation=organisation_label(other, workshop.language)
            )
    organisation.acronym, organisation.group_id = entry.acronym, entry.group_id
    for lang in LANGUAGES:
        setattr(organisation, f"name_{lang}", entry.names[lang])
    wanted = {key: (kind, name) for kind, name, key in spellings}
    for alias in list(organisation.aliases):
        if alias.key not in wanted:
            organisation.aliases.remove(alias)
    session.flush()  # deleted keys are free before they are taken again
    have = {alias.key: alias for alias in organisation.aliases}
    for key, (kind, name) in wanted.items():
        alias = have.get(key)
        if alias is None:
            organisation.aliases.append(
                OrganisationAlias(workshop_id=workshop.id, name=name, key=key, kind=kind)
            )
        else:
            alias.name, alias.kind = name, kind
    session.flush()


def relabel_commitments(session: Session, workshop: Workshop, organisation: Organisation) -> None:
    """Commitments of the organisation show its current name."""
    label = organisation_label(organisation, workshop.language)
    for commitment in session.scalars(
        select(Commitment).where(Commitment.organisation_id == organisation.id)
    ):
        commitment.organisation = label


# -- import and copy --------------------------------------------------------------------------


def read_table(data: bytes) -> list[list[str]]:
    """A CSV (UTF-8 or cp1252, `,` or `;`) or an XLSX's first sheet, as rows of text."""
    if data[:4] == b"PK\x03\x04":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise DomainError("import_encoding") from None
        sheet = book.worksheets[0]
        return [
            [
                "" if v is None else str(int(v) if isinstance(v, float) and v.is_integer() else v)
                for v in row
            ]
            for row in sheet.iter_rows(values_only=True)
        ]
    text = _decode(data)
    return list(_rows(csv.reader(io.StringIO(text), dialect=_dialect(text))))


def read_directory_file(data: bytes) -> list[tuple[int, dict]]:
    """(line, row of COLUMNS) of a directory file's non-blank rows (`group` also names the
    group column)."""
    if not data:
        raise DomainError("field_required", field="file")
    rows = read_table(data)
    headers: dict[str, int] = {}
    for index, name in enumerate(rows[0] if rows else []):
        headers.setdefault(str(name).strip().casefold(), index)
    if "group" in headers:
        headers.setdefault("stakeholder_group", headers["group"])
    if not any(c in headers for c in ("acronym", "name_fr", "name_ar", "name_en")):
        raise DomainError("import_no_name_column")
    entries = [
        (line, {c: row[headers[c]] if headers.get(c, len(row)) < len(row) else "" for c in COLUMNS})
        for line, row in enumerate(rows[1:], start=2)
        if any(str(cell).strip() for cell in row)
    ]
    if len(entries) > MAX_IMPORT_ROWS:
        raise DomainError("too_many", field="rows", max=MAX_IMPORT_ROWS)
    return entries


def plan_entries(
    session: Session, workshop: Workshop, rows: list[tuple[int, dict]]
) -> list[tuple[Entry, Organisation | None]]:
    """Each row cleaned, with the organisation it completes (None: a new one); raises
    ImportRefused with every bad row, so that nothing is half-imported.

    A row spelling an organisation already there completes it; a row whose spellings belong
    to two organisations, or that repeats a spelling of an earlier row, is refused.
    """
    errors, plans = [], []
    claimed: dict[str, int] = {}  # key -> the line that spells it
    existing = load_directory(session, workshop)
    for line, data in rows:
        try:
            entry = clean_entry(workshop, data)
        except DomainError as error:
            errors.append({"line": line, "error": error.key, "params": error.params})
            continue
        keys = [key for _kind, _name, key in entry.spellings()]
        twice = next((k for k in keys if k in claimed), None)
        owners = {existing.by_key[k] for k in keys if k in existing.by_key}
        if twice is not None:
            errors.append(
                {"line": line, "error": "alias_repeated", "params": {"line": claimed[twice]}}
            )
        elif len(owners) > 1:
            names = sorted(
                organisation_label(existing.organisations[o], workshop.language) for o in owners
            )
            errors.append(
                {
                    "line": line,
                    "error": "alias_split",
                    "params": {"organisations": ", ".join(names)},
                }
            )
        else:
            claimed.update(dict.fromkeys(keys, line))
            owner = existing.organisations[owners.pop()] if owners else None
            plans.append((entry if owner is None else completed_entry(owner, entry), owner))
    if errors:
        raise ImportRefused(errors)
    new = sum(1 for _entry, owner in plans if owner is None)
    if len(existing.organisations) + new > MAX_ORGANISATIONS:
        raise DomainError("too_many", field="organisations", max=MAX_ORGANISATIONS)
    return plans


def completed_entry(organisation: Organisation, entry: Entry) -> Entry:
    """An existing organisation with what a row adds: its names where given, its aliases."""
    names = {lang: entry.names[lang] or getattr(organisation, f"name_{lang}") for lang in LANGUAGES}
    aliases = list(dict.fromkeys([*aliases_of(organisation), *entry.aliases]))
    return Entry(
        entry.acronym or organisation.acronym,
        names,
        aliases,
        entry.group_id if entry.group_id is not None else organisation.group_id,
    )


def directory_entries(session: Session, workshop: Workshop) -> list[dict]:
    """The directory as an export document carries it: names and aliases of each."""
    return [
        {k: v for k, v in organisation_record(o).items() if k not in ("id", "group_id")}
        for o in list_organisations(session, workshop)
    ]


def directory_rows(session: Session, workshop: Workshop) -> list[dict]:
    """The directory as rows of COLUMNS: what an export writes and an import reads back."""
    groups = {g.id: g.name for g in workshop.groups}
    return [
        {
            "acronym": o.acronym,
            **{f"name_{lang}": getattr(o, f"name_{lang}") for lang in LANGUAGES},
            "aliases": f"{ALIAS_SEPARATOR} ".join(aliases_of(o)),
            "stakeholder_group": groups.get(o.group_id, ""),
        }
        for o in list_organisations(session, workshop)
    ]
