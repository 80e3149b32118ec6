"""Formula injection in exports: whichever way a spreadsheet splits a CSV, no cell is a formula.

French Excel splits on `;`, English Excel on `,`, and an import that ignores quotes (a text
qualifier of "none") splits inside quoted cells too: every export is read back all four ways.
"""

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from tests.playbook import api
from workshop.db import transaction
from workshop.export import TABLES, neutralise, to_csv, to_xlsx
from workshop.models import Activity, Participant, Workshop
from workshop.services import prevoting
from workshop.services import working_groups as group_service
from workshop.services.tokens import hash_token

#: what a spreadsheet may run as a formula (or DDE) when a cell starts with it
FORMULA_START = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
HOSTILE = [
    "x;=1+1;y",
    "a,=cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "+1",
    "\t=1",
    'q;"=1',
    "b,+1;-2,@3",
    "＝1;＋2",
]


def cells(text: str) -> dict[str, list[str]]:
    """The cells of a CSV read as `;` and `,` spreadsheets do, and as naive splitters do."""
    lines = text.splitlines()
    return {
        "csv ;": [
            c for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row
        ],
        "csv ,": [
            c for row in csv.reader(io.StringIO(text, newline=""), delimiter=",") for c in row
        ],
        "split ;": [c for line in lines for c in line.split(";")],
        "split ,": [c for line in lines for c in line.split(",")],
    }


def formulas(text: str) -> dict[str, list[str]]:
    """The cells that start with a formula character once the double quotes and line breaks
    before it are stripped (a `;` reader may take a comma file's closing quote for an opening
    one and run on to the next line)."""
    found = {}
    for reader, values in cells(text).items():
        bad = [value for value in values if value.lstrip('"\r\n')[:1] in tuple(FORMULA_START)]
        if bad:
            found[reader] = bad
    return found


def csv_text(body: bytes) -> str:
    assert body.startswith(b"\xef\xbb\xbf")
    return body.decode("utf-8-sig")


def assert_inert_workbook(body: bytes) -> list[str]:
    """Every text cell of every sheet is stored as text and starts with no formula character;
    returns the header rows' values."""
    book = load_workbook(io.BytesIO(body))
    headers = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert cell.value.lstrip('"')[:1] not in tuple(FORMULA_START), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
        headers += [str(c.value) for c in sheet[1] if c.value is not None]
    return headers


# -- the serializers ------------------------------------------------------------------------

ALPHABET = st.sampled_from(list(",;\"'=+-@\t\r\nx1 ") + ["\uff1d", "\u2028", "\x85"])
CELL = st.one_of(
    st.lists(ALPHABET, max_size=12).map("".join),
    st.sampled_from(HOSTILE),
    # no export holds a negative number (counts, ranks, ids, shares, consensus): a number
    # stays a number, and "-3,x" read by a `;` spreadsheet would start with "-"
    st.integers(0, 5),
    st.floats(0, 5),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, min_size=1, max_size=4), st.lists(CELL, min_size=1, max_size=4))
def test_no_way_of_splitting_a_csv_yields_a_formula(header, row):
    text = csv_text(to_csv([str(h) for h in header], [row]))
    assert formulas(text) == {}
    # and the file is still a valid CSV that gives back exactly what was written
    expected = [
        [str(neutralise(str(h))) for h in header],
        ["" if v is None else str(neutralise(v)) for v in row],
    ]
    assert list(csv.reader(io.StringIO(text, newline=""))) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_a_cell_with_a_separator_is_quoted(value):
    line = csv_text(to_csv(["h"], [[value]])).split("\r\n", 1)[1]
    # (a row of one empty cell is written "" so that it is not an empty line)
    quoted = any(c in str(neutralise(value)) for c in ',;"\r\n') or value == ""
    assert line.startswith('"') == quoted, line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x;=1+1;y", "x;'=1+1;y"),
        ("a,=cmd|' /C calc'!A0", "a,'=cmd|' /C calc'!A0"),
        ('q;"=1', "q;\"'=1"),
        ("b,+1;-2,@3", "b,'+1;'-2,'@3"),
        ("Ligne;=1\n=2,+3\n-4", "Ligne;'=1\n'=2,'+3\n'-4"),
        ('"=1', "\"'=1"),
        ("-", "'-"),
        ("a; =1", "a; =1"),  # a space first: no spreadsheet reads it as a formula
        ("2025-2026, T1; T2", "2025-2026, T1; T2"),
        ("Emploi\n\nCompétences", "Emploi\n\nCompétences"),
    ],
)
def test_the_rule_on_examples(value, expected):
    assert neutralise(value) == expected


