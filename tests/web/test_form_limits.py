"""Every maxlength a page sets is the server's own limit, never a number copied into a
template (STYLE 12): the rendered pages are read, each field's maxlength compared with the
constant of the rule that judges it."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from workshop import models
from workshop.services import access, tokens
from workshop.services import workshops as workshop_service
from workshop.services.rules import page_limits

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: a field's id -> the limit of the rule that judges what it sends
LIMITS = {
    "code": tokens.CODE_INPUT_MAX,  # home: the join code (normalise_code)
    "name": models.NAME_MAX,  # join
    "organisation": models.ORGANISATION_MAX,  # join
    "title": models.WORKSHOP_TITLE_MAX,  # host: new workshop
    "description": models.WORKSHOP_DESCRIPTION_MAX,  # host: new workshop
    "pin": access.PIN_MAX,  # the PIN page
    "pin-input": access.PIN_MAX,  # console: set the PIN
    "cohost-label": access.LABEL_MAX,  # console: a co-host link's label
    "session-zone": workshop_service.TIME_ZONE_MAX,  # console: the report's time zone
    "session-venue": models.VENUE_MAX,  # console: the report's venue
    "a-title": models.TITLE_MAX,  # console: add an activity
    "a-description": models.DESCRIPTION_MAX,  # console: add an activity
    "c-title": models.CONSOLIDATION_TITLE_MAX,  # host: new consolidation
}
LIMITS["version-title"] = models.PLAN_VERSION_TITLE_MAX  # console: a plan version's title


class MaxLengths(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "maxlength" in attrs:
            self.found[attrs.get("id") or attrs.get("name") or tag] = int(attrs["maxlength"])


def maxlengths(response) -> dict[str, int]:
    assert response.status_code == 200, response.status_code
    parser = MaxLengths()
    parser.feed(response.get_data(as_text=True))
    return parser.found


def test_no_template_writes_a_maxlength_as_a_number():
    literal = re.compile(r"""maxlength\s*=\s*["']?\d""")
    copied = [
        f"{path.name}:{n}"
        for path in TEMPLATES.rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert copied == []


@pytest.fixture
def pages(app, client, make_workshop):
    """Every page with a form field that has a maxlength, as its reader opens it."""
    w = make_workshop()
    pinned = make_workshop(pin="482913")
    console = app.test_client()
    console.get(w["facilitator_url"].removeprefix("http://atelier.test"))
    waiting = app.test_client()
    waiting.get(pinned["facilitator_url"].removeprefix("http://atelier.test"))
    host = app.test_client()
    assert host.get("/host?key=test-host-key").status_code == 302
    return {
        "home": client.get("/"),
        "join": client.get(f"/j/{w['code']}"),
        "console": console.get(f"/f/{w['code']}"),
        "pin": waiting.get(f"/f/{pinned['code']}/pin"),
        "host": host.get("/host"),
        "consolidations": host.get("/host/consolidations"),
    }


def test_every_maxlength_is_the_server_limit(pages):
    """Fields in LIMITS have their rule's limit; any other field's maxlength is one of the
    limits the server gives the pages (and, by the test above, not a number in a template)."""
    given = {value for value in page_limits().values() if isinstance(value, int)}
    seen = {}
    for page, response in pages.items():
        for field, length in maxlengths(response).items():
            expected = LIMITS.get(field)
            if expected is None:
                assert length in given, f"{page}: #{field} maxlength {length} is no server limit"
            else:
                assert length == expected, f"{page}: #{field} maxlength {length}, not {expected}"
            seen[field] = page
    # the cleanup of issue 15: these were literal numbers
    for field in ("code", "pin", "pin-input", "cohost-label", "session-zone", "c-title"):
        assert field in seen, f"#{field} was not found with a maxlength"


def test_the_limits_are_the_ones_the_services_apply():
    """The constants the pages are given are the ones the rules use (not a copy of them)."""
    assert tokens.normalise_code("a" * 40) == "A" * tokens.CODE_INPUT_MAX
    assert access.PIN_PATTERN.fullmatch("1" * access.PIN_MAX)
    assert not access.PIN_PATTERN.fullmatch("1" * (access.PIN_MAX + 1))
    zone = "A" * (workshop_service.TIME_ZONE_MAX + 1)
    with pytest.raises(Exception, match="field_invalid"):
        workshop_service.parse_time_zone(zone)
