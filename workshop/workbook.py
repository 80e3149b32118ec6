"""Formatted XLSX workbooks of several sheets: bold frozen header, widths, wrapping, inert text."""

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .serializers import neutralise

HEADER_FILL = PatternFill("solid", fgColor="0B3D63")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FLAG_FILL = PatternFill("solid", fgColor="FDE68A")
WRAP = Alignment(wrap_text=True, vertical="top")
#: characters Excel refuses in a sheet name
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
MIN_WIDTH, MAX_WIDTH = 8, 45
#: a header longer than this wraps rather than widening its column
HEADER_WIDTH = 14
#: points per line of text in a row
LINE_HEIGHT = 13


@dataclass
class Block:
    """A further table under a sheet's first one, with its own bold header row."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    #: one flag per row: highlighted (e.g. a retained activity without a lead)
    flagged: Sequence[bool] = ()
    after: Sequence[Block] = field(default_factory=list)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no forbidden character, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Sheet"
    base = " ".join(base.split())[:SHEET_NAME_MAX].rstrip()
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _write_row(ws, row_index: int, values: Sequence[object], *, header: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row_index, column=column, value=neutralise(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never "f": openpyxl would store "=..." as a formula
        cell.alignment = WRAP
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def _width(header: object, values: list[object]) -> float:
    """Wide enough for the content up to MAX_WIDTH (longer text wraps); headers wrap early."""
    longest = min(len(str(header or "")), HEADER_WIDTH)
    for value in values:
        for line in str("" if value is None else value).split("\n"):
            longest = max(longest, len(line))
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def _set_heights(ws, columns: int) -> None:
    """Row heights for the wrapped text (spreadsheets do not all fit them on opening)."""
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, columns + 1)]
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 2000), max_col=columns):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if cell.value is None:
                continue
            per_line = max(1, int(width) - 1)
            wrapped = sum(
                max(1, math.ceil(len(part) / per_line)) for part in str(cell.value).split("\n")
            )
            lines = max(lines, wrapped)
        ws.row_dimensions[row[0].row].height = min(LINE_HEIGHT * lines + 3, 300)


def build(sheets: Sequence[Sheet], *, rtl: bool = False) -> bytes:
    """Serialise the sheets; every text cell is stored as text, never as a formula."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for spec in sheets:
        ws = book.create_sheet(sheet_name(spec.title, taken))
        ws.sheet_view.rightToLeft = rtl
        _write_row(ws, 1, [str(h) for h in spec.headers], header=True)
        for index, row in enumerate(spec.rows, start=2):
            _write_row(ws, index, row)
            if index - 2 < len(spec.flagged) and spec.flagged[index - 2]:
                for cell in ws[index]:
                    cell.fill = FLAG_FILL
        row_index = len(spec.rows) + 3
        for block in spec.after:
            _write_row(ws, row_index, [str(h) for h in block.headers], header=True)
            for offset, row in enumerate(block.rows, start=1):
                _write_row(ws, row_index + offset, row)
            row_index += len(block.rows) + 2
        ws.freeze_panes = "A2"
        # printed: landscape, as wide as the page, the header row on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:1"
        columns = max([len(spec.headers)] + [len(b.headers) for b in spec.after])
        for column in range(1, columns + 1):
            last = min(ws.max_row, 500)
            values = [ws.cell(row=r, column=column).value for r in range(2, last + 1)]
            header = ws.cell(row=1, column=column).value
            ws.column_dimensions[get_column_letter(column)].width = _width(header, values)
        _set_heights(ws, columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
