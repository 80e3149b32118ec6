"""What a participant's phone downloads on first load, measured in real Chromium.

    python bench/page_weight.py [--activities 40] [--page participant|outcome]

Starts `run.py` on 127.0.0.1, prepares a workshop in the voting phase (live results on, with
N activities carrying a description), joins it from a phone, then opens the participant page
in a fresh browser context (empty cache) and adds up everything that crossed the wire: every
HTTP response as transferred (headers and compressed body, Chrome's encodedDataLength) and
every WebSocket frame's payload, until the page shows the activities and the network is quiet.
Prints the figures per resource; the budget is 150 KB (153,600 bytes).

`--page outcome` measures the public outcome page (/o/<key>) instead, with the same budget: every
activity retained for the workplan with two commitments (one with a timeframe), voting closed,
a reader who never joined (no cookie).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.json_http import call  # noqa: E402
from tests.serverproc import CHROMIUM, CHROMIUM_ARGS, ServerProcess  # noqa: E402

BUDGET = 150 * 1024
DESCRIPTION = (
    "Étude conjointe avec le HCP et les fédérations professionnelles, actualisée chaque année, "
    "pour orienter l'offre de formation vers les métiers qui recrutent."
)


def _call(base: str, method: str, path: str, body=None, token=None) -> dict:
    return call(method, base + path, body, token)


def prepare(base: str, activities: int) -> tuple[str, str, str]:
    """A workshop in the voting phase and a participant's token; returns (code, participant
    token, facilitator token)."""
    created = _call(
        base,
        "POST",
        "/api/workshops",
        {
            "title": "Atelier national de programmation — Migration de main-d'œuvre",
            "groups": ["Gouvernement", "Employeurs", "Travailleurs", "Agences", "Société civile"],
            "tracks": ["Gouvernance", "Compétences", "Protection"],
        },
    )
    code, token = created["code"], created["facilitator_token"]
    for i in range(activities):
        body = {"title": f"Activité {i + 1} : renforcer les capacités des services de l'emploi"}
        body.update(description=DESCRIPTION, track=["Gouvernance", "Compétences", None][i % 3])
        _call(base, "POST", f"/api/workshops/{code}/activities", body, token)
    _call(base, "POST", f"/api/workshops/{code}/phase", {"phase": "voting"}, token)
    joined = _call(
        base,
        "POST",
        f"/api/workshops/{code}/participants",
        {"organisation": "ANAPEC", "group": "Gouvernement"},
    )
    return code, joined["participant_token"], token


def prepare_outcome(base: str, code: str, token: str, activities: int) -> str:
    """Retain every activity, two commitments each, close; returns the outcome page's path."""
    workshop = f"/api/workshops/{code}"
    state = _call(base, "GET", workshop, token=token)
    for n, activity in enumerate(state["activities"][:activities]):
        _call(base, "PUT", f"{workshop}/workplan/activities/{activity['id']}", token=token)
        for organisation, role, timeframe in (
            ("ANAPEC", "lead", f"T{n % 4 + 1} 2026"),
            ("OIT", "partner", ""),
        ):
            body = {"activity_id": activity["id"], "organisation": organisation, "role": role}
            body["timeframe"] = timeframe
            _call(base, "POST", f"{workshop}/commitments", body, token)
    _call(base, "POST", f"{workshop}/phase", {"phase": "closed"}, token)
    key = _call(base, "GET", f"{workshop}/outcome", token=token)["outcome"]["key"]
    return f"/o/{key}"


def measure(browser, base: str, path: str, ready: str, cookies: list[dict] = ()) -> dict:
    """Open a page with an empty cache; return bytes per resource and the total."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    frames: list[int] = []
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    cdp.on("Network.webSocketCreated", lambda e: urls.__setitem__(e["requestId"], e["url"]))
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: frames.append(len(e["response"]["payloadData"].encode())),
    )
    cdp.on(
        "Network.webSocketFrameSent",
        lambda e: frames.append(len(e["response"]["payloadData"].encode())),
    )
    page.goto(base + path)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    time.sleep(1)
    per_url: dict[str, int] = {}
    for request_id, size in sizes.items():
        url = urls.get(request_id, "?").removeprefix(base)
        key = url.split("?")[0] + (" (polling)" if url.startswith("/socket.io/") else "")
        per_url[key] = per_url.get(key, 0) + size
    per_url["websocket frames"] = sum(frames)
    context.close()
    return {"resources": per_url, "total": sum(per_url.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=40)
    parser.add_argument("--page", choices=("participant", "outcome"), default="participant")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(f"sqlite:///{tmp}/weight.sqlite3")
        server.start(Path(tmp) / "server.log")
        try:
            code, token, facilitator = prepare(server.url, args.activities)
            if args.page == "outcome":
                path = prepare_outcome(server.url, code, facilitator, args.activities)
                ready, cookies = "#workplan .plan-item", []
            else:
                path, ready = f"/w/{code}", "body[data-connection='connected'] li.activity"
                cookies = [{"name": f"atelier_p_{code}", "value": token, "url": server.url}]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                result = measure(browser, server.url, path, ready, cookies)
                browser.close()
        finally:
            server.stop()
    for url, size in sorted(result["resources"].items(), key=lambda kv: -kv[1]):
        print(f"{size:>9,} B  {url}")
    total = result["total"]
    print(f"{total:>9,} B  total ({total / 1024:.1f} KB; budget {BUDGET // 1024} KB)")
    print(f"page: {args.page}; activities in the workshop: {args.activities}")


if __name__ == "__main__":
    main()
