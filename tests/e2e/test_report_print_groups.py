"""The report of a workshop with working groups, printed to A4 by Chromium and read back.

Four tables (one per track of the THAMM-like room), 24 participants seated at them, each
pre-voting at its table; the third table marks an activity that is not its top for the
plenary; the roll-up brings each table's top 2 (or its mark), and the plenary votes on the
ballot. The report's sections per group and its roll-up must fit the page (no table wider than
the printed page, body text >= 9 pt, no title one letter wide), and be there in the PDF.
"""

import math
import re
import shutil
import subprocess

import pytest

from tests.conftest import unavailable
from tests.e2e.test_report_print import (
    ACTIVITIES,
    GROUPS,
    ORGANISATIONS,
    TRACKS,
    VENUE,
    read_pdf,
    tokens_of,
    words,
)
from tests.seeding import DOTS, Phone, Room

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _poppler():
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            unavailable(f"poppler-utils ({tool})")


def seed_groups(server) -> dict:
    w = Room.create(
        server.url,
        "Atelier national de programmation — THAMM Plus Maroc",
        groups=GROUPS,
        tracks=TRACKS,
        voting=DOTS,
        language="fr",
    )
    titles = [title for title, _track in ACTIVITIES]
    ids = [w.add(title, TRACKS[track]) for title, track in ACTIVITIES]
    tables = w.call("POST", "/working-groups", {"from_tracks": True})["working_groups"]
    assert len(tables) == len(TRACKS)
    w.phase("proposing")
    state = w.call("GET", "")
    of_table = {
        t["id"]: [a["id"] for a in state["activities"] if a["working_group_id"] == t["id"]]
        for t in tables
    }
    people = [
        w.join(organisation, GROUPS[group])
        for organisation, group, count in ORGANISATIONS
        for _ in range(count)
    ][:24]
    seats = []
    for n, token in enumerate(people):
        table = tables[n % len(tables)]["id"]
        w.call("PUT", "/me/working-group", {"working_group_id": table}, token=token)
        seats.append(table)
    for t in tables:
        w.call("POST", f"/working-groups/{t['id']}/phase", {"phase": "prevote"})
    for n, (token, table) in enumerate(zip(people, seats, strict=True)):
        mine = of_table[table]
        for k, points in enumerate((2, 1)):
            target = mine[(n + 2 * k) % len(mine)]
            w.call("POST", "/me/prevotes", {"activity_id": target, "points": points}, token=token)
    marked_table = tables[2]["id"]
    ranking = w.call("GET", f"/working-groups/{marked_table}/prevote")["activities"]
    marked = ranking[-1]["activity_id"]  # its last: brought because it is marked, not by rank
    w.call("POST", f"/activities/{marked}/to-plenary", {"to_plenary": True})
    for t in tables:
        w.call("POST", f"/working-groups/{t['id']}/phase", {"phase": "done"})
    ballot = w.call("POST", "/rollup", {"top_n": 2})["ballot"]
    w.phase("voting")
    on_ballot = [e["activity_id"] for e in ballot]
    for n, token in enumerate(people[:12]):
        phone = Phone(server.url, token)
        ack = phone.act("cast_vote", activity_id=on_ballot[n % len(on_ballot)], points=2)
        assert ack.get("ok"), ack
        phone.close()
    w.call("PATCH", "", {"venue": VENUE})
    by_id = dict(zip(ids, titles, strict=True))
    return {
        **w.created,
        "tables": tables,
        "ballot": [by_id[i] for i in on_ballot],
        "marked": by_id[marked],
        "titles": titles,
    }


@pytest.fixture(scope="module")
def room(server):
    return seed_groups(server)


