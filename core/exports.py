"""The one xlsx writer for the portal's exports (openpyxl).

Text cells starting with = + - @, a tab or a carriage return would be run as a
formula by spreadsheet software (CSV/formula injection, OWASP): they are
prefixed with an apostrophe and kept as text. tablib's ``escape`` only strips a
leading "=", so the guard is the project's own — written once, here.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def cell_format(value: Any) -> str | None:
    """The number format a cell gets from its value's type: whole numbers grouped
    ("#,##0"), other numbers with two decimals, dates and times as dates — so the
    spreadsheet shows 1.234.567 / 96,67 / 05/01/2024 in a Vietnamese locale while the
    cell keeps the number (issue 13 item 7). Text and booleans: ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return INTEGER_FORMAT
    if isinstance(value, float | Decimal):
        return DECIMAL_FORMAT
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return None


def safe_cell(value: Any) -> Any:
    """The value as stored in a cell: formula-looking text escaped, Decimal → float,
    an aware datetime → local time without zone (xlsx has no time zones)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def unescape_cell(value: Any) -> Any:
    """The inverse of ``safe_cell`` for text read back from an exported file.

    ``"'=SUM(A1)"`` → ``"=SUM(A1)"``: a file the portal exported re-imports unchanged
    (the apostrophe was ours); any other value is returned as is."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def add_sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              number_formats: dict[int, str] | None = None, width: int = 22,
              first: bool = False) -> Worksheet:
    """Append a sheet: a bold wrapped header row, then ``rows`` through ``safe_cell``.

    Every number and date cell gets a number format from its type (``cell_format``);
    ``number_formats`` maps 1-based column numbers to an Excel number format that
    overrides it for that column's data cells. ``first`` reuses the workbook's initial sheet.
    """
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            fmt = cell_format(cell.value)
            if fmt:
                cell.number_format = fmt
    for col, fmt in (number_formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = width
    ws.freeze_panes = "A2"
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
