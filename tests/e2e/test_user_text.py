"""In real headless Chromium against a real server: user text never runs, and the phone's
outbox survives a dead server, then resynchronises."""

import json
import time

import pytest

from tests.json_http import call
from tests.serverproc import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: each sets window.__xss or opens a dialog if it ever runs; each fits in 80 characters
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '"><svg onload=window.__xss=1>',
    "</script><script>alert(1)</script>",
    "<iframe srcdoc='<script>parent.__xss=1</script>'></iframe>",
    "javascript:window.__xss=1",
    "' onmouseover='window.__xss=1' x='",
    "{{constructor.constructor('window.__xss=1')()}}",
    "<a href=javascript:alert(1)>clic</a>",
    "<style>body{display:none}</style>",
    "&lt;b&gt;gras&lt;/b&gt; &amp; <b>vrai</b>",
    "<details open ontoggle=window.__xss=1>",
]


# `browser` is the session's one Chromium (tests/conftest.py): Playwright's sync API
# cannot run two instances in one thread.


@pytest.fixture
def server(tmp_path):
    server = ServerProcess(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    server.start(tmp_path / "server.log")
    yield server
    server.stop()


def watch(page) -> list[str]:
    """Record every dialog (alert, confirm...) the page opens, and dismiss it."""
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def strip_csp(page):
    """Serve every page without its Content-Security-Policy: only the escaping protects it."""

    def handle(route):
        response = route.fetch()
        headers = {
            k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    page.route(lambda url: "/socket.io/" not in url, handle)


def participant_context(browser, server, code, token):
    context = browser.new_context()
    context.add_cookies(
        [{"name": f"atelier_p_{code}", "value": token, "url": server.url, "httpOnly": True}]
    )
    return context


@pytest.mark.parametrize("with_csp", [True, False], ids=["with-csp", "csp-stripped"])
def test_user_text_is_shown_literally_and_never_runs(browser, server, with_csp):
    base = f"{server.url}/api/workshops"
    w = call(
        "POST",
        base,
        {
            "title": "Atelier " + PAYLOADS[0],
            "groups": ["Gouvernement", PAYLOADS[2], PAYLOADS[5]],
            "tracks": [PAYLOADS[3]],
        },
    )
    code, token = w["code"], w["facilitator_token"]
    api = f"{base}/{code}"
    for i, payload in enumerate(PAYLOADS):
        call(
            "POST", f"{api}/activities", {"title": payload, "description": PAYLOADS[-1 - i]}, token
        )
    joined = [
        call(
            "POST",
            f"{api}/participants",
            {"name": PAYLOADS[i], "organisation": PAYLOADS[i + 1], "group": PAYLOADS[2]},
        )
        for i in range(0, 6, 2)
    ]
    call("POST", f"{api}/phase", {"phase": "voting"}, token)

    pages = []
    console_context = browser.new_context()
    console = console_context.new_page()
    pages.append(("console", console, watch(console)))
    # A projector's size: rows that do not fit are on the next pages, read below one by one.
    screen_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = screen_context.new_page()
    pages.append(("screen", screen, watch(screen)))
    phone_context = participant_context(browser, server, code, joined[0]["participant_token"])
    phone = phone_context.new_page()
    pages.append(("phone", phone, watch(phone)))
    join_context = browser.new_context()
    join_page = join_context.new_page()
    pages.append(("join", join_page, watch(join_page)))
    try:
        for _name, page, _dialogs in pages:
            if not with_csp:
                strip_csp(page)
        console.goto(w["facilitator_url"])
        screen.goto(w["screen_url"])
        phone.goto(f"{server.url}/w/{code}")
        join_page.goto(f"{server.url}/j/{code}")
        for page in (console, screen, phone):
            page.wait_for_selector("body[data-connection=connected]", state="attached")
        n = len(PAYLOADS)
        wait_until(console, f"document.querySelectorAll('#activities tr').length >= {n}")
        wait_until(phone, f"document.querySelectorAll('#activities li').length >= {n}")
        wait_until(screen, f"document.querySelectorAll('#results li, #proposals li').length >= {n}")
        time.sleep(0.5)  # let any delayed handler (onerror, ontoggle...) fire
        shown = {name: page.inner_text("body") for name, page, _ in pages}
        for _ in range(20):  # the big screen's other pages: one rotation
            if screen.evaluate("() => Atelier.screen.nextPage()") == 0:
                break
            shown["screen"] += "\n" + screen.inner_text("body")
        for name, page, dialogs in pages:
            assert dialogs == [], (name, dialogs)
            assert page.evaluate("window.__xss") is None, name
            injected = page.evaluate(
                "document.querySelectorAll('body img[src=x], body iframe, body svg,"
                " body details:not([class]), body style, body a[href^=javascript], body b,"
                ' body script:not([src]):not([type="application/json"])\').length'
            )
            # no payload became an element (the app's own <details> all have a class: the
            # console's add form, the phone's original wording, the join page's recovery)
            assert injected == 0, name
        for payload in PAYLOADS:  # activity titles, literally, on the three live screens
            for name in ("console", "screen", "phone"):
                assert payload in shown[name], (name, payload)
        for payload in PAYLOADS[1:7:2]:  # organisations: console authors, join suggestions
            assert payload in shown["console"]
            assert join_page.locator(f"datalist option[value={json.dumps(payload)}]").count()
        assert PAYLOADS[2] in shown["join"] and PAYLOADS[2] in shown["screen"]  # group names
        assert PAYLOADS[0] in console.title() and PAYLOADS[0] in shown["screen"]  # titles
    finally:
        for context in (console_context, screen_context, phone_context, join_context):
            context.close()


def wait_until(page, expression: str, timeout: float = 20) -> None:
    """Poll a JS expression from outside the page (wait_for_function may eval, which the
    page's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.1)


def outbox(page) -> list:
    raw = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('atelier_outbox_'))"
        ".map(k => localStorage.getItem(k))"
    )
    return [item for items in raw for item in json.loads(items)]


def test_the_phone_keeps_actions_while_the_server_is_down_then_replays_and_resyncs(browser, server):
    base = f"{server.url}/api/workshops"
    w = call(
        "POST",
        base,
        {
            "title": "Atelier",
            "groups": ["Gouvernement"],
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
        },
    )
    code, token = w["code"], w["facilitator_token"]
    api = f"{base}/{code}"
    a = call("POST", f"{api}/activities", {"title": "Former"}, token)["activity_id"]
    b = call("POST", f"{api}/activities", {"title": "Retirer"}, token)["activity_id"]
    joined = call("POST", f"{api}/participants", {"organisation": "OIT", "group": "Gouvernement"})
    call("POST", f"{api}/phase", {"phase": "voting"}, token)

    def totals():
        results = call("GET", f"{api}/results", token=token)
        return {r["activity_id"]: r["total"] for r in results["activities"]}

    context = participant_context(browser, server, code, joined["participant_token"])
    page = context.new_page()
    try:
        page.goto(f"{server.url}/w/{code}?lang=en")
        page.wait_for_selector("body[data-connection=connected]")
        add_a = page.locator("li.activity", has_text="Former").get_by_role(
            "button", name="Add a dot"
        )
        add_a.click()
        wait_until(page, "document.querySelectorAll('li.activity .dot.on').length === 1")
        # The phone shows the vote at once; the outbox empties when the ack arrives.
        wait_until(
            page,
            "!Object.keys(localStorage).some(k => k.startsWith('atelier_outbox_') &&"
            " JSON.parse(localStorage.getItem(k)).length)",
        )
        assert totals()[a] == 1 and outbox(page) == []

        server.kill()
        page.wait_for_selector("body:not([data-connection=connected])")
        context.set_offline(True)  # keep the page from reconnecting while the room changes
        add_a.click()  # offline: into the outbox
        wait_until(
            page,
            "Object.keys(localStorage).some(k => k.startsWith('atelier_outbox_') &&"
            " JSON.parse(localStorage.getItem(k)).length === 1)",
        )
        (queued,) = outbox(page)
        assert queued["event"] == "cast_vote" and queued["data"]["points"] == 2
        op_id = queued["data"]["op_id"]

        server.restart()
        call("POST", f"{api}/activities/{b}/hide", token=token)  # changed while it was away
        assert totals()[a] == 1
        context.set_offline(False)
        page.wait_for_selector("body[data-connection=connected]")
        wait_until(page, "document.querySelectorAll('li.activity .dot.on').length === 2")
        wait_until(
            page,
            "!Object.keys(localStorage).some(k => k.startsWith('atelier_outbox_') &&"
            " JSON.parse(localStorage.getItem(k)).length)",
        )
        assert totals() == {a: 2}  # sent once, with its op_id
        wait_until(page, "!document.body.innerText.includes('Retirer')")  # fresh snapshot
        assert "Dots left: 3 of 5" in page.inner_text("#budget")

        # A reload with the same action still waiting (its ack was lost) and a new one:
        # the retry has no effect, the new one has.
        page.evaluate(
            """([key, again, fresh]) => localStorage.setItem(key, JSON.stringify([
                {event: 'cast_vote', data: again, at: Date.now()},
                {event: 'cast_vote', data: fresh, at: Date.now()}]))""",
            [
                f"atelier_outbox_{code}_phone",
                queued["data"],
                {"activity_id": a, "points": 3, "op_id": "fresh-after-reload"},
            ],
        )
        page.reload()
        wait_until(page, "document.querySelectorAll('li.activity .dot.on').length === 3")
        assert totals() == {a: 3}
        assert op_id != "fresh-after-reload"
        assert outbox(page) == []
    finally:
        context.close()
