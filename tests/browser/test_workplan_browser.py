"""Comments, commitments, the workplan and the report in real headless Chromium against run.py.

Three browsers at once, as in the room: a phone, the facilitator's console, the big screen.
Skips with a loud reason when Chromium or Playwright is missing, unless CI=true (then fails).
"""

import pytest

from tests.json_http import call
from tests.serverproc import assert_clean_log, running_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

TIMEOUT = 15_000


# `browser` is the session's one Chromium (tests/conftest.py).


class Room:
    """A workshop in the voting phase on a real server, and the pages of the people in it."""

    def __init__(self, server, browser):
        self.server, self.browser = server, browser
        base = server.url + "/api/workshops"
        self.w = call(
            "POST",
            base,
            {
                "title": "Atelier de Rabat",
                "groups": ["Gouvernement", "Employeurs"],
                "tracks": ["Emploi"],
            },
        )
        self.code, self.token = self.w["code"], self.w["facilitator_token"]
        self.api = f"{base}/{self.code}"
        self.ids = [
            call("POST", f"{self.api}/activities", {"title": t, "track": "Emploi"}, self.token)[
                "activity_id"
            ]
            for t in ("Former les inspecteurs du travail", "Observatoire de l'emploi")
        ]
        call("POST", f"{self.api}/phase", {"phase": "voting"}, self.token)
        self.errors: list[str] = []

    def page(self, **context):
        page = self.browser.new_context(locale="fr-FR", **context).new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        return page

    def console(self):
        page = self.page(viewport={"width": 1300, "height": 1000})
        page.goto(self.w["facilitator_url"])
        page.wait_for_selector("#workplan-card")
        return page

    def screen(self):
        page = self.page(viewport={"width": 1600, "height": 900})
        page.goto(self.w["screen_url"])
        page.wait_for_selector("#conn.conn-connected")
        return page

    def phone(self, organisation="CGEM", group_index=1):
        page = self.page(viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(self.w["join_url"])
        page.fill("#organisation", organisation)
        page.check(f"input[name=group] >> nth={group_index}")
        page.click("button[type=submit]")
        page.wait_for_selector("#conn.conn-connected")
        return page


@pytest.fixture
def room(tmp_path, browser):
    with running_server(tmp_path) as server:
        yield Room(server, browser)
        assert_clean_log(tmp_path / "server.log")


def test_a_comment_from_a_phone_reaches_the_console_and_the_big_screen(room):
    phone, console, screen = room.phone(), room.console(), room.screen()
    phone.click(".comment-btn >> nth=0")
    phone.fill("#c-text", "Associer les régions — إشراك الجهات")
    phone.click("#comment-sheet button[type=submit]")
    phone.wait_for_selector("#notice.notice-ok")
    assert "Associer les régions" in phone.inner_text("#comment-sheet .my-comments")
    console.wait_for_selector("#comments-card .comment-feed li:has-text('Associer les régions')")
    assert "CGEM" in console.inner_text("#comments-card .comment-feed li")
    console.wait_for_selector(".comment-count")  # the count in the activity's row
    assert screen.is_hidden("#screen-comments")
    console.check("#show-comments")
    screen.wait_for_selector("#screen-comments:not([hidden]) li:has-text('Associer les régions')")
    console.click("#comments-card .comment-feed li button")  # hide
    screen.wait_for_selector("#screen-comments", state="hidden")
    phone.wait_for_selector(".comment-btn >> nth=0 >> text=/^Commenter$/")
    assert room.errors == []


def test_commitments_from_the_phone_to_the_workplan_on_the_big_screen(room):
    first, second = room.ids
    for activity_id in room.ids:
        call("PUT", f"{room.api}/workplan/activities/{activity_id}", token=room.token)
    console, screen, phone = room.console(), room.screen(), room.phone()
    console.check("#commitments-open")
    console.check("#show-workplan")
    screen.wait_for_selector("#workplan-section:not([hidden]) .plan-card")
    phone.wait_for_selector(".commit-banner:not([hidden])")
    assert "CGEM" in phone.inner_text(".commit-banner")

    phone.click(".commit-btn >> nth=0")
    phone.check("input[name=commit-role][value=lead]")
    phone.fill("#k-timeframe", "T1 20")
    # another participant votes on another phone meanwhile: snapshots arrive while this one types
    other = room.phone(organisation="OIT", group_index=0)
    other.click('.activity:has-text("Observatoire de l\'emploi") .dot-btn >> nth=1')
    other.wait_for_selector("#notice.notice-ok")
    # the phone received the snapshot of that vote (live results are on)
    tally = '.activity:has-text("Observatoire de l\'emploi") .tally'
    phone.wait_for_selector(tally + " >> text=/1 · 1/")
    assert phone.is_visible("#commit-sheet")
    assert phone.input_value("#k-timeframe") == "T1 20"
    phone.type("#k-timeframe", "26")
    phone.click("#commit-sheet button[type=submit]")
    phone.wait_for_selector("#notice.notice-ok")
    phone.wait_for_selector(".my-commitment:has-text('CGEM')")

    row = "#workplan-card .commitments-table tbody tr:has-text('CGEM')"
    console.wait_for_selector(row)
    assert "T1 2026" in console.inner_text(row)
    console.click(f"{row} button.primary")  # confirm
    console.wait_for_selector(f"{row}:has-text('confirmé ✓')")

    card = screen.locator(".plan-card", has_text="Former les inspecteurs du travail")
    card.locator(".role-lead:has-text('CGEM ✓')").wait_for()
    gap = screen.locator(".plan-card", has_text="Observatoire de l'emploi")
    assert "has-gap" in gap.get_attribute("class")
    assert "Pas encore de chef de file" in gap.inner_text()
    console.wait_for_selector("#workplan-card .issues li:has-text('Observatoire')")
    assert room.errors == []


def test_the_report_prints_and_reads_right_to_left_in_arabic(room, tmp_path):
    console = room.console()
    report = room.page(viewport={"width": 1200, "height": 900})
    report.context.add_cookies(console.context.cookies())
    report.goto(f"{room.server.url}/f/{room.code}/report")
    report.wait_for_selector("#workplan")
    assert report.evaluate("document.querySelectorAll('svg').length") >= 3
    pdf = report.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    report.goto(f"{room.server.url}/f/{room.code}/report?lang=ar")
    assert report.evaluate("document.documentElement.dir") == "rtl"
    assert "تقرير الجلسة" in report.inner_text(".kicker")
    assert room.errors == []
