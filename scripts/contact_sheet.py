"""Contact sheets: what people see, across everything that can be switched on, one PNG per surface.

    python scripts/contact_sheet.py                  # screen (the matrix below), console, report
    python scripts/contact_sheet.py --surface screen --full   # every case of the big screen
    python scripts/contact_sheet.py --base http://127.0.0.1:5000   # against a running server
    python scripts/contact_sheet.py --surface screen --limit 0 --docs   # docs/screenshots/ only
    python scripts/contact_sheet.py --surface screen --only groups --pages 3 --shots
        # the room in working groups only (roll-up, one group shown, results), 3 pages each

Starts its own `run.py` on 127.0.0.1 (SQLite in a temporary folder) unless --base is given, seeds
one THAMM-like workshop per activity count (tests/e2e/layout.py), and writes
tests/artifacts/contact-sheets/<surface>.png. The big screen's cases are also checked with the
layout test's geometric facts; what is wrong is printed and written under each picture, and
the script exits with 1 if anything was. Default matrix: every resolution × language × scene
(72 cases, rooms, split and countdown turning), then the room in working groups ("groups") at
every resolution × language in its roll-up, with one group shown and in its results (36);
--full: all of them (1,536).
"""

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.docs_screenshots import save_small  # noqa: E402
from tests.e2e import layout  # noqa: E402
from tests.serverproc import CHROMIUM, CHROMIUM_ARGS, ServerProcess  # noqa: E402

OUT = ROOT / "tests" / "artifacts" / "contact-sheets"
THUMB_WIDTH = 480
LOCALES = {"fr": "fr-FR", "ar": "ar-MA", "en": "en-GB"}


