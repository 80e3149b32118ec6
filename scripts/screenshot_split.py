"""Screenshot the big screen showing the split by stakeholder group, with a realistic vote.

    python scripts/screenshot_split.py [docs/screenshots/big-screen-group-split.png]

Starts `run.py` (gevent) on 127.0.0.1 with a fresh database, creates a workshop, adds
activities (two of them duplicates, which it merges), lets 33 participants from five groups
of unequal size vote over real websockets, then photographs the big screen in headless
Chromium (/usr/bin/chromium) at 1920x1080, and the console's table (console-consensus.png).
Both are made small as scripts/docs_screenshots.py does (1280x720, 64 colours).
"""

import sys
import tempfile
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from scripts.docs_screenshots import save_small  # noqa: E402
from tests.json_http import call  # noqa: E402
from tests.serverproc import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402

GROUPS = {
    "Gouvernement": 14,
    "Employeurs": 5,
    "Syndicats": 5,
    "Agences de mise en œuvre": 6,
    "Société civile": 3,
}

ACTIVITIES = [
    "Former les inspecteurs du travail à la santé et sécurité au travail",
    "Digitaliser les services de l'ANAPEC",
    "Renforcer le dialogue social au niveau régional",
    "Étendre la protection sociale aux travailleurs indépendants",
    "Créer un observatoire régional de l'emploi",
    "Mise en place d'un observatoire régional de l'emploi et des compétences",
    "Appui aux coopératives féminines en milieu rural",
    "Promouvoir les emplois verts dans les énergies renouvelables",
]

#: dots (budget 5, at most 3 on one activity) each group's members give, by activity index;
#: members alternate between two ballots so that no group is unanimous
BALLOTS = {
    "Gouvernement": [{1: 3, 0: 1, 4: 1}, {1: 2, 5: 2, 0: 1}],
    "Employeurs": [{2: 2, 0: 2, 7: 1}, {1: 1, 2: 2, 5: 2}],
    "Syndicats": [{3: 3, 2: 2}, {0: 2, 3: 2, 2: 1}],
    "Agences de mise en œuvre": [{4: 2, 0: 2, 7: 1}, {5: 3, 6: 1, 0: 1}],
    "Société civile": [{6: 3, 3: 2}, {6: 2, 0: 1, 3: 2}],
}


def stage(server_url: str) -> dict:
    """A workshop in the voting phase, voted on, with one merge; returns its links."""
    api = server_url + "/api/workshops"
    w = call(
        "POST",
        api,
        {
            "title": "Atelier de programmation THAMM Plus — Rabat",
            "groups": list(GROUPS),
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
            "language": "fr",
        },
    )
    token, code = w["facilitator_token"], w["code"]
    ids = [
        call("POST", f"{api}/{code}/activities", {"title": t}, token)["activity_id"]
        for t in ACTIVITIES
    ]
    call("POST", f"{api}/{code}/phase", {"phase": "voting"}, token)
    n = 0
    for group, size in GROUPS.items():
        for member in range(size):
            joined = call(
                "POST",
                f"{api}/{code}/participants",
                {"organisation": f"{group[:12]} {member}", "group": group},
            )
            phone = socketio.Client(reconnection=False)
            phone.connect(
                server_url,
                auth={"participant_token": joined["participant_token"]},
                transports=["websocket"],
                wait_timeout=10,
            )
            for index, points in BALLOTS[group][member % 2].items():
                n += 1
                ack = phone.call(
                    "cast_vote",
                    {"activity_id": ids[index], "points": points, "op_id": f"v{n}"},
                    timeout=10,
                )
                assert ack["ok"], ack
            phone.disconnect()
    similar = call("GET", f"{api}/{code}/duplicates", token=token)
    assert [ids[4], ids[5]] in [c["activity_ids"] for c in similar["clusters"]], similar
    call("POST", f"{api}/{code}/merges", {"target_id": ids[4], "source_ids": [ids[5]]}, token)
    return w


def shoot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as server:
        w = stage(server.url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(w["screen_url"] + "?lang=fr")
            page.wait_for_selector("#results .consensus .share-fill", timeout=15000)
            page.wait_for_timeout(1200)  # bars glide for 0.6 s
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            console = browser.new_page(viewport={"width": 1600, "height": 1000})
            console.goto(w["facilitator_url"])
            console.wait_for_selector(".activities-table .consensus-cell .share", timeout=15000)
            console.wait_for_timeout(800)
            card = console.locator("section.card", has=console.locator(".activities-table"))
            # the whole page, clipped to the card: an element screenshot scrolls the card
            # under the console's sticky header, which then hides the table's header row
            console.screenshot(
                path=str(out.with_name("console-consensus.png")),
                full_page=True,
                clip=card.bounding_box(),
            )
            browser.close()
    save_small(Image.open(out), out, (1280, 720))
    consensus = out.with_name("console-consensus.png")
    save_small(Image.open(consensus), consensus)
    print(f"wrote {out} and {out.with_name('console-consensus.png')}")


if __name__ == "__main__":
    default = ROOT / "docs" / "screenshots" / "big-screen-group-split.png"
    shoot(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
