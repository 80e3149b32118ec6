"""Screenshots of a session played by demo_session.py (Playwright + the system's Chromium).

    python scripts/screenshots.py demo.json OUTPUT_DIR

`demo.json` is what demo_session.py prints. Writes PNGs of the console, the big screen,
a phone and the report (French and Arabic), and the report printed to PDF.
"""

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main(demo_path: str, out_dir: str) -> None:
    demo = json.loads(Path(demo_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    code = demo["code"]
    base = demo["join_url"].rsplit("/j/", 1)[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        console = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        page = console.new_page()
        page.goto(demo["facilitator_url"])
        page.wait_for_selector("#workplan-card .commitments-table tbody tr")
        page.screenshot(path=out / "console.png", full_page=True)
        # the workplan card alone (docs/workplan.md), clipped from the whole page so that the
        # console's sticky header does not cover it
        card = page.locator("#workplan-card")
        page.screenshot(path=out / "console-workplan.png", full_page=True, clip=card.bounding_box())
        for lang in ("fr", "ar", "en"):
            page.goto(f"{base}/f/{code}/report?lang={lang}")
            page.wait_for_selector("#workplan")
            page.screenshot(path=out / f"report-{lang}.png", full_page=True)
        page.goto(f"{base}/f/{code}/report")
        page.emulate_media(media="print")
        page.pdf(path=out / "report.pdf", format="A4", print_background=True)

        screen = browser.new_context(locale="fr-FR", viewport={"width": 1600, "height": 900})
        page = screen.new_page()
        page.goto(demo["screen_url"])
        page.wait_for_selector("#workplan-section:not([hidden]) .plan-card")
        page.screenshot(path=out / "screen-workplan.png")

        phone = browser.new_context(
            locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True
        )
        page = phone.new_page()
        page.goto(demo["join_url"])
        page.fill("#organisation", "CGEM")
        page.check("input[name=group] >> nth=1")
        page.click("button[type=submit]")
        page.wait_for_selector(".commit-btn")
        page.screenshot(path=out / "phone.png")
        page.click(".commit-btn >> nth=0")
        page.wait_for_selector("#commit-sheet:not([hidden])")
        page.screenshot(path=out / "phone-commit.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