def test_xlsx_headers_are_neutralised():
    body = to_xlsx(["=1+1 group", "@SUM(1) (votes)", "ok"], [["-2+3", 5, -3]], sheet="s")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]] == ["'=1+1 group", "'@SUM(1) (votes)", "ok"]
    assert [c.value for c in sheet[2]] == ["'-2+3", 5, -3]
    assert all(c.data_type == "s" for c in sheet[1])
    assert (sheet["C2"].data_type, sheet["C2"].value) == ("n", -3)


# -- every export of a hostile session ------------------------------------------------------


@pytest.fixture
def hostile(app, client, make_workshop, join, socket_client):
    """Hostile group, track, working group, activity, organisation, name, comment and
    commitment text."""
    w = make_workshop(
        title="=1+1;@atelier",
        groups=["x;=1+1;y", "@SUM(1)", "-2+3"],
        tracks=["+1", "a,=cmd|' /C calc'!A0"],
    )
    ids = [
        api(
            client,
            w,
            "POST",
            "/activities",
            json={"title": t, "description": "Ligne;=1\n=2,+3\n-4", "track": "+1"},
        )["activity_id"]
        for t in HOSTILE
    ]
    groups = ["x;=1+1;y", "@SUM(1)", "-2+3"]
    tokens = [
        join(w["code"], group=groups[n % 3], organisation=org, name=HOSTILE[-n - 1])
        for n, org in enumerate(HOSTILE[:5])
    ]
    working_groups(app, w["code"], tokens[0], ids[0])
    api(client, w, "POST", "/phase", json={"phase": "voting"})
    phones = [socket_client({"participant_token": t}) for t in tokens]
    for n, phone in enumerate(phones):
        ack = phone.emit(
            "cast_vote", {"activity_id": ids[n], "points": 2, "op_id": f"v{n}"}, callback=True
        )
        assert ack["ok"], ack
        ack = phone.emit(
            "add_comment",
            {"activity_id": ids[n], "text": HOSTILE[n + 1], "op_id": f"c{n}"},
            callback=True,
        )
        assert ack["ok"], ack
    # the organisation directory, written back as the file its import reads
    api(
        client,
        w,
        "POST",
        "/organisations",
        json={
            "acronym": "-2+3",
            "name_fr": HOSTILE[0],
            "name_ar": HOSTILE[8],
            "aliases": [HOSTILE[2], HOSTILE[4]],
            "group": HOSTILE[0],
        },
    )
    api(client, w, "POST", "/workplan/top", json={"count": 3})
    api(client, w, "PATCH", "", json={"commitments_open": True})
    for n, phone in enumerate(phones[:3]):
        ack = phone.emit(
            "make_commitment",
            {
                "activity_id": ids[n],
                "role": "lead",
                "timeframe": HOSTILE[n + 3],
                "note": HOSTILE[n],
                "op_id": f"k{n}",
            },
            callback=True,
        )
        assert ack["ok"], ack
    api(
        client,
        w,
        "POST",
        "/commitments",
        json={
            "activity_id": ids[1],
            "organisation": "b,+1;-2,@3",
            "role": "partner",
            "timeframe": "-2026",
            "note": '=HYPERLINK("http://x");x',
        },
    )
    follow_up(client, w, phones_commitment=ids[0])
    return w


def working_groups(app, code: str, token: str, activity_id: int) -> None:
    """Two tables with hostile names; one member pre-votes at the first (the pre-votes table
    and the working group columns carry the names)."""
    with transaction(app) as db:
        workshop = db.scalar(select(Workshop).where(Workshop.code == code))
        first, _second = group_service.create_working_groups(db, workshop, [HOSTILE[0], HOSTILE[2]])
        member = db.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
        group_service.assign_participant(db, workshop, member, first.id)
        db.get(Activity, activity_id).working_group_id = first.id
        group_service.set_group_phase(db, workshop, first, "prevote")
    with transaction(app) as db:
        workshop = db.scalar(select(Workshop).where(Workshop.code == code))
        member = db.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
        prevoting.cast_prevote(db, workshop, member, activity_id, points=2)


