"""The report's pictures in docs/screenshots/, from a session played by demo_session.py.

    python scripts/demo_session.py http://127.0.0.1:5000 > demo.json
    python scripts/report_screenshots.py demo.json [docs/screenshots]

Sets the session's date and venue, then writes report-fr-top.png, report-ar-top.png and
report-fr-workplan.png (the page at 1100 px), and report-pdf-pages.png: the first four A4
pages of the French report as Chromium prints it (rasterised by poppler's pdftoppm).
Every picture is reduced to 64 colours, as scripts/docs_screenshots.py does.
"""

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.docs_screenshots import save_small  # noqa: E402
from tests.serverproc import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 1100
SESSION = {"session_date": "2026-05-28", "venue": "Hôtel Sofitel Jardin des Roses, Rabat"}


def patch(base: str, code: str, token: str, body: dict) -> None:
    if not base.startswith(("http://", "https://")):
        raise SystemExit("the base URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 - checked just above
        f"{base}/api/workshops/{code}",
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - a URL we were given
        pass


def clip(page, top_selector: str, bottom_selector: str, margin: int = 24) -> dict:
    top = page.locator(top_selector).first.bounding_box()
    bottom = page.locator(bottom_selector).first.bounding_box()
    y = max(0, top["y"] - margin)
    return {"x": 0, "y": y, "width": WIDTH, "height": bottom["y"] + bottom["height"] - y + margin}


def main(demo_path: str, out_dir: str = str(ROOT / "docs" / "screenshots")) -> None:
    demo = json.loads(Path(demo_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    code, token = demo["code"], demo["facilitator_token"]
    base = demo["join_url"].rsplit("/j/", 1)[0]
    patch(base, code, token, SESSION)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
        page.goto(demo["facilitator_url"])
        shots = Path(tmp)
        for lang in ("fr", "ar"):
            page.goto(f"{base}/f/{code}/report?lang={lang}")
            page.wait_for_selector("#workplan")
            # the head, participation and the first ranked results
            area = clip(page, ".report-head", ".results-table tbody tr:nth-child(6)")
            page.screenshot(path=shots / f"{lang}-top.png", clip=area, full_page=True)
            save_small(Image.open(shots / f"{lang}-top.png"), out / f"report-{lang}-top.png")
            if lang == "fr":
                area = clip(page, ".results-table tbody tr:last-child", ".workplan-table >> nth=-1")
                page.screenshot(path=shots / "workplan.png", clip=area, full_page=True)
                save_small(Image.open(shots / "workplan.png"), out / "report-fr-workplan.png")
                page.pdf(path=shots / "report.pdf", format="A4", print_background=True)
        browser.close()
        subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
            [  # noqa: S607 - poppler-utils' pdftoppm, found on the PATH
                "pdftoppm",
                "-png",
                "-r",
                "58",
                "-f",
                "1",
                "-l",
                "4",
                shots / "report.pdf",
                shots / "p",
            ],
            check=True,
        )
        pages = [Image.open(path).convert("RGB") for path in sorted(shots.glob("p-*.png"))]
        gap = 12
        sheet = Image.new(
            "RGB",
            (sum(p.width for p in pages) + gap * (len(pages) + 1), pages[0].height + 2 * gap),
            "#d9dee4",
        )
        x = gap
        for image in pages:
            sheet.paste(image, (x, gap))
            x += image.width + gap
        save_small(sheet, out / "report-pdf-pages.png")


if __name__ == "__main__":
    main(*sys.argv[1:3])
