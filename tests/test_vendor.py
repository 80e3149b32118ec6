"""Vendored front-end files are exactly the ones listed, with their checksums."""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def listed_files() -> dict[str, str]:
    table = (VENDOR / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", table, re.MULTILINE))


def test_every_vendored_file_is_listed_with_its_checksum():
    listed = listed_files()
    assert listed, "static/vendor/README.md lists no file"
    present = {
        str(p.relative_to(VENDOR))
        for p in VENDOR.rglob("*")
        if p.is_file() and p.suffix in (".js", ".css", ".woff2")
    }
    assert present == set(listed), f"unlisted or missing: {present ^ set(listed)}"
    for name, checksum in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == checksum, name
