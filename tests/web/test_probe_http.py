"""What an outside probe sends, over real HTTP to `python run.py`: redirects that must stay on
the site, JSON nested past the parser's depth, and a wrong method's Allow header."""

import http.client
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import TEST_DATABASE_URL, postgres_schema
from tests.serverproc import running_server

#: `next` values as they appear in the query string (already percent-encoded, or raw)
HOSTILE_NEXT = [
    "/%09/evil.example/",
    "/%0D/evil",
    "/%0A/evil",
    "/a%0Db",
    "/a%0Ab",
    "/%00/evil",
    "/\\evil",
    "/\\/evil",
    "/%5Cevil",
    "/%5C%5Cevil",
    "//evil",
    "%2F%2Fevil",
    "///evil",
    "%09//evil",
    "%20//evil",
    "https://evil",
    "https:evil",
    "http:/evil",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "data:text/html,x",
    "evil.example",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("probe")
    if TEST_DATABASE_URL:
        with (
            postgres_schema(TEST_DATABASE_URL) as url,
            running_server(tmp, database_url=url) as running,
        ):
            yield running
    else:
        with running_server(tmp) as running:
            yield running


def send(server, method: str, target: str, body: bytes | None = None, headers=None):
    """One request, redirects not followed; returns (status, headers, body)."""
    host = urlsplit(server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def as_a_browser_reads(base: str, location: str) -> str:
    """The address a browser goes to: tab, CR and LF dropped, backslashes read as slashes."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip(" \x00").replace("\\", "/")
    return urljoin(base, cleaned)


@pytest.mark.server
@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_the_language_switch_never_sends_the_browser_elsewhere(server, next_value):
    status, headers, _ = send(server, "GET", f"/lang/en?next={next_value}")
    assert status == 302, (next_value, status)
    location = headers["Location"]
    here = urlsplit(server.url)
    landed = urlsplit(as_a_browser_reads(server.url + "/lang/en", location))
    assert (landed.scheme, landed.netloc) == (here.scheme, here.netloc), (next_value, location)
    assert location == "/", (next_value, location)


@pytest.mark.server
def test_a_local_next_is_still_followed(server):
    status, headers, _ = send(server, "GET", "/lang/ar?next=/j/ABC123%3Fedit%3D1")
    assert status == 302
    assert headers["Location"] == "/j/ABC123?edit=1"
    assert "atelier_lang=ar" in headers["Set-Cookie"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.server
@pytest.mark.parametrize(
    "body",
    [
        '{"title": ' + nested(100_000) + "}",
        nested(100_000),
        '{"title": "Atelier", "groups": ' + nested(5_000) + "}",
    ],
    ids=["title-100000", "top-100000", "groups-5000"],
)
def test_json_nested_too_deeply_is_a_bad_request(server, body):
    status, _, raw = send(
        server, "POST", "/api/workshops", body.encode(), {"Content-Type": "application/json"}
    )
    assert status == 400, raw[:200]
    assert json.loads(raw)["error"] == "bad_request"
    assert "Traceback" not in server.log_path.read_text(errors="replace")


@pytest.mark.server
def test_json_nested_too_deeply_is_refused_on_other_routes_too(server):
    created = json.loads(
        send(
            server,
            "POST",
            "/api/workshops",
            json.dumps({"title": "Sonde", "groups": ["Syndicats"]}).encode(),
            {"Content-Type": "application/json"},
        )[2]
    )
    code, token = created["code"], created["facilitator_token"]
    deep = ('{"title": ' + nested(50_000) + "}").encode()
    for method, path, auth in [
        ("PATCH", f"/api/workshops/{code}", True),
        ("POST", f"/api/workshops/{code}/activities", True),
        ("POST", f"/api/workshops/{code}/participants", False),
    ]:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {token}"
        status, _, raw = send(server, method, path, deep, headers)
        assert (status, json.loads(raw)["error"]) == (400, "bad_request"), (method, path)
    assert "Traceback" not in server.log_path.read_text(errors="replace")


@pytest.mark.server
def test_a_wrong_method_answers_405_with_allow(server):
    status, headers, raw = send(server, "PUT", "/api/workshops")
    assert status == 405
    assert {m.strip() for m in headers["Allow"].split(",")} == {"POST", "OPTIONS"}
    assert json.loads(raw)["error"] == "bad_request"


#: a value for each path argument of the url_map, so every rule gives a concrete path
ARGUMENTS = {"code": "ABC234", "lang": "en", "name": "activities", "fmt": "csv", "token": "t"}
PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def concrete_path(rule) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return "1"
        if converter == "path":
            return "css/app.css"
        return ARGUMENTS.get(name, "k")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule.rule)


def test_every_route_answers_a_wrong_method_with_405_and_a_true_allow(app, client):
    """For every path of the url_map, each method is either accepted (not 405) or refused
    with 405 whose Allow names exactly the accepted ones: never a 405 without Allow."""
    paths: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        paths.setdefault(concrete_path(rule), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    for path, own in sorted(paths.items()):
        answers = {m: client.open(path, method=m) for m in PROBED_METHODS}
        accepted = {m for m, r in answers.items() if r.status_code != 405}
        assert own <= accepted, (path, own, accepted)
        assert accepted != set(PROBED_METHODS), path  # every path refuses something
        for method, response in answers.items():
            if response.status_code != 405:
                continue
            allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            assert allow - {"HEAD", "OPTIONS"} == accepted, (method, path, allow, accepted)
            assert "OPTIONS" in allow and ("HEAD" in allow) == ("GET" in allow), (path, allow)