def default_matrix() -> list[dict]:
    """Every resolution × language × scene; the room, split and countdown turn with them; then
    the room that rolled up (layout.group_matrix)."""
    rooms = [room for room in layout.ROOMS if not layout.has_ballot(room)]
    scenes = [scene for scene in layout.SCENES if scene not in layout.BALLOT_SCENES]
    cases = []
    for i, (size, lang, scene) in enumerate(
        (s, lang, sc) for s in layout.RESOLUTIONS for lang in layout.LANGS for sc in scenes
    ):
        cases.append(
            {
                "size": size,
                "lang": lang,
                "scene": scene,
                "room": rooms[(i // 6 + i) % 4],
                "split": i % 2 == 0,
                "timer": i % 3 == 0,
            }
        )
    return cases + layout.group_matrix()


def font(size: int):
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def compose(shots: list[tuple[Path, str, list[str]]], target: Path, columns: int = 4) -> None:
    """One sheet: each picture scaled to THUMB_WIDTH, its caption and problems under it."""
    small, tiny = font(15), font(12)
    cells = []
    for path, caption, problems in shots:
        image = Image.open(path).convert("RGB")
        image = image.resize((THUMB_WIDTH, round(image.height * THUMB_WIDTH / image.width)))
        cells.append((image, caption, problems))
    cell_h = max(c[0].height for c in cells) + 24 + 14 * 3
    rows = (len(cells) + columns - 1) // columns
    sheet = Image.new(
        "RGB", (columns * (THUMB_WIDTH + 12) + 12, rows * (cell_h + 12) + 12), "#e5e7eb"
    )
    draw = ImageDraw.Draw(sheet)
    for n, (image, caption, problems) in enumerate(cells):
        x = 12 + (n % columns) * (THUMB_WIDTH + 12)
        y = 12 + (n // columns) * (cell_h + 12)
        sheet.paste(image, (x, y))
        draw.text(
            (x, y + image.height + 4),
            caption,
            fill="#991b1b" if problems else "#111827",
            font=small,
        )
        for k, line in enumerate(problems[:3]):
            draw.text((x, y + image.height + 24 + 14 * k), line[:78], fill="#991b1b", font=tiny)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    print(f"{target.relative_to(ROOT)}: {len(cells)} pictures, {sheet.width}×{sheet.height}")


def screen_sheet(
    browser, base: str, rooms: dict, cases: list[dict], work: Path, pages: int = 1
) -> int:
    """The big screen, case by case (the first `pages` pages of each); returns how many cases
    had problems."""
    shots, failed = [], 0
    contexts = {}
    for case in cases:
        key = (case["size"], case["lang"])
        if key not in contexts:
            contexts[key] = browser.new_context(
                viewport={"width": case["size"][0], "height": case["size"][1]},
                locale=LOCALES[case["lang"]],
                reduced_motion="reduce",
            )
        w = rooms[case["room"]]
        layout.set_case(base, w, case)
        page = contexts[key].new_page()
        page.goto(layout.screen_url(w, case["lang"]))
        scene = layout.effective_scene(case)
        page.wait_for_function(
            "(s) => document.body.dataset.scene === s && document.body.dataset.drawn === '1'",
            arg=scene,
            timeout=15_000,
        )
        problems = layout.check_facts(page.evaluate(layout.FACTS_JS))
        path = work / f"{layout.case_id(case)}.png"
        page.screenshot(path=str(path))
        more = []
        for n in range(2, pages + 1):
            if not page.evaluate(
                "() => !!(window.Atelier && Atelier.screen && Atelier.screen.nextPage)"
            ):
                break
            if page.evaluate("() => Atelier.screen.nextPage()") == 0:
                break  # back on the first page: no more
            more.append(
                (work / f"{layout.case_id(case)}-p{n}.png", f"{layout.case_id(case)} p.{n}")
            )
            page.screenshot(path=str(more[-1][0]))
        if more:
            page.reload()
            page.wait_for_function(
                "(s) => document.body.dataset.scene === s && document.body.dataset.drawn === '1'",
                arg=scene,
                timeout=15_000,
            )
        seen, _read, later = layout.rotation(page, scene)
        problems += later
        missing = layout.expected_ids(w, case) - seen
        if missing:
            problems.append(f"{len(missing)} activities never shown")
        page.close()
        if problems:
            failed += 1
            print(layout.case_id(case), *problems, sep="\n  ")
        shots.append((path, layout.case_id(case), problems))
        shots += [(extra, caption, []) for extra, caption in more]
    for context in contexts.values():
        context.close()
    compose(shots, OUT / "screen.png")
    return failed


def console_sheet(browser, base: str, rooms: dict, work: Path) -> None:
    """The console as it is, per language, at a laptop's size (other surfaces' owners fix it)."""
    shots = []
    w = rooms["18"]
    for lang in layout.LANGS:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=LOCALES[lang])
        page = context.new_page()
        page.goto(f"{w['facilitator_url']}?lang={lang}")
        page.wait_for_selector("#activities tr")
        path = work / f"console-{lang}.png"
        page.screenshot(path=str(path), full_page=False)
        shots.append((path, f"console 1366×900 {lang}", []))
        context.close()
    compose(shots, OUT / "console.png", columns=3)


def report_sheet(browser, base: str, rooms: dict, work: Path) -> None:
    """The first page of the printed report (Chromium's PDF, rasterised by pdftoppm)."""
    shots = []
    for room in ("18", "40-long"):
        for lang in layout.LANGS:
            context = browser.new_context(locale=LOCALES[lang])
            page = context.new_page()
            page.goto(rooms[room]["facilitator_url"])  # the console's session opens the report
            page.goto(f"{base}/f/{rooms[room]['code']}/report?lang={lang}")
            page.emulate_media(media="print")
            pdf = work / f"report-{room}-{lang}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            context.close()
            stem = work / f"report-{room}-{lang}"
            pdftoppm = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            subprocess.run(  # noqa: S603 - our own arguments, no shell
                [*pdftoppm, str(pdf), str(stem)],  # noqa: S607 - poppler-utils on the PATH
                check=True,
            )
            shots.append((stem.with_suffix(".png"), f"report p.1 {room} {lang}", []))
    compose(shots, OUT / "report.png", columns=3)


#: the README's and docs' pictures of the big screen: name -> (room, scene, language, split,
#: countdown); screen-workplan.png comes from scripts/screenshots.py (demo_session.py's
#: commitments), big-screen-group-split.png and console-consensus.png from
#: scripts/screenshot_split.py (a real vote of 33 people over websockets). The README shows the
#: vote as the room sees it: split and countdown on.
DOCS_PICTURES = {
    "screen-join-fr.png": ("18", "join", "fr", False, False),
    "screen-results-fr.png": ("40-long", "results", "fr", True, True),
    "screen-results-ar.png": ("40-long", "results", "ar", True, True),
}


def docs_pictures(browser, base: str, rooms: dict) -> None:
    """docs/screenshots/ of the big screen at 1920×1080, made small as docs_screenshots.py does
    (two thirds, a 64-colour palette), on the first page (the rotation paused)."""
    target = ROOT / "docs" / "screenshots"
    for name, (room, scene, lang, split, timer) in DOCS_PICTURES.items():
        case = {"size": (1920, 1080), "lang": lang, "scene": scene, "split": split, "timer": timer}
        layout.set_case(base, rooms[room], case)
        context = browser.new_context(
            viewport={"width": 1920, "height": 1080}, locale=LOCALES[lang], reduced_motion="reduce"
        )
        page = context.new_page()
        page.goto(layout.screen_url(rooms[room], lang))
        page.wait_for_function(
            "(s) => document.body.dataset.scene === s && document.body.dataset.drawn === '1'",
            arg=scene,
        )
        image = Image.open(io.BytesIO(page.screenshot()))
        context.close()
        save_small(image, target / name, (1280, 720))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running Atelier (else one is started on 127.0.0.1)")
    parser.add_argument("--surface", action="append", choices=["screen", "console", "report"])
    parser.add_argument("--full", action="store_true", help="the whole matrix of the big screen")
    parser.add_argument("--limit", type=int, help="only the first N cases (a quick look)")
    parser.add_argument("--only", help="only the cases whose name contains this (e.g. 1024x768-ar)")
    parser.add_argument("--shots", action="store_true", help="keep each picture (in screen/)")
    parser.add_argument(
        "--pages", type=int, default=1, help="pictures of the first N pages of each case"
    )
    parser.add_argument("--docs", action="store_true", help="also the big screen's docs pictures")
    args = parser.parse_args()
    surfaces = args.surface or ["screen", "console", "report"]
    cases = layout.full_matrix() if args.full else default_matrix()
    cases = [c for c in cases if not args.only or args.only in layout.case_id(c)]
    cases = cases[: args.limit] if args.limit is not None else cases
    with tempfile.TemporaryDirectory() as tmp:
        work = OUT / "screen" if args.shots else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        server = None
        base = args.base
        if not base:
            server = ServerProcess(f"sqlite:///{work / 'sheet.sqlite3'}")
            server.start(work / "server.log")
            base = server.url
        try:
            rooms = {room: layout.seed_room(base, room) for room in layout.ROOMS}
            failed = 0
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                if "screen" in surfaces and cases:
                    failed = screen_sheet(browser, base, rooms, cases, work, args.pages)
                    print(f"screen: {failed} of {len(cases)} cases with problems")
                if "console" in surfaces:
                    console_sheet(browser, base, rooms, work)
                if "report" in surfaces:
                    report_sheet(browser, base, rooms, work)
                if args.docs:
                    docs_pictures(browser, base, rooms)
                browser.close()
        finally:
            if server:
                server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
