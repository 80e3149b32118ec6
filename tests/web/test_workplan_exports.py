"""comments.csv, commitments.csv, workplan.csv/.xlsx and the ZIP: contents, format, inertness."""

import csv
import html
import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.playbook import FR_AR, api, play
from workshop.services.interchange import parse_document


def download(client, played, name, fmt, **query):
    r = client.get(
        f"/api/workshops/{played.code}/export/{name}.{fmt}",
        headers=played.auth,
        query_string=query,
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def rows_of(data: bytes, delimiter: str = ";") -> list[list[str]]:
    """A CSV export read back as the Excel of its workshop's language reads it (`;` in French)."""
    assert data.startswith(b"\xef\xbb\xbf")
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    return list(csv.reader(text, delimiter=delimiter))


def test_comments_csv_is_pseudonymous_and_inert(client, played):
    r = download(client, played, "comments", "csv")
    assert r.headers["Content-Disposition"] == f'attachment; filename="{played.code}-comments.csv"'
    rows = rows_of(r.data)
    assert rows[0][:3] == ["identifiant", "identifiant de l'activité", "activité"]
    texts = [row[6] for row in rows[1:]]
    assert texts == [
        "Associer les régions — إشراك الجهات",
        "'=1+1 pas une formule",
        "Doublon avec notre projet ?",
    ]
    assert all(row[3].startswith("P-") for row in rows[1:])
    assert "Secr" not in r.data.decode("utf-8")
    assert rows[1][5] == "CGEM" and rows[2][5] == "OIT"


def test_activities_csv_counts_comments(client, played):
    rows = rows_of(download(client, played, "activities", "csv").data)
    header = rows[0]
    assert header[9] == "commentaires"
    by_id = {int(row[1]): row for row in rows[1:]}
    assert by_id[played.ids["first"]][9] == "2"
    assert by_id[played.ids["second"]][9] == "1"
    assert by_id[played.ids["fifth"]][9] == "0"


def test_commitments_csv(client, played):
    rows = rows_of(download(client, played, "commitments", "csv", lang="en").data)
    assert rows[0] == [
        "id",
        "activity id",
        "activity",
        "track",
        "retained",
        "organisation",
        "stakeholder group",
        "role",
        "timeframe",
        "note",
        "status",
        "entered by",
        "updated at (UTC)",
        "contact person",
        "budget or resources",
    ]
    table = [(r[5], r[7], r[8], r[10], r[4]) for r in rows[1:]]
    assert table == [
        ("OIT", "Lead", "T1 2026", "confirmed", "yes"),
        ("'@GIZ", "Partner", "2026", "to confirm", "yes"),
        ("Ministère", "Supporting", "", "to confirm", "yes"),
        ("OIT", "Lead", "2026", "to confirm", "yes"),
        ("CGEM", "Lead", "2027", "to confirm", "yes"),
        ("ENABEL", "Partner", "'+2026", "to confirm", "yes"),
    ]
    assert rows[1][6] == "Agences" and rows[1][11].startswith("P-")


def test_workplan_csv_rows_follow_the_plan(client, played):
    rows = rows_of(download(client, played, "workplan", "csv", lang="en").data)
    header = rows[0]
    assert header[:12] == [
        "track",
        "rank",
        "activity id",
        "activity",
        "description",
        "Lead",
        "Co-lead",
        "Partner",
        "Supporting",
        "timeframe",
        "to confirm",
        "gaps",
    ]
    assert header[-3:] == ["Gouvernement (points)", "Employeurs (points)", "Agences (points)"]
    body = rows[1:]
    assert [int(r[2]) for r in body] == [
        played.ids["first"],
        played.ids["second"],
        played.ids["third"],
    ]
    first, second, third = body
    assert first[3] == FR_AR and first[0] == "Emploi"
    assert (first[5], first[7], first[8], first[9]) == ("OIT", "'@GIZ", "Ministère", "T1 2026")
    assert first[10] == "'@GIZ (Partner); Ministère (Supporting)"
    assert first[11] == "" and second[11] == "Several leads" and third[11] == "No lead"
    assert second[5] == "OIT; CGEM" and second[9] == "2026 / 2027"
    assert third[3] == '\'=HYPERLINK("http://x")'
    assert first[-3:] == ["3", "2", "0"]  # the group split of support: dots per group


def test_workplan_xlsx_is_formatted(client, played):
    r = download(client, played, "workplan", "xlsx", lang="fr")
    assert r.headers["Content-Disposition"] == f'attachment; filename="{played.code}-workplan.xlsx"'
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Synthèse", "Emploi", "Compétences"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABC")
        assert ws.sheet_view.rightToLeft in (None, False)
    summary = book["Synthèse"]
    figures = {row[0]: row[1] for row in summary.iter_rows(min_row=2, max_row=11, values_only=True)}
    assert figures["activités retenues"] == 3
    assert figures["engagements"] == 6 and figures["confirmé"] == 1
    assert figures["Sans chef de file"] == 1 and figures["Plusieurs chefs de file"] == 1
    organisations = [
        row for row in summary.iter_rows(min_row=13, values_only=True) if row[0] is not None
    ]
    assert organisations[0][:2] == ("organisation", "groupe de parties prenantes")
    assert organisations[1][0] == "OIT" and organisations[1][2] == 2  # two leads
    emploi = book["Emploi"]
    assert [c.value for c in emploi[1]][:4] == [
        "rang",
        "identifiant de l'activité",
        "activité",
        "description",
    ]
    assert emploi["C2"].value == FR_AR
    assert emploi.max_row == 3  # header + first + second
    # the row with a gap (two leads) is highlighted, the complete one is not
    assert emploi["A3"].fill.fgColor.rgb.endswith("FDE68A")
    assert not emploi["A2"].fill.fgColor.rgb.endswith("FDE68A")
    competences = book["Compétences"]
    title = competences["C2"]
    assert title.value == '\'=HYPERLINK("http://x")' and title.data_type == "s"
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    # numbers stay numbers (the group split)
    assert isinstance(emploi.cell(row=2, column=emploi.max_column).value, int)


