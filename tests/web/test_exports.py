"""Exports: CSV and XLSX that open cleanly in Excel, carry the right numbers and are inert."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from workshop.export import neutralise, to_csv, to_xlsx

FR_AR = "Renforcer l'employabilité des jeunes — تعزيز قابلية تشغيل الشباب"
DANGEROUS = ["=1+1", "+33 6 12", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x")', "＝1+1"]
TABLES = ["activities", "votes", "participants"]


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def add(client, w, title, **extra):
    r = client.post(url(w, "/activities"), json={"title": title, **extra}, headers=w["auth"])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["activity_id"]


def get_export(client, w, name, fmt, query="", **headers):
    r = client.get(url(w, f"/export/{name}.{fmt}{query}"), headers={**w["auth"], **headers})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def csv_rows(response, delimiter=";") -> list[list[str]]:
    """A CSV export read back as Excel reads it; `;` in a French workshop's by default."""
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.data)).active


@pytest.fixture
def voted(client, make_workshop, join, socket_client):
    """Three activities (one hidden), four participants of three groups, dots 5/3."""
    w = make_workshop()
    ids = {
        "first": add(client, w, FR_AR, description="Ligne 1\nLigne 2 — ٢", track="Emploi"),
        "second": add(client, w, "Accompagner"),
        "hidden": add(client, w, "Retirée"),
    }
    people = {
        "gov": join(w["code"], group="Gouvernement", organisation="MIEPEEC", name="Amina Secrète"),
        "gov2": join(w["code"], group="Gouvernement", organisation="ANAPEC", name="Omar Secret"),
        "emp": join(w["code"], group="Employeurs", organisation="CGEM", name="Leila Secrète"),
        "idle": join(w["code"], group="Travailleurs", organisation="UMT", name="Youssef Secret"),
    }
    r = client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
    assert r.status_code == 200
    votes = [
        ("gov", "first", 3),
        ("gov", "second", 2),
        ("gov2", "first", 2),
        ("emp", "second", 2),
        ("emp", "hidden", 1),
    ]
    phones = {who: socket_client({"participant_token": t}) for who, t in people.items()}
    for n, (who, activity, points) in enumerate(votes):
        ack = phones[who].emit(
            "cast_vote",
            {"activity_id": ids[activity], "points": points, "op_id": f"op{n}"},
            callback=True,
        )
        assert ack["ok"], ack
    r = client.post(url(w, f"/activities/{ids['hidden']}/hide"), headers=w["auth"])
    assert r.status_code == 200
    return w, ids


# -- format ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLES)
def test_csv_has_bom_and_crlf(client, voted, name):
    w, _ids = voted
    r = get_export(client, w, name, "csv")
    assert r.mimetype == "text/csv"
    assert r.data.startswith(b"\xef\xbb\xbf")
    assert f'filename="{w["code"]}-{name}.csv"' in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    records = csv_rows(r)
    # the activities table has a description with a line break inside a quoted cell
    if name != "activities":
        assert "\n" not in "".join(lines)
        assert len(lines) == len(records)
    assert len(records) >= 2 and all(len(row) == len(records[0]) for row in records)


@pytest.mark.parametrize("name", TABLES)
def test_xlsx_opens(client, voted, name):
    w, _ids = voted
    r = get_export(client, w, name, "xlsx")
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.data.startswith(b"PK")
    sheet = xlsx_sheet(r)
    assert sheet.title == name and sheet.freeze_panes == "A2"
    assert sheet.max_row == len(csv_rows(get_export(client, w, name, "csv")))


def test_french_and_arabic_come_back_identical(client, voted):
    w, ids = voted
    rows = csv_rows(get_export(client, w, "activities", "csv"))
    first = next(row for row in rows[1:] if row[1] == str(ids["first"]))
    assert first[2] == FR_AR
    assert first[3] == "Ligne 1\nLigne 2 — ٢"
    sheet = xlsx_sheet(get_export(client, w, "activities", "xlsx"))
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert FR_AR in titles


# -- formula injection ----------------------------------------------------------------------


