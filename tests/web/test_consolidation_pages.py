"""The host's consolidation pages: access, adding and importing workshops, links, exports."""

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.playbook import api, play


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture
def host(app):
    browser = app.test_client()
    assert browser.get("/host?key=test-host-key").status_code == 302
    return browser


def create(host, title="Plan inter-agences"):
    page = host.get("/host/consolidations")
    r = host.post("/host/consolidations", data={"csrf": csrf_of(page), "title": title})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"]


def post(host, location, suffix, **data):
    page = host.get(location)
    return host.post(location + suffix, data={"csrf": csrf_of(page), **data})


def test_only_the_host_may_consolidate(client, host):
    assert client.get("/host/consolidations").status_code == 403
    assert client.post("/host/consolidations", data={"title": "x"}).status_code == 403
    location = create(host)
    assert client.get(location).status_code == 403
    assert client.get(location + "/export/consolidated.csv").status_code == 403
    forged = host.post(location + "/sources", data={"csrf": "forged", "code": "X"})
    assert forged.status_code == 400 and "expiré" in html.unescape(forged.get_data(as_text=True))
    assert host.get("/host/consolidations/999999").status_code == 404


def test_host_dashboard_links_to_consolidation(host):
    assert "/host/consolidations" in host.get("/host").get_data(as_text=True)


