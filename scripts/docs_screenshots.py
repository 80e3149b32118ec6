"""Copy the README's pictures from the browser tests' screenshots, made small.

    python -m pytest tests/e2e/test_screenshots.py tests/e2e/test_journeys.py -k "screenshots or qr"
    python scripts/docs_screenshots.py

Big-screen shots (1920×1080) are scaled to 1280×720; every picture is reduced to 64 colours
(a PNG palette, no dithering: flat UI colours survive, files stay around 20 to 75 KB).
"""

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "artifacts"
TARGET = ROOT / "docs" / "screenshots"
PICKS = {
    "room-phone-fr.png": "phone-voting-fr.png",
    "room-phone-ar.png": "phone-voting-ar.png",
    "room-screen-fr.png": "screen-results-fr.png",
    "room-screen-ar.png": "screen-results-ar.png",
    "screen-join-fr.png": "screen-join-fr.png",
}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, target in PICKS.items():
        image = Image.open(SOURCE / source).convert("RGB")
        if image.width > 1400:
            image = image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.LANCZOS)
        small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(TARGET / target, optimize=True)
        print(f"{target}: {image.width}×{image.height}, {(TARGET / target).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
