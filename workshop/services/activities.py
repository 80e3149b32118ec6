"""Activities: proposals, the facilitator's drafts and imports, and moderation."""

import csv
import io
from collections.abc import Iterator
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Activity,
    ActivityStatus,
    Participant,
    Phase,
    PreVote,
    Track,
    Workshop,
)
from . import wording
from .errors import Conflict, DomainError, NotFound
from .prevoting import trim_prevotes_over_limit
from .text import activity_key, clean_text
from .voting import trim_votes_over_limit
from .working_groups import (
    check_group_proposing,
    get_working_group,
    group_for_new_activity,
    track_groups,
)
from .workshops import MAX_TRACKS, bump_version

MAX_IMPORT_ROWS = 1000
#: at most this many activities hidden in one request (a room proposes a few hundred at most)
MAX_BULK_HIDE = 500


class ImportRefused(DomainError):
    """A CSV import with bad rows: nothing was imported; `rows` says what to fix."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__("import_refused", count=len(rows))
        self.rows = rows


def find_track(workshop: Workshop, raw: object) -> Track | None:
    """Return the workshop's track named (or numbered) `raw`; None for an empty value."""
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise DomainError("track_invalid")
    for track in workshop.tracks:
        if raw == track.id or (
            isinstance(raw, str)
            and raw.strip().casefold() in (track.name.casefold(), str(track.id))
        ):
            return track
    raise DomainError("track_invalid")


def _new_activity(
    workshop: Workshop,
    title: object,
    description: object,
    track: object,
    wordings: dict[str, object] | None = None,
) -> Activity:
    activity = Activity(
        workshop_id=workshop.id,
        title=clean_text(title, "title", TITLE_MAX, required=True),
        description=clean_text(description, "description", DESCRIPTION_MAX, multiline=True),
        track=find_track(workshop, track),
        status=ActivityStatus.VISIBLE.value,
    )
    wording.set_wordings(activity, wording.ACTIVITY_FIELDS, wordings or {})
    return activity


def propose_activity(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    *,
    title: object,
    description: object = "",
    track: object = None,
) -> Activity:
    """A participant proposes an activity while proposals are open."""
    if workshop.phase != Phase.PROPOSING.value:
        raise DomainError("not_proposing")
    check_group_proposing(session, participant)
    activity = _new_activity(workshop, title, description, track)
    activity.proposed_by_id = participant.id
    activity.working_group_id = group_for_new_activity(
        session,
        workshop,
        participant=participant,
        track_id=None if activity.track is None else activity.track.id,
    )
    session.add(activity)
    session.flush()
    bump_version(session, workshop)
    return activity


def add_activity(
    session: Session,
    workshop: Workshop,
    *,
    title: object,
    description: object = "",
    track: object = None,
    wordings: dict[str, object] | None = None,
) -> Activity:
    """The facilitator adds an activity, in any phase, with its wording in other languages
    if given ({"title_ar": ..., "description_en": ...})."""
    activity = _new_activity(workshop, title, description, track, wordings)
    activity.working_group_id = group_for_new_activity(
        session,
        workshop,
        participant=None,
        track_id=None if activity.track is None else activity.track.id,
    )
    session.add(activity)
    session.flush()
    bump_version(session, workshop)
    return activity


def get_activity(session: Session, workshop: Workshop, activity_id: object) -> Activity:
    """Return one of the workshop's activities, hidden or not, or raise."""
    activity = session.get(Activity, activity_key(activity_id))
    if activity is None or activity.workshop_id != workshop.id:
        raise NotFound("activity_not_found")
    return activity


