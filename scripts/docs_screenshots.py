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


def save_small(image: Image.Image, path: Path, size: tuple[int, int] | None = None) -> None:
    """Every docs picture is saved this way (the other scripts import it): resized to `size`
    when given, then a 64-colour palette without dithering."""
    image = image.convert("RGB")
    if size:
        image = image.resize(size, Image.LANCZOS)
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    print(f"{path.name}: {image.width}×{image.height}, {path.stat().st_size:,} bytes")


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, target in PICKS.items():
        image = Image.open(SOURCE / source)
        size = (image.width * 2 // 3, image.height * 2 // 3) if image.width > 1400 else None
        save_small(image, TARGET / target, size)


if __name__ == "__main__":
    main()
