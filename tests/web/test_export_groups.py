"""Exports of a workshop with working groups: the working group column, a sheet per group and
the roll-up sheet in the XLSX, the pre-votes table; a workshop without groups keeps its files."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.groups_playbook import play_groups
from tests.web.test_export_injection import assert_inert_workbook, formulas

GOUVERNER = "Gouverner la migration de main-d'œuvre"
RECONNAITRE = "Reconnaître les compétences"
REINTEGRER = "Réintégrer les migrants de retour"


@pytest.fixture
def played(app, client, make_workshop, join, socket_client):
    return play_groups(app, client, make_workshop, join, socket_client)


def download(client, played, name, fmt, **query):
    r = client.get(
        f"/api/workshops/{played.code}/export/{name}.{fmt}",
        headers=played.auth,
        query_string=query,
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.data


def read_csv(data: bytes, delimiter=";") -> list[dict]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    assert len({len(r) for r in rows}) == 1, "every row whole"
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_activities_say_their_working_group_and_provenance(client, played):
    rows = {r["titre"]: r for r in read_csv(download(client, played, "activities", "csv"))}
    assert rows[GOUVERNER]["groupe de travail"] == "Gouvernance"
    assert rows[RECONNAITRE]["groupe de travail"] == "Compétences"
    # its pre-vote at its table, whether the table marked it, who brought it
    assert rows[GOUVERNER]["total du pré-vote (points)"] == "5"
    assert rows[GOUVERNER]["votants du pré-vote"] == "2"
    assert rows[GOUVERNER]["rang au pré-vote"] == "1"
    assert rows[GOUVERNER]["apportée en plénière par"] == "Gouvernance"
    assert rows[RECONNAITRE]["rang au pré-vote"] == "3"
    assert rows[RECONNAITRE]["marquée pour la plénière"] == "oui"
    assert rows[RECONNAITRE]["apportée en plénière par"] == "Compétences"
    assert rows[REINTEGRER]["rang au pré-vote"] == "1"  # first at its table, not brought
    assert rows[REINTEGRER]["apportée en plénière par"] == ""
    # the plenary voted on the ballot only: its ranks
    assert rows[GOUVERNER]["rang"] == "1" and rows[RECONNAITRE]["rang"] == "2"


def test_names_in_the_exports_language(client, played):
    english = read_csv(download(client, played, "activities", "csv", lang="en"))
    by_title = {r["title"]: r for r in english}
    assert by_title[GOUVERNER]["working group"] == "Governance"
    arabic = read_csv(download(client, played, "participants", "csv", lang="ar"))
    assert sorted(r["مجموعة العمل"] for r in arabic) == sorted(
        ["الحوكمة", "الحوكمة", "المهارات", "المهارات"]
    )


def test_votes_and_participants_carry_the_working_group(client, played):
    participants = read_csv(download(client, played, "participants", "csv"))
    by_org = {r["organisation"]: r["groupe de travail"] for r in participants}
    assert by_org == {
        "Ministère": "Gouvernance",
        "CGEM": "Gouvernance",
        "UMT": "Compétences",
        "OIT": "Compétences",
    }
    votes = read_csv(download(client, played, "votes", "csv", conventions="en"), ",")
    assert len(votes) == 3
    assert sorted(v["groupe de travail"] for v in votes) == [
        "Compétences",
        "Compétences",
        "Gouvernance",
    ]


def test_prevotes_table(client, played):
    rows = read_csv(download(client, played, "prevotes", "csv"))
    assert len(rows) == 7
    by_activity = {}
    for r in rows:
        by_activity.setdefault(r["identifiant de l'activité"], []).append(r)
    gouverner = by_activity[str(played.ids[GOUVERNER])]
    assert sorted(int(r["valeur"]) for r in gouverner) == [2, 3]
    assert {r["groupe de travail"] for r in gouverner} == {"Gouvernance"}
    assert formulas(download(client, played, "prevotes", "csv").decode("utf-8-sig")) == {}


def test_xlsx_has_a_sheet_per_group_and_the_rollup(client, played):
    body = download(client, played, "activities", "xlsx")
    assert_inert_workbook(body)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["activities", "Gouvernance", "Compétences", "Mise en commun"]
    assert book.active.title == "activities"

    table = book["Compétences"]
    headers = [c.value for c in table[1]]
    assert headers[:5] == [
        "rang au pré-vote",
        "identifiant de l'activité",
        "activité",
        "total du pré-vote (points)",
        "votants du pré-vote",
    ]
    rows = [[c.value for c in row] for row in table.iter_rows(min_row=2, max_row=4)]
    # ranked by the table's pre-vote; the marked one is on the ballot
    assert [r[2] for r in rows] == [REINTEGRER, "Observatoire des compétences", RECONNAITRE]
    assert [r[0] for r in rows] == [1, 2, 3]
    assert [r[3] for r in rows] == [5, 2, 1]
    assert [r[4] for r in rows] == [2, 1, 1]
    assert [r[7] for r in rows] == ["non", "non", "oui"]  # on the ballot
    figures = {row[0].value: row[1].value for row in table.iter_rows(min_row=6) if row[0].value}
    assert figures["membres"] == 2 and figures["phase"] == "Terminé"

    governance = book["Gouvernance"]
    second = [c.value for c in governance[3]]
    assert second[2] == "'=Partenariats;'@bilatéraux"  # inert, still readable

    rollup = book["Mise en commun"]
    head = [c.value for c in rollup[1]]
    entries = [
        dict(zip(head, (c.value for c in row), strict=True)) for row in rollup.iter_rows(min_row=2)
    ]
    assert [(e["activité"], e["apportée par"]) for e in entries] == [
        (GOUVERNER, "Gouvernance"),
        (RECONNAITRE, "Compétences"),
    ]
    gouverner, reconnaitre = entries
    assert (gouverner["rang au pré-vote"], gouverner["votants du pré-vote"]) == (1, 2)
    assert gouverner["marquée pour la plénière"] == "non"
    assert (reconnaitre["rang au pré-vote"], reconnaitre["marquée pour la plénière"]) == (
        3,
        "oui",
    )
    assert (gouverner["rang en plénière"], gouverner["total en plénière (points)"]) == (1, 4)
    assert (reconnaitre["rang en plénière"], reconnaitre["votants en plénière"]) == (2, 1)


def test_a_workshop_without_groups_keeps_its_exports(client, make_workshop):
    w = make_workshop()
    client.post(
        f"/api/workshops/{w['code']}/activities", json={"title": "Seule"}, headers=w["auth"]
    )
    for name in ("activities", "votes", "participants"):
        r = client.get(f"/api/workshops/{w['code']}/export/{name}.csv", headers=w["auth"])
        header = r.data.decode("utf-8-sig").split("\r\n", 1)[0]
        assert "groupe de travail" not in header and "pré-vote" not in header, name
    r = client.get(f"/api/workshops/{w['code']}/export/activities.xlsx", headers=w["auth"])
    assert load_workbook(io.BytesIO(r.data)).sheetnames == ["activities"]
    r = client.get(f"/api/workshops/{w['code']}/export.zip", headers=w["auth"])
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert not any("prevotes" in n for n in names)
    assert any(n.endswith("-votes.csv") for n in names)