def place_activity(
    session: Session, workshop: Workshop, activity_id: object, group_id: object
) -> Activity:
    """The facilitator puts an activity at a working group's table (None: at no table): the
    drafted activities when the groups were not made from tracks, or one a table should not
    have. Refused once people pre-voted on it at its table (`activity_has_prevotes`: their
    dots would stay spent where it is no more). Its "bring to plenary" mark was its table's:
    it goes. A ballot already rolled up keeps who brought it."""
    activity = get_activity(session, workshop, activity_id)
    target = None if group_id is None else get_working_group(session, workshop, group_id).id
    if activity.working_group_id == target:
        return activity
    if activity.working_group_id is not None and session.scalar(
        select(
            exists().where(
                PreVote.activity_id == activity.id,
                PreVote.working_group_id == activity.working_group_id,
            )
        )
    ):
        raise Conflict("activity_has_prevotes")
    activity.working_group_id = target
    activity.to_plenary = False
    session.flush()
    bump_version(session, workshop)
    return activity


def edit_activity(
    session: Session,
    workshop: Workshop,
    activity_id: object,
    *,
    title: object = None,
    description: object = None,
    track: object = ...,
    wordings: dict[str, object] | None = None,
) -> Activity:
    """The facilitator rewrites an activity or its wordings; what is left out stays."""
    activity = get_activity(session, workshop, activity_id)
    if title is not None:
        activity.title = clean_text(title, "title", TITLE_MAX, required=True)
    if description is not None:
        activity.description = clean_text(
            description, "description", DESCRIPTION_MAX, multiline=True
        )
    if track is not ...:
        activity.track = find_track(workshop, track)
    if wordings:
        wording.set_wordings(activity, wording.ACTIVITY_FIELDS, wordings)
    session.flush()
    bump_version(session, workshop)
    return activity


def set_activity_status(
    session: Session, workshop: Workshop, activity_id: object, status: ActivityStatus
) -> Activity:
    """Hide or restore an activity; votes on a hidden one are kept but never count.

    Dots on a hidden activity go back to their owners' budgets; at a restore, whoever has
    spent them since keeps the newer votes and loses the excess on the restored activity.
    """
    activity = get_activity(session, workshop, activity_id)
    if activity.status == ActivityStatus.MERGED.value:
        raise DomainError("activity_merged")  # undo the merge instead
    activity.status = ActivityStatus(status).value
    session.flush()
    if activity.status == ActivityStatus.VISIBLE.value:
        trim_votes_over_limit(session, workshop, activity)
        trim_prevotes_over_limit(session, workshop, activity.id)  # and at its table, as votes
    bump_version(session, workshop)
    return activity


def hide_activities(session: Session, workshop: Workshop, activity_ids: object) -> list[Activity]:
    """Hide several activities, each as `set_activity_status` hides one; all or none.

    Refusals (an unknown or merged activity) raise before the handler commits, so the
    transaction hides nothing. An id sent twice is hidden once.
    """
    if activity_ids is None or activity_ids == []:
        raise DomainError("field_required", field="activity_ids")
    if not isinstance(activity_ids, list):
        raise DomainError("field_invalid", field="activity_ids")
    if len(activity_ids) > MAX_BULK_HIDE:
        raise DomainError("too_many", field="activity_ids", max=MAX_BULK_HIDE)
    keys = list(dict.fromkeys(activity_key(raw) for raw in activity_ids))
    return [set_activity_status(session, workshop, key, ActivityStatus.HIDDEN) for key in keys]


def list_activities(
    session: Session, workshop: Workshop, *, include_hidden: bool = False
) -> list[Activity]:
    query = select(Activity).where(Activity.workshop_id == workshop.id).order_by(Activity.id)
    if not include_hidden:
        query = query.where(Activity.status == ActivityStatus.VISIBLE.value)
    return list(session.scalars(query))


