"""Set translations from the command line: translate.py LANG 'msgid' 'msgstr' [...]

Used after scripts/i18n.sh to fill new entries; recompile with scripts/i18n.sh afterwards.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(lang: str, pairs: list[str]) -> None:
    path = ROOT / "workshop" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for msgid, msgstr in zip(pairs[::2], pairs[1::2], strict=True):
        if msgid not in catalog:
            sys.exit(f"{lang}: no entry {msgid!r}; run scripts/i18n.sh first")
        catalog[msgid].string = msgstr
        catalog[msgid].flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
