"""Real headless Chromium (Debian's) against `python run.py` on 127.0.0.1.

One browser (`browser`, in tests/conftest.py) and one server for the whole session; each
test makes its own workshop and its own browser contexts (a context is a phone, a big screen
or a console: its own cookies).
Without Chromium the tests skip loudly on a laptop and FAIL under CI=true.
"""

from pathlib import Path

import pytest

from tests import json_http
from tests.serverproc import ServerProcess, assert_clean_log

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1920, "height": 1080}
LOCALES = {"fr": "fr-FR", "ar": "ar-MA", "en": "en-GB"}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    # the server says (db.watch_yields) when a greenlet yields inside a transaction
    process = ServerProcess(f"sqlite:///{tmp / 'e2e.sqlite3'}", env={"ATELIER_WATCH_YIELDS": "1"})
    process.start(tmp / "server.log")
    yield process
    process.stop()
    assert_clean_log(tmp / "server.log")


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Api:
    """The facilitator's side of a test, over HTTP (what the console's buttons call)."""

    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body=None, token: str | None = None) -> dict:
        return json_http.call(method, self.base + path, body, token)


class Workshop:
    def __init__(self, api: Api, created: dict):
        self.api = api
        self.code = created["code"]
        self.token = created["facilitator_token"]
        self.join_url = created["join_url"]
        self.screen_url = created["screen_url"]
        self.facilitator_url = created["facilitator_url"]

    def path(self, suffix: str = "") -> str:
        return f"/api/workshops/{self.code}{suffix}"

    def add(self, title: str, description: str = "", track=None) -> int:
        body = {"title": title, "description": description, "track": track}
        return self.api.call("POST", self.path("/activities"), body, self.token)["activity_id"]

    def phase(self, phase: str) -> None:
        self.api.call("POST", self.path("/phase"), {"phase": phase}, self.token)

    def state(self) -> dict:
        return self.api.call("GET", self.path(), token=self.token)

    def results(self) -> dict:
        return self.api.call("GET", self.path("/results"), token=self.token)

    def timer(self, action: str, seconds: int | None = None) -> dict:
        body = {"action": action, **({"seconds": seconds} if seconds else {})}
        return self.api.call("POST", self.path("/timer"), body, self.token)


GROUPS = [
    "Gouvernement",
    "Organisations d'employeurs",
    "Organisations de travailleurs",
    "Agences de mise en œuvre",
]


@pytest.fixture
def make_workshop(server):
    api = Api(server.url)

    def _make(**overrides) -> Workshop:
        body = {
            "title": "Atelier national de programmation — Migration de main-d'œuvre",
            "groups": GROUPS,
            "tracks": ["Gouvernance", "Compétences"],
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
        }
        body.update(overrides)
        return Workshop(api, api.call("POST", "/api/workshops", body))

    return _make


@pytest.fixture
def contexts(browser):
    """Make browser contexts (phones, screens, consoles); all closed after the test."""
    made = []

    def _new(kind: str = "phone", lang: str = "fr", **options):
        viewport = PHONE if kind == "phone" else SCREEN
        context = browser.new_context(
            viewport=options.pop("viewport", viewport),
            locale=LOCALES[lang],
            extra_http_headers={"Accept-Language": LOCALES[lang] + f",{lang};q=0.9"},
            has_touch=kind == "phone",
            is_mobile=kind == "phone",
            device_scale_factor=options.pop("device_scale_factor", 1),
            **options,
        )
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield _new
    for context in made:
        context.close()


def join(page, workshop: Workshop, organisation: str, group: str, name: str = "") -> None:
    """Join from the phone's browser: the join page's form, then the workshop page."""
    page.goto(workshop.join_url)
    if name:
        page.fill("#name", name)
    page.fill("#organisation", organisation)
    page.get_by_label(group, exact=True).check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/w/{workshop.code}")
    page.wait_for_selector("body[data-connection='connected']")


def open_console(context, workshop: Workshop):
    page = context.new_page()
    page.goto(workshop.facilitator_url)
    page.wait_for_url(f"**/f/{workshop.code}")
    page.wait_for_selector("body[data-connection='connected']")
    return page


def open_screen(context, workshop: Workshop, lang: str | None = None):
    page = context.new_page()
    page.goto(workshop.screen_url + (f"?lang={lang}" if lang else ""))
    page.wait_for_selector("body[data-connection='connected']")
    return page


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page.

    The vendored file is injected as a same-origin <script src> (what `script-src 'self'`
    allows): injecting its text with add_script_tag(path=...) is an inline script, which the
    app's CSP rightly blocks, and the tests must not loosen the CSP to see the page.
    """
    assert AXE.exists(), AXE
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v =>"
        " ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