def import_activities(session: Session, workshop: Workshop, data: bytes | str) -> list[Activity]:
    """Import a CSV or XLSX with columns title, description, track: every row, or none.

    Accepts what spreadsheets write: XLSX (the first sheet), or CSV in UTF-8 with or without
    BOM (or cp1252), `,` or `;`. A track named in the file that the workshop lacks is
    created. Columns such as title_ar, description_en give the wording in other languages;
    without a title column, the title in the workshop's language (title_fr...) is the original.
    """
    # Rows are numbered as the spreadsheet numbers them: blank rows count, a cell with line
    # breaks does not add rows (so no DictReader, which skips blank lines).
    reader = _xlsx_rows(data) if _is_xlsx(data) else _csv_rows(data)
    headers: dict[str, int] = {}
    for index, name in enumerate(next(reader, [])):
        headers.setdefault(name.strip().casefold(), index)
    own_title = wording.column("title", workshop.language)
    own_description = wording.column("description", workshop.language)
    if "title" not in headers and "titre" not in headers and own_title not in headers:
        raise DomainError("import_no_title_column")
    worded = [c for c in wording.columns(wording.ACTIVITY_FIELDS) if c in headers]

    def cell(row: list[str], *names: str) -> str:
        for name in names:
            if name in headers:
                index = headers[name]
                return row[index] if index < len(row) else ""
        return ""

    errors, pending = [], []
    for line, row in enumerate(reader, start=2):
        title = cell(row, "title", "titre", own_title)
        description = cell(row, "description", own_description)
        track = cell(row, "track", "piste", "axe")
        wordings = {c: cell(row, c) for c in worded}
        if not "".join([title, description, track, *wordings.values()]).strip():
            continue
        if len(pending) + len(errors) >= MAX_IMPORT_ROWS:
            raise DomainError("too_many", field="rows", max=MAX_IMPORT_ROWS)
        try:
            pending.append(
                (
                    clean_text(title, "title", TITLE_MAX, required=True),
                    clean_text(description, "description", DESCRIPTION_MAX, multiline=True),
                    clean_text(track, "track", NAME_MAX),
                    {c: wording.clean_wording(*c.split("_"), v) for c, v in wordings.items()},
                )
            )
        except DomainError as error:
            errors.append({"line": line, "error": error.key, "params": error.params})
    if errors:
        raise ImportRefused(errors)
    # A file names tracks by name only: a cell "2" is a track called "2", not track id 2.
    by_name = {t.name.casefold(): t for t in workshop.tracks}
    for name in dict.fromkeys(t for _, _, t, _w in pending if t):
        if name.casefold() not in by_name:
            if len(workshop.tracks) >= MAX_TRACKS:
                raise DomainError("too_many", field="tracks", max=MAX_TRACKS)
            by_name[name.casefold()] = Track(name=name, position=len(workshop.tracks))
            workshop.tracks.append(by_name[name.casefold()])
    session.flush()
    groups = track_groups(session, workshop)
    created = []
    for title, description, track, wordings in pending:
        activity = _new_activity(workshop, title, description, None, wordings)
        activity.track = by_name[track.casefold()] if track else None
        if activity.track is not None:
            activity.working_group_id = groups.get(activity.track.id)
        created.append(activity)
    session.add_all(created)
    session.flush()
    bump_version(session, workshop)
    return created


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error:  # e.g. a cell over the csv module's 128 KiB limit
        raise DomainError("import_encoding") from None


def _csv_rows(data: bytes | str) -> Iterator[list[str]]:
    text = _decode(data)
    yield from _rows(csv.reader(io.StringIO(text), dialect=_dialect(text)))


def _is_xlsx(data: bytes | str) -> bool:
    return isinstance(data, bytes) and data[:4] == b"PK\x03\x04"


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    """The first sheet's rows as text (numbers as a spreadsheet shows them: 2, not 2.0)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(max_row=MAX_IMPORT_ROWS + 2, values_only=True)
        for row in rows:
            yield [_xlsx_text(value) for value in row]
    except (BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError):
        raise DomainError("import_encoding") from None


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _OneColumn(csv.excel):
    delimiter = "\x1f"  # a header without separators: commas in titles are text


def _dialect(text: str) -> type[csv.Dialect]:
    """The file's separator, among those its header line uses."""
    header = text.split("\n", 1)[0]
    candidates = "".join(d for d in ",;\t" if d in header)
    if not candidates:
        return _OneColumn
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=candidates)
    except csv.Error:
        return type("Guessed", (csv.excel,), {"delimiter": max(candidates, key=header.count)})


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("import_encoding")  # pragma: no cover - cp1252 decodes almost anything