def fits_the_page(page) -> dict:
    """In print media at A4's width: every table of the groups' and roll-up's sections inside
    the page, their text readable (9 pt cells, 8 pt headers, as the rest of the report)."""
    return page.evaluate(
        """() => {
          const main = document.querySelector('main').getBoundingClientRect();
          const out = {wide: [], small: [], narrow: [], clipped: []};
          for (const table of document.querySelectorAll('#working-groups table, #rollup table')) {
            const box = table.getBoundingClientRect();
            if (box.right > main.right + 1 || box.left < main.left - 1) out.wide.push(box.width);
            // the report's print sizes: 9 pt in the cells, 8 pt in the header row
            for (const cell of table.querySelectorAll('td, th')) {
              const size = parseFloat(getComputedStyle(cell).fontSize);
              const least = cell.tagName === 'TH' ? 10.6 : 11.9;
              if (cell.textContent.trim() && size < least) out.small.push([cell.tagName, size]);
              // text wider than its cell runs into the next column (a header's long word)
              const text = cell.textContent.trim();
              if (cell.scrollWidth > cell.clientWidth + 1) out.clipped.push(text);
            }
            for (const title of table.querySelectorAll('.activity-title')) {
              if (title.getBoundingClientRect().width < 120) out.narrow.push(title.textContent);
            }
          }
          return out;
        }"""
    )


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_groups_report_prints_on_a4(browser, server, room, lang, tmp_path, artifacts):
    context = browser.new_context(
        locale={"fr": "fr-FR", "ar": "ar-MA"}[lang], viewport={"width": 794, "height": 1123}
    )
    try:
        page = context.new_page()
        page.goto(room["facilitator_url"])
        page.goto(f"{server.url}/f/{room['code']}/report?lang={lang}")
        page.wait_for_selector("#rollup")
        page.emulate_media(media="print")
        facts = fits_the_page(page)
        assert facts == {"wide": [], "small": [], "narrow": [], "clipped": []}, facts
        pdf_path = tmp_path / f"groups-{lang}.pdf"
        doc = read_pdf(page.pdf(format="A4", print_background=True), pdf_path)
    finally:
        context.close()
    everything = words(" ".join(doc["text"]))
    heading = {"fr": "Groupes de travail", "ar": "مجموعات العمل"}[lang]
    rollup = {"fr": "Mise en commun en plénière", "ar": "التجميع في الجلسة العامة"}[lang]
    assert heading in everything and rollup in everything
    assert VENUE in everything
    tokens = tokens_of(" ".join(doc["raw"]))
    for title in room["ballot"] + [room["marked"]]:
        missing = set(tokens_of(title)) - set(tokens)
        assert not missing, (title, missing)
    single = [
        line for page in doc["layout"] for line in page.splitlines() if len(line.strip()) == 1
    ]
    assert len(single) <= 2, single[:20]
    # 18 activities at 4 tables, a ballot of 8: the groups and the roll-up add at most 3 pages
    # to what the same room prints without groups (2 + ceil(n / 10) + 3)
    assert doc["pages"] <= 2 + math.ceil(len(room["titles"]) / 10) + 3 + 3, doc["pages"]
    # the page with the groups' heading as a picture, to look at
    first = next(n for n, text in enumerate(doc["text"], start=1) if heading in words(text))
    prefix = artifacts / f"report-groups-{lang}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", str(first), "-l", str(first + 1), pdf_path, prefix],
        check=True,
    )
    assert list(artifacts.glob(f"report-groups-{lang}-*.png"))
    assert re.search(r"\d", everything)


def test_the_consoles_workplan_says_who_brought_an_activity(browser, server, room, artifacts):
    """The workplan card's commitments table: a retained ballot activity says its group."""
    w = Room(server.url, room)
    state = w.call("GET", "")
    brought = next(a for a in state["activities"] if a["title"] == room["ballot"][0])
    w.call("PUT", f"/workplan/activities/{brought['id']}")
    w.call(
        "POST",
        "/commitments",
        {"activity_id": brought["id"], "organisation": "MIEPEEC", "role": "lead"},
    )
    group = next(t for t in room["tables"] if t["id"] == brought["working_group_id"])
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(room["facilitator_url"])
        cell = page.locator("#commitments-table td.col-activity", has_text=room["ballot"][0])
        cell.wait_for()
        assert cell.locator(".brought-by").inner_text() == f"Apportée par {group['name']}"
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "console-workplan-brought-by.png"))
    finally:
        context.close()