def test_workplan_xlsx_of_an_arabic_workshop_reads_right_to_left(
    client, make_workshop, join, socket_client
):
    played = play(client, make_workshop, join, socket_client, language="ar")
    book = load_workbook(io.BytesIO(download(client, played, "workplan", "xlsx").data))
    assert all(ws.sheet_view.rightToLeft for ws in book.worksheets)


def test_workplan_xlsx_without_retained_activities(client, make_workshop):
    w = make_workshop()
    r = client.get(f"/api/workshops/{w['code']}/export/workplan.xlsx", headers=w["auth"])
    book = load_workbook(io.BytesIO(r.data))
    assert len(book.sheetnames) == 2 and book.worksheets[1].max_row == 1


def test_sheet_names_are_valid_and_unique():
    from workshop.workbook import sheet_name

    taken: set[str] = set()
    assert sheet_name("Emploi / Formation: [2026]?", taken) == "Emploi Formation 2026"
    long = "Gouvernance de la migration de main-d'œuvre"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert first == "Gouvernance de la migration de"  # cut to 31, no trailing space
    assert len(second) <= 31 and first != second
    assert sheet_name("'''", taken) == "Sheet"


def test_the_zip_holds_every_export_the_report_and_the_data(client, played):
    r = client.get(f"/api/workshops/{played.code}/export.zip", headers=played.auth)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{played.code}-export.zip"'
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    code = played.code
    expected = {
        f"{code}/{code}-{name}.{fmt}"
        for name in (
            "activities",
            "votes",
            "participants",
            "comments",
            "commitments",
            "workplan",
            "changes",
            "organisations",
            "follow_up",
        )
        for fmt in ("csv", "xlsx")
    } | {f"{code}/{code}-report.html", f"{code}/atelier-export.json"}
    assert set(archive.namelist()) == expected
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".csv"):
            assert rows_of(data)[0]
        elif name.endswith(".xlsx"):
            assert load_workbook(io.BytesIO(data)).sheetnames
    report = archive.read(f"{code}/{code}-report.html").decode("utf-8")
    assert "<style>" in report and "<script" not in report
    assert not re.search(r'(?:src|href)="', report), "the ZIP's report must open from a disk"
    assert "<svg" in report and FR_AR in html.unescape(report)
    document = json.loads(archive.read(f"{code}/atelier-export.json"))
    assert parse_document(document)["activities"] == document["activities"]
    assert document["workshop"]["code"] == code
    assert [a["retained"] for a in document["activities"]] == [True, True, True, False, False]
    assert {c["organisation"] for c in document["commitments"]} == {
        "OIT",
        "@GIZ",
        "Ministère",
        "CGEM",
        "ENABEL",
    }
    assert "Secr" not in json.dumps(document, ensure_ascii=False)


def test_the_zip_follows_the_workshop_language_unless_asked(
    client, make_workshop, join, socket_client
):
    played = play(client, make_workshop, join, socket_client, language="en")
    for query, header in (({}, "rank"), ({"lang": "fr"}, "rang")):
        r = client.get(
            f"/api/workshops/{played.code}/export.zip",
            headers={**played.auth, "Accept-Language": "ar"},
            query_string=query,
        )
        archive = zipfile.ZipFile(io.BytesIO(r.data))
        # an English workshop's CSV is `,`-separated, whatever the headers' language
        rows = rows_of(archive.read(f"{played.code}/{played.code}-activities.csv"), ",")
        assert rows[0][0] == header


@pytest.mark.parametrize("name", ["comments", "commitments", "workplan"])
def test_new_exports_need_the_facilitator(client, played, make_workshop, name):
    r = client.get(f"/api/workshops/{played.code}/export/{name}.csv")
    assert r.status_code == 401
    other = make_workshop()
    r = client.get(f"/api/workshops/{played.code}/export/{name}.xlsx", headers=other["auth"])
    assert r.status_code == 403
    r = client.get(f"/api/workshops/{played.code}/export.zip", headers=other["auth"])
    assert r.status_code == 403
    phone = {"Authorization": f"Bearer {played.tokens['cgem']}"}
    assert client.get(f"/api/workshops/{played.code}/export.zip", headers=phone).status_code == 403


def test_hidden_comment_stays_in_the_export_with_its_status(client, played):
    comment_id = api(client, played.w, "GET", "/comments")["comments"][0]["id"]
    api(client, played.w, "POST", f"/comments/{comment_id}/hide")
    rows = rows_of(download(client, played, "comments", "csv", lang="en").data)
    assert [r[7] for r in rows[1:]] == ["hidden by the facilitator", "shown", "shown"]
    counts = rows_of(download(client, played, "activities", "csv", lang="en").data)
    by_id = {int(row[1]): row for row in counts[1:]}
    assert by_id[played.ids["first"]][9] == "1"