def test_formula_like_titles_are_neutralised_in_csv_and_xlsx(client, make_workshop, join):
    w = make_workshop()
    for title in DANGEROUS:
        add(client, w, title)
    add(client, w, "Sans danger = rien")
    join(w["code"], organisation="=cmd|' /C calc'!A0", name="@evil")

    rows = csv_rows(get_export(client, w, "activities", "csv"))
    titles = [row[2] for row in rows[1:]]
    assert titles == ["'" + t for t in DANGEROUS] + ["Sans danger = rien"]
    sheet = xlsx_sheet(get_export(client, w, "activities", "xlsx"))
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == titles
    for cell in cells:
        assert cell.data_type == "s"
    for cell in sheet["B"][1:]:  # ids stay numbers
        assert cell.data_type == "n" and isinstance(cell.value, int)

    people = csv_rows(get_export(client, w, "participants", "csv", "?names=1"))
    assert people[1][1:3] == ["'@evil", "'=cmd|' /C calc'!A0"]
    sheet = xlsx_sheet(get_export(client, w, "participants", "xlsx", "?names=1"))
    for cell in (sheet["B2"], sheet["C2"]):
        assert cell.data_type == "s" and cell.value.startswith("'")


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\tx", "\rx", "\nx", "＋1", "＠a"])
def test_every_formula_prefix_is_neutralised(value):
    # tab and line breaks cannot reach a title (the services strip them): test the serializers
    assert neutralise(value) == "'" + value
    rows = list(csv.reader(io.StringIO(to_csv(["h"], [[value]]).decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + value]
    cell = load_workbook(io.BytesIO(to_xlsx(["h"], [[value]], sheet="s"))).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'")


def test_numbers_and_harmless_text_are_left_alone():
    for value in (-3, 2.5, 0, "a=b", " =1", "'=1", "", None):
        assert neutralise(value) == value
    sheet = load_workbook(io.BytesIO(to_xlsx(["n", "t"], [[-3, "a=b"]], sheet="s"))).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == (-3, "n")
    assert sheet["B2"].value == "a=b"


def test_header_cells_are_neutralised_too(client, make_workshop):
    w = make_workshop(groups=["=Gouvernement", "Employeurs"])
    rows = csv_rows(get_export(client, w, "activities", "csv"))
    assert rows[0][10:12] == ["'=Gouvernement", "Employeurs"]
    assert rows[0][-2].startswith("'=Gouvernement (")


# -- contents -------------------------------------------------------------------------------


def test_activities_per_group_columns_and_totals(client, voted):
    w, ids = voted
    rows = csv_rows(get_export(client, w, "activities", "csv"))
    header = rows[0]
    # then merges and consensus (tests/web/test_consensus_api.py): 7 columns and 3 shares
    assert len(header) == 10 + 3 + 7 + 3
    assert header[10:13] == ["Gouvernement", "Employeurs", "Travailleurs"]
    by_id = {row[1]: row for row in rows[1:]}
    first, second, hidden = (by_id[str(ids[k])] for k in ("first", "second", "hidden"))
    # rank, id, title, description, track, proposed by, status, total, voters, comments, groups
    assert first[0] == "1" and first[7:13] == ["5", "2", "0", "5", "0", "0"]
    assert second[0] == "2" and second[7:13] == ["4", "2", "0", "2", "2", "0"]
    assert first[4] == "Emploi" and second[4] == ""
    # hidden last, without rank or totals (its comment count is 0)
    assert rows[-1] == hidden
    assert hidden[0] == "" and hidden[7:10] == ["", "", "0"]
    assert hidden[10:] == [""] * (len(header) - 10)
    assert hidden[6] != first[6]  # hidden vs visible status label
    # the XLSX carries the same numbers, as numbers
    sheet = xlsx_sheet(get_export(client, w, "activities", "xlsx"))
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[ids["first"]][7:13] == (5, 2, 0, 5, 0, 0)
    assert values[ids["second"]][0] == 2


def test_activities_ranks_follow_results(client, voted):
    w, ids = voted
    results = client.get(url(w, "/results"), headers=w["auth"]).get_json()["activities"]
    rows = csv_rows(get_export(client, w, "activities", "csv"))[1:]
    exported = [(int(r[1]), int(r[0]), int(r[7])) for r in rows if r[0]]
    assert exported == [(r["activity_id"], r["rank"], r["total"]) for r in results]


def test_proposed_by_shows_group_and_organisation(client, make_workshop, join, socket_client):
    w = make_workshop()
    token = join(w["code"], group="Employeurs", organisation="CGEM", name="Leila Secrète")
    client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=w["auth"])
    phone = socket_client({"participant_token": token})
    ack = phone.emit("propose_activity", {"title": "Idée", "op_id": "p1"}, callback=True)
    assert ack["ok"], ack
    rows = csv_rows(get_export(client, w, "activities", "csv"))
    assert rows[1][5] == "Employeurs / CGEM"


def test_votes_are_pseudonymous(client, voted):
    w, ids = voted
    r = get_export(client, w, "votes", "csv")
    text = r.data.decode("utf-8-sig")
    for name in ("Amina", "Omar", "Leila", "Youssef", "Secr"):
        assert name not in text
    rows = csv_rows(r)[1:]
    assert len(rows) == 5
    people = csv_rows(get_export(client, w, "participants", "csv"))[1:]
    pseudonyms = {row[0] for row in people}
    assert {row[0] for row in rows} <= pseudonyms
    assert all(row[0].startswith("P-") for row in rows)
    assert sorted((row[3], row[4]) for row in rows) == sorted(
        [
            (str(ids["first"]), "3"),
            (str(ids["second"]), "2"),
            (str(ids["first"]), "2"),
            (str(ids["second"]), "2"),
            (str(ids["hidden"]), "1"),
        ]
    )
    sheet_text = str(
        [list(row) for row in xlsx_sheet(get_export(client, w, "votes", "xlsx")).values]
    )
    assert "Amina" not in sheet_text and "Secr" not in sheet_text


def test_participants_lists_everyone_with_group_and_names_only_when_asked(client, voted):
    w, _ids = voted
    rows = csv_rows(get_export(client, w, "participants", "csv", "?names=1"))[1:]
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Amina Secrète", "MIEPEEC", "Gouvernement"),
        ("Omar Secret", "ANAPEC", "Gouvernement"),
        ("Leila Secrète", "CGEM", "Employeurs"),
        ("Youssef Secret", "UMT", "Travailleurs"),
    ]
    # a French workshop's CSV: dates as French Excel reads them, day first (UTC)
    assert all(re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d:\d\d", r[4]) for r in rows)
    english = csv_rows(get_export(client, w, "participants", "csv", "?conventions=en"), ",")[1:]
    assert all(re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d", r[3]) for r in english)
    sheet = xlsx_sheet(get_export(client, w, "participants", "xlsx"))
    assert all(str(v).endswith("Z") and "T" in str(v) for v in [c.value for c in sheet["D"][1:]])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", ["", "?names=0", "?names=yes", "?name=1"])
def test_exports_are_pseudonymous_by_default(client, voted, fmt, query):
    w, _ids = voted
    for name in TABLES:
        body = get_export(client, w, name, fmt, query).data
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(body)).active
            body = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
        for secret in ("Amina", "Omar", "Leila", "Youssef"):
            assert secret.encode() not in body, (name, fmt, query)
    rows = csv_rows(get_export(client, w, "participants", "csv", query))
    assert len(rows[0]) == 4 and rows[1][0].startswith("P-")


# -- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", TABLES)
def test_exports_need_the_facilitator(client, make_workshop, join, name, fmt):
    w = make_workshop()
    join(w["code"], name="Amina Secrète")
    r = client.get(url(w, f"/export/{name}.{fmt}"))
    assert r.status_code == 401
    assert r.get_json()["error"] == "facilitator_only"
    assert b"Amina" not in r.data
    other = make_workshop()
    r = client.get(url(w, f"/export/{name}.{fmt}"), headers=other["auth"])
    assert r.status_code == 403 and b"Amina" not in r.data


def test_activities_flags_say_what_was_measured_and_name_the_groups(client, voted):
    """Dots cannot oppose: an activity backed by one group reads as such, never "contested"."""
    w, ids = voted
    rows = csv_rows(get_export(client, w, "activities", "csv", **{"Accept-Language": "fr"}))
    flags = rows[0].index("drapeaux") if "drapeaux" in rows[0] else len(rows[0]) - 4
    by_id = {row[1]: row for row in rows[1:]}
    # each group name isolated (FSI ... PDI), so that it keeps its direction in an Arabic line
    assert (
        by_id[str(ids["first"])][flags] == "Soutenue par un seul groupe : \u2068Gouvernement\u2069"
    )
    assert "ontest" not in "".join(row[flags] for row in rows[1:])


def test_flag_words_join_names_as_the_language_does(app):
    """Arabic joins with its own comma; each name is isolated (the "ENABEL ,ANAPEC" defect)."""
    from flask_babel import force_locale

    from workshop.messages import flag_words

    result = {"flags": ["no_support_from"], "flag_groups": {"no_support_from": [1, 2]}}
    names = {1: "Organisations de travailleurs", 2: "ENABEL"}
    with app.test_request_context():
        with force_locale("ar"):
            (arabic,) = flag_words(result, names)
        with force_locale("fr"):
            (french,) = flag_words(result, names)
    assert "\u2068Organisations de travailleurs\u2069، \u2068ENABEL\u2069" in arabic
    assert french.endswith("\u2068Organisations de travailleurs\u2069, \u2068ENABEL\u2069")
