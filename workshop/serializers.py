"""CSV and XLSX serializers of (headers, rows) tables that open cleanly in Excel, injection-safe.

Below the builders (export) and the formatted workbooks (workbook), which both use them.
"""

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .services.timer import iso_utc

#: a spreadsheet runs a cell starting with one of these as a formula (or DDE)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: where a reader that ignores quotes starts a new cell: `,` (Excel in English), `;` (Excel
#: in French and Arabic) and line breaks (str.splitlines')
SEPARATORS = ",;\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FORMULA_START = "".join(FORMULA_PREFIXES)
#: a formula character at the start of the cell, or of a segment after a separator (a line
#: break there is itself a separator, not a formula); double quotes before it do not count,
#: since a reader may strip them
_FORMULA_AT = re.compile(
    '^"*(?=[{}])|(?<=[{}])"*(?=[{}])'.format(
        re.escape(_FORMULA_START),
        re.escape(SEPARATORS),
        re.escape(_FORMULA_START.replace("\r", "").replace("\n", "")),
    )
)
#: a CSV cell holding one of these is quoted (Python's csv module would not quote `;`)
_QUOTE_IF = re.compile(r'[,;"\r\n]')


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets, however they split it; numbers stay numbers.

    A `'` goes before every `= + - @` (full-width too), tab or line break that starts the
    cell, and before every `= + - @` or tab that starts a segment after a `,`, a `;` or a line
    break: a CSV split on `;` or `,`, even inside quotes, yields no cell that is a formula.
    A moment (a naive UTC datetime) becomes its ISO 8601 text.
    """
    if isinstance(value, str):
        return _FORMULA_AT.sub(lambda m: m.group() + "'", value)
    if isinstance(value, datetime):
        return iso_utc(value, "seconds")
    return value


@dataclass(frozen=True)
class CsvConventions:
    """How a locale's Excel reads a CSV it opens with a double click: its list separator,
    its decimal mark and the dates it recognises."""

    delimiter: str
    decimal: str
    date_format: str
    datetime_format: str


#: French and Arabic (Morocco) regional settings: `;` between cells, decimal comma,
#: day/month/year; English: `,`, decimal point, and ISO dates, which every Excel reads
CONVENTIONS = {
    "fr": CsvConventions(";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"),
    "ar": CsvConventions(";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"),
    "en": CsvConventions(",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
}


def _csv_cell(value: object, conventions: CsvConventions) -> str:
    if isinstance(value, datetime):
        return value.strftime(conventions.datetime_format)
    if isinstance(value, date):
        return value.strftime(conventions.date_format)
    if isinstance(value, float):  # a number, never quoted: Excel then reads it as one
        return repr(value).replace(".", conventions.decimal)
    text = "" if value is None else str(neutralise(value))
    return '"' + text.replace('"', '""') + '"' if _QUOTE_IF.search(text) else text


def to_csv(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    conventions: CsvConventions = CONVENTIONS["en"],
) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens French and Arabic text as written; cells split,
    numbers and dates written as `conventions` says (CONVENTIONS: a locale's Excel).

    Every text cell holding `,`, `;`, a quote or a line break is quoted, whatever the
    separator: a spreadsheet that splits on the other one keeps it whole.
    """
    lines = [_csv_line([str(h) for h in headers], conventions)]
    lines += [_csv_line(row, conventions) for row in rows]
    return ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode("utf-8")


def _csv_line(row: Sequence[object], conventions: CsvConventions) -> str:
    line = conventions.delimiter.join(_csv_cell(v, conventions) for v in row)
    return '""' if line == "" and len(row) == 1 else line  # one empty cell, not an empty line


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[object]], sheet: str) -> bytes:
    """One sheet, frozen header row, readable column widths; every text cell stored as text."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([neutralise(str(h)) for h in headers])
    for row in rows:
        ws.append([neutralise(v) for v in row])
    for cell_row in ws.iter_rows(min_row=1):
        for cell in cell_row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f": openpyxl would store "=..." as a formula
    ws.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        values = [len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:500]]
        ws.column_dimensions[get_column_letter(index)].width = min(60, max(10, max(values) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
