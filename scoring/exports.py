"""xlsx exports (openpyxl) of indicator tables and leaderboards: each sheet starts
with a bold title line, a blank line and the header. Cells go through
``core.exports.safe_cell`` (the formula-injection guard)."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.exports import safe_cell, workbook_bytes


def titled_workbook(title: str, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """.xlsx bytes with one sheet per ``(name, header, rows)``, each headed by ``title``."""
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
    return workbook_bytes(wb)


def safe_sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet"