def follow_up(client, w, phones_commitment: int) -> None:
    """The room closes (its plan frozen); a focal point amends a timeframe to hostile text
    through a follow-up link, and the facilitator accepts it: the follow-up and the "changes"
    exports carry it."""
    api(client, w, "POST", "/phase", json={"phase": "closed"})
    listed = api(client, w, "GET", "/follow-up/links")
    commitments = api(client, w, "GET", "/commitments")["commitments"]
    target = next(c for c in commitments if c["activity_id"] == phones_commitment)
    made = api(
        client,
        w,
        "POST",
        "/follow-up/links",
        json={"organisation_key": target["organisation_key"], "deadline": _soon(), "label": "+1"},
    )
    assert any(o["organisation_key"] == target["organisation_key"] for o in listed["organisations"])
    page = client.get(f"/follow-up/{w['code']}/{made['token']}")
    form = {
        "csrf": csrf_of(page),
        "action": "amend",
        "commitment_id": target["id"],
        "timeframe": HOSTILE[0],
    }
    assert client.post(f"/follow-up/{w['code']}/{made['token']}", data=form).status_code == 303
    pending = api(client, w, "GET", "/follow-up/changes", query_string={"status": "pending"})
    ids = [c["id"] for c in pending["changes"]]
    decided = api(
        client, w, "POST", "/follow-up/changes/decide", json={"ids": ids, "decision": "accept"}
    )
    assert all(r["ok"] for r in decided["results"]), decided


def _soon() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


def export(client, w, name, fmt, **query):
    r = client.get(
        f"/api/workshops/{w['code']}/export/{name}.{fmt}", headers=w["auth"], query_string=query
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.data


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_csv_export_is_inert_however_it_is_split(client, hostile, name):
    for query in ({"names": "1"}, {}) if name == "participants" else ({},):
        text = csv_text(export(client, hostile, name, "csv", **query))
        assert formulas(text) == {}, (name, query)
        # the hostile text is there, marked, not lost
        assert "x;'=1+1;y" in text


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_xlsx_export_is_inert_headers_included(client, hostile, name):
    headers = assert_inert_workbook(export(client, hostile, name, "xlsx"))
    if name == "activities":
        assert "'@SUM(1)" in headers and "'-2+3" in headers
        assert "x;'=1+1;y" in headers
        assert any(h.startswith("x;'=1+1;y (") for h in headers)
        assert any(h.startswith("'@SUM(1) (") for h in headers)


def test_the_zip_holds_only_inert_csv_and_xlsx(client, hostile):
    r = client.get(f"/api/workshops/{hostile['code']}/export.zip", headers=hostile["auth"])
    assert r.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    names = archive.namelist()
    assert sum(n.endswith(".csv") for n in names) == len(TABLES)
    for name in names:
        if name.endswith(".csv"):
            assert formulas(csv_text(archive.read(name))) == {}, name
        elif name.endswith(".xlsx"):
            assert_inert_workbook(archive.read(name))


@pytest.fixture
def host(app):
    browser = app.test_client()
    assert browser.get("/host?key=test-host-key").status_code == 302
    return browser


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_consolidation_exports_are_inert(host, hostile):
    page = host.get("/host/consolidations")
    r = host.post("/host/consolidations", data={"csrf": csrf_of(page), "title": "@plan;=1"})
    assert r.status_code == 302, r.get_data(as_text=True)
    location = r.headers["Location"]
    page = host.get(location)
    r = host.post(location + "/sources", data={"csrf": csrf_of(page), "code": hostile["code"]})
    assert r.status_code == 302, r.get_data(as_text=True)
    for name in ("consolidated", "organisations"):
        r = host.get(f"{location}/export/{name}.csv")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        text = csv_text(r.data)
        assert formulas(text) == {}, name
        assert "'=" in text or "'+" in text or "'@" in text  # hostile text is there, marked
    assert_inert_workbook(host.get(f"{location}/export/consolidated.xlsx").data)
