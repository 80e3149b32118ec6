"""Security headers on every page, file and answer; no inline script or style in any page."""

import re

import pytest

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def check_headers(response, what):
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (what, name)
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ):
        assert directive in csp, (what, directive)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what


def check_html(body: str, what):
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, (what, tag)
    assert not re.search(r"\sstyle\s*=", body), what
    assert not re.search(r"\son[a-z]+\s*=", body), what


@pytest.fixture
def site(app, client, make_workshop, join):
    """Every kind of page, as each audience sees it."""
    w = make_workshop(pin="1357")
    code = w["code"]
    screen = w["screen_url"].removeprefix("http://atelier.test")
    facilitator = w["facilitator_url"].removeprefix("http://atelier.test")
    token = join(code)
    phone = app.test_client()
    phone.set_cookie(f"atelier_p_{code}", token)
    host = app.test_client()
    host.get("/host?key=test-host-key")
    pending = app.test_client()
    pending.get(facilitator)
    return [
        (client, "/"),
        (client, "/?code=abc"),
        (client, f"/j/{code}"),
        (client, "/j/NOPE99"),
        (client, f"/w/{code}"),
        (phone, f"/w/{code}"),
        (phone, f"/j/{code}?edit=1"),
        (client, screen),
        (client, f"/screen/{code}/wrong"),
        (client, f"/qr/{code}.svg"),
        (client, facilitator),
        (pending, f"/f/{code}/pin"),
        (client, f"/f/{code}/pin"),
        (client, f"/f/{code}"),
        (host, f"/f/{code}"),
        (client, "/host"),
        (host, "/host"),
        (client, "/host?key=wrong"),
        (client, "/lang/ar?next=/"),
        (client, "/static/js/common.js"),
        (client, "/static/css/app.css"),
        (client, "/static/vendor/socket.io/socket.io.min.js"),
        (client, "/favicon.ico"),
        (client, "/no/such/page"),
        (client, "/healthz"),
        (client, "/api/openapi.json"),
        (client, f"/api/workshops/{code}"),
        (client, f"/api/workshops/{code}/participants"),
        (client, "/api/nothing"),
    ]


def test_every_page_and_answer_carries_the_security_headers(site):
    kinds = set()
    for who, path in site:
        response = who.get(path)
        assert response.status_code < 500, path
        check_headers(response, path)
        kinds.add(response.mimetype)
        if response.mimetype == "text/html":
            check_html(response.get_data(as_text=True), path)
    assert {
        "text/html",
        "application/json",
        "image/svg+xml",
        "text/javascript",
        "text/css",
    } <= kinds


def test_console_page_embeds_no_secret(app, make_workshop):
    w = make_workshop()
    browser = app.test_client()
    page = browser.get(
        w["facilitator_url"].removeprefix("http://atelier.test"), follow_redirects=True
    )
    assert page.status_code == 200
    assert w["facilitator_token"] not in page.get_data(as_text=True)
