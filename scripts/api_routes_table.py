"""Write docs/api.md's routes table from workshop/openapi.json.

    python scripts/api_routes_table.py          # rewrite the table between the markers
    python scripts/api_routes_table.py --check  # exit 1 when the committed table is stale

The table sits between `<!-- routes:begin -->` and `<!-- routes:end -->`; nothing else of
docs/api.md is touched. tests/test_docs.py fails when the two differ.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "workshop" / "openapi.json"
API_MD = ROOT / "docs" / "api.md"
BEGIN, END = "<!-- routes:begin -->", "<!-- routes:end -->"
METHODS = ("get", "post", "put", "patch", "delete")
#: one row for every `/export/<table>.<format>` path of the same method and audience
EXPORT = re.compile(r"^(?P<base>.*/export/)(?P<table>\w+)\.(?P<fmt>csv|xlsx)$")


def who(operation: dict) -> str:
    """The audience, from the operation's security requirements (and "owner only")."""
    schemes = [set(requirement) for requirement in operation.get("security", [])]
    if not schemes or set() in schemes:
        audience = ["anyone"]
    else:
        audience = []
        if any("facilitatorToken" in s or "consoleSession" in s for s in schemes):
            text = f"{operation.get('summary', '')} {operation.get('description', '')}"
            audience.append("owner" if "owner only" in text.lower() else "facilitator")
        if any("participantToken" in s for s in schemes):
            audience.append("participant")
    if schemes and set() in schemes and len(schemes) > 1:
        audience.append("more with a token")
    return ", ".join(audience)


def success(operation: dict) -> str:
    return ", ".join(code for code in operation["responses"] if code.startswith("2"))


def rows(document: dict) -> list[tuple[str, str, str, str, str]]:
    table: list[tuple[str, str, str, str, str]] = []
    exports: dict[tuple, dict] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            row = (method.upper(), path, who(operation), operation["summary"], success(operation))
            match = EXPORT.match(path)
            if match is None:
                table.append(row)
                continue
            key = (method.upper(), match["base"], row[2], row[4])
            if key not in exports:
                exports[key] = {"tables": [], "formats": [], "at": len(table)}
                table.append(key)  # placeholder, replaced below
            group = exports[key]
            for name, value in (("tables", match["table"]), ("formats", match["fmt"])):
                if value not in group[name]:
                    group[name].append(value)
    for (method, base, audience, ok), group in exports.items():
        path = f"{base}{{{'|'.join(group['tables'])}}}.{{{'|'.join(group['formats'])}}}"
        table[group["at"]] = (method, path, audience, "Download a table", ok)
    return sorted(table, key=lambda r: (r[1], METHODS.index(r[0].lower())))


def markdown(document: dict) -> str:
    lines = [
        "| Method | Path | Who | What | Success |",
        "|---|---|---|---|---|",
    ]
    for method, path, audience, summary, ok in rows(document):
        cell = path.replace("|", "\\|")
        lines.append(f"| {method} | `{cell}` | {audience} | {summary} | {ok} |")
    return "\n".join(lines) + "\n"


def rewritten(text: str, table: str) -> str:
    begin, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:begin] + "\n" + table + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 if stale")
    args = parser.parse_args(argv)
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    text = API_MD.read_text(encoding="utf-8")
    new = rewritten(text, markdown(document))
    if args.check:
        if new != text:
            print("docs/api.md's routes table is stale: run python scripts/api_routes_table.py")
            return 1
        return 0
    if new != text:
        API_MD.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