def test_a_consolidation_from_a_local_and_an_imported_workshop(
    client, host, make_workshop, join, socket_client
):
    ilo = play(client, make_workshop, join, socket_client, title="Atelier OIT")
    giz = make_workshop(title="Atelier GIZ", groups=["Agences"])
    for title in ("Observatoire de l'emploi au niveau régional", "Appui aux PME"):
        api(client, giz, "POST", "/activities", json={"title": title})
    api(
        client,
        giz,
        "POST",
        "/commitments",
        json={"activity_id": 1 + max(ilo.ids.values()), "organisation": "GIZ", "role": "lead"},
    )
    exported = client.get(f"/api/workshops/{giz['code']}/export.zip", headers=giz["auth"]).data
    api(client, giz, "DELETE", "")  # gone from here: only its export remains, as elsewhere

    location = create(host, "THAMM Plus — plan inter-agences")
    assert post(host, location, "/sources", code=ilo.code).status_code == 302
    again = post(host, location, "/sources", code=ilo.code)
    assert again.status_code == 400
    assert "fait déjà partie" in html.unescape(again.get_data(as_text=True))
    page = host.get(location)
    imported = host.post(
        location + "/import",
        data={"csrf": csrf_of(page), "file": (io.BytesIO(exported), "giz-export.zip")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, imported.get_data(as_text=True)
    bad = host.post(
        location + "/import",
        data={"csrf": csrf_of(page), "file": (io.BytesIO(b"title\nx\n"), "activities.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    assert "pas un export d'Atelier" in html.unescape(bad.get_data(as_text=True))

    page = html.unescape(host.get(location).get_data(as_text=True))
    assert "Atelier OIT" in page and "Atelier GIZ" in page and "Importé" in page
    assert "Liens proposés · 1" in page
    form = re.search(
        r'name="left_source" value="(\d+)">\s*<input type="hidden" name="left_activity" '
        r'value="(\d+)">\s*<input type="hidden" name="right_source" value="(\d+)">\s*'
        r'<input type="hidden" name="right_activity" value="(\d+)">',
        page,
    )
    ls, la, rs, ra = form.groups()
    linked = post(
        host,
        location,
        "/links",
        left_source=ls,
        left_activity=la,
        right_source=rs,
        right_activity=ra,
        decision="accepted",
        score="0.5",
    )
    assert linked.status_code == 302
    page = html.unescape(host.get(location).get_data(as_text=True))
    assert "Liens proposés · 0" in page and 'class="group-tag">L1' in page

    rows = list(
        csv.reader(
            io.StringIO(
                host.get(location + "/export/consolidated.csv").data.decode("utf-8-sig"),
                newline="",
            ),
            delimiter=";",  # the reader's language is French: Excel in French splits on `;`
        )
    )
    assert rows[0][:3] == ["groupe de liens", "atelier d'origine", "code de l'atelier"]
    sources = {row[1] for row in rows[1:]}
    assert sources == {"Atelier OIT", "Atelier GIZ"}
    linked_rows = [row for row in rows[1:] if row[0] == "L1"]
    assert len(linked_rows) == 2
    assert linked_rows[1][-1].endswith("(Atelier OIT)") or linked_rows[0][-1].endswith(
        "(Atelier OIT)"
    )
    giz_row = next(row for row in rows[1:] if row[1] == "Atelier GIZ" and row[0] == "L1")
    assert giz_row[7] == "GIZ"  # lead
    organisations = list(
        csv.reader(
            io.StringIO(
                host.get(location + "/export/organisations.csv").data.decode("utf-8-sig"),
                newline="",
            ),
            delimiter=";",  # the reader's language is French: Excel in French splits on `;`
        )
    )
    by_name = {row[0]: row for row in organisations[1:]}
    assert by_name["OIT"][2] == "2"  # leads in the OIT workshop
    # "@GIZ" typed in the OIT workshop and "GIZ" in the GIZ one fold to one organisation
    assert by_name["GIZ"][1] == "2" and "@GIZ" not in by_name
    book = load_workbook(io.BytesIO(host.get(location + "/export/consolidated.xlsx").data))
    assert book.sheetnames == ["Plan de travail consolidé", "Par organisation", "Ateliers"]
    assert book.worksheets[0].freeze_panes == "A2"
    assert book.worksheets[0].max_row == len(rows)
    assert host.get(location + "/export/organisations.xlsx").status_code == 404

    manual = post(host, location, "/manual-link", left=f"{ls}:{la}", right=f"{ls}:{la}")
    assert manual.status_code == 400  # an activity with itself: refused, with the reason

    deleted = post(host, location, "/delete")
    assert deleted.status_code == 302
    assert host.get(location).status_code == 404
    assert client.get(f"/api/workshops/{ilo.code}").status_code == 200  # workshops are kept


def test_the_host_page_publishes_a_version_and_links_its_public_page(client, host, make_workshop):
    w = make_workshop(title="Atelier OIT", groups=["Agences"])
    api(client, w, "POST", "/activities", json={"title": "Observatoire régional"})
    location = create(host)
    assert post(host, location, "/sources", code=w["code"]).status_code == 302
    page = html.unescape(host.get(location).get_data(as_text=True))
    assert "Aucune version publiée" in page
    public = re.search(r'id="public-url">([^<]+)<', page)
    assert public is None, "the link shows once a version is published"
    bad = post(host, location, "/versions", title="v", date="30/06/2026")
    assert bad.status_code == 400
    done = post(host, location, "/versions", title="Fin juin", date="2026-06-30")
    assert done.status_code == 302
    page = html.unescape(host.get(location).get_data(as_text=True))
    assert "Fin juin" in page and "2026-06-30" in page
    url = re.search(r'id="public-url">([^<]+)<', page).group(1)
    assert "Observatoire régional" in client.get(url.removeprefix("http://atelier.test")).get_data(
        as_text=True
    )
    assert "Cet Atelier (en direct)" in page, "no version of the workshop's plan: read live"
    # compare: version 1 and the plan now, once the workshop has a second activity
    api(client, w, "POST", "/activities", json={"title": "Guichet unique régional"})
    compared = host.get(location + "?from=1&to=current")
    assert compared.status_code == 200
    page = html.unescape(compared.get_data(as_text=True))
    assert '<option value="1" selected>v1 · Fin juin</option>' in page
    assert '<option value="current" selected>' in page
    table = page[page.index('class="data-table changes-table"') :]
    assert "ajouté" in table and "Guichet unique régional" in table
    assert "Observatoire régional" not in table.split("</table>")[0]
    assert "1 changement(s)" in page
    same = html.unescape(host.get(location + "?from=1&to=1").get_data(as_text=True))
    assert "Aucun changement." in same and "changes-table" not in same
    bad = host.get(location + "?from=7&to=current")
    assert bad.status_code == 400
    assert 'role="alert"' in bad.get_data(as_text=True)
