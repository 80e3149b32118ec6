"""The report and the workplan of a workshop with working groups: a section per group, the
roll-up with its provenance, the plenary's results and the workplan saying who brought what."""

import csv
import html
import io
import re

import pytest

from tests.groups_playbook import play_groups
from tests.playbook import api

GOUVERNER = "Gouverner la migration de main-d'œuvre"
RECONNAITRE = "Reconnaître les compétences"
REINTEGRER = "Réintégrer les migrants de retour"


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, section_id: str) -> str:
    found = re.search(
        rf'<section class="report-section" id="{section_id}">(.*?)</section>', page, re.S
    )
    assert found, section_id
    return found.group(1)


def report(client, played, lang="fr") -> str:
    login = played.w["facilitator_url"].removeprefix("http://atelier.test")
    assert client.get(login).status_code == 302
    r = client.get(f"/f/{played.code}/report?lang={lang}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


@pytest.fixture
def played(app, client, make_workshop, join, socket_client):
    return play_groups(app, client, make_workshop, join, socket_client)


def test_a_section_per_group_then_the_rollup_then_the_plenary(client, played):
    page = report(client, played)
    headings = [text_of(h) for h in re.findall(r"<h2>(.*?)</h2>", page, re.S)]
    assert headings[:5] == [
        "1. Participation",
        "2. Groupes de travail",
        "3. Mise en commun en plénière",
        "4. Résultats classés",
        "5. Plan de travail",
    ]
    groups = section(page, "working-groups")
    tables = re.split(r'<div class="working-group" id="working-group-\d+">', groups)[1:]
    assert len(tables) == 2
    governance, skills = (text_of(t) for t in tables)
    assert governance.startswith("Gouvernance Membres 2 ( CGEM , Ministère )")
    assert "Votants du pré-vote 2" in governance and "Phase Terminé" in governance
    # its pre-vote ranking, in order, the brought one marked
    assert re.search(rf"1 {re.escape(GOUVERNER)} 5 2 ✓ apportée", governance)
    assert re.search(r"2 =Partenariats;@bilatéraux 2 1", governance)
    order = [skills.index(t) for t in (REINTEGRER, "Observatoire des compétences", RECONNAITRE)]
    assert order == sorted(order)
    assert re.search(rf"3 {RECONNAITRE} 1 1 ✓ apportée marquée par la table", skills)

    rollup = text_of(section(page, "rollup"))
    # the ballot in presenting order: provenance (group, pre-vote rank/total/voters), plenary
    assert re.search(rf"1 {re.escape(GOUVERNER)} Gouvernance 1 5 2 1 4", rollup)
    assert re.search(rf"2 {RECONNAITRE} Compétences marquée par la table 3 1 1 2 2", rollup)

    results = text_of(section(page, "results"))
    assert "La plénière a voté sur le bulletin apporté par les groupes de travail." in results
    assert f"{GOUVERNER} Apportée par Gouvernance" in results
    assert REINTEGRER not in results  # not on the ballot: not in the plenary's results
    assert "<script>" not in page and "style=" not in page


def test_the_report_in_arabic_names_the_groups_in_arabic(client, played):
    page = report(client, played, "ar")
    assert '<html lang="ar" dir="rtl">' in page
    groups = text_of(section(page, "working-groups"))
    assert "الحوكمة" in groups and "المهارات" in groups
    assert "مجموعات العمل" in text_of(page)


def test_a_report_without_groups_has_no_group_section(client, make_workshop):
    w = make_workshop()
    assert client.get(w["facilitator_url"].removeprefix("http://atelier.test")).status_code == 302
    page = client.get(f"/f/{w['code']}/report").get_data(as_text=True)
    assert 'id="working-groups"' not in page and 'id="rollup"' not in page
    assert "2. Résultats classés" in text_of(page)


def test_the_workplan_says_which_groups_brought_each_activity(
    app, client, make_workshop, join, socket_client
):
    played = play_groups(app, client, make_workshop, join, socket_client, plenary=False)
    ids, auth = played.ids, played.auth
    # two tables brought the same idea: merged, the kept one was brought by both
    api(
        client,
        played.w,
        "POST",
        "/merges",
        json={"target_id": ids[GOUVERNER], "source_ids": [ids[RECONNAITRE]]},
    )
    for title in (GOUVERNER, REINTEGRER):
        api(client, played.w, "PUT", f"/workplan/activities/{ids[title]}")
    rows = {r["activity_id"]: r for r in api(client, played.w, "GET", "/workplan")["rows"]}
    assert rows[ids[GOUVERNER]]["brought_by"] == played.groups  # its own, then the merged one's
    assert rows[ids[REINTEGRER]]["brought_by"] == []  # retained by hand, never on the ballot

    r = client.get(f"/api/workshops/{played.code}/export/workplan.csv", headers=auth)
    lines = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    head = lines[0]
    column = head.index("apportée en plénière par")
    by_id = {line[head.index("identifiant de l'activité")]: line for line in lines[1:]}
    assert by_id[str(ids[GOUVERNER])][column] == "Gouvernance; Compétences"
    assert by_id[str(ids[REINTEGRER])][column] == ""

    workplan = text_of(section(report(client, played), "workplan"))
    assert re.search(rf"{re.escape(GOUVERNER)} Apportée par Gouvernance\s?, Compétences", workplan)


def test_a_workplan_without_groups_keeps_its_columns(client, make_workshop):
    w = make_workshop()
    r = client.get(f"/api/workshops/{w['code']}/export/workplan.csv", headers=w["auth"])
    assert "apportée" not in r.data.decode("utf-8-sig").split("\r\n", 1)[0]
