"""xlsx exports (openpyxl) of indicator tables and leaderboards.

Cell text starting with = + - @ (or tab/CR) would be read as a formula by
spreadsheet software (CSV/formula injection): such text is prefixed with an
apostrophe and stored as a string.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook_bytes(title: str, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(safe_sheet_name(name))
        ws.append([safe_cell(title)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append([safe_cell(h) for h in header])
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            ws.append([safe_cell(v) for v in row])
            # openpyxl turns any string starting with "=" into a formula: force text.
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for col, width in zip("ABCDEFGHIJ", (8, 40, 14, 14, 14, 14, 14, 14, 14, 30), strict=False):
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet"
