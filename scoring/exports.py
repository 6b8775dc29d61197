"""xlsx exports (openpyxl) of indicator tables and leaderboards: each sheet starts
with a bold title line, a blank line and the header. Cells go through
``core.exports.safe_cell`` (the formula-injection guard)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import add_sheet, safe_cell, workbook_bytes

#: Column widths of the first columns (code or rank, name, then numbers, then a note).
WIDTHS = (8, 40, 14, 14, 14, 14, 14, 14, 14, 30)


def titled_workbook(title: str, sheets: list[tuple]) -> bytes:
    """.xlsx bytes with one sheet per ``(name, header, rows)`` or ``(name, header, rows,
    number_formats)`` (``core.exports.add_sheet``: numbers and dates get a format from
    their type unless ``number_formats`` names one for the column), each headed by
    ``title`` in bold and a blank line."""
    wb = Workbook()
    for index, (name, header, rows, *formats) in enumerate(sheets):
        ws = add_sheet(wb, safe_sheet_name(name), header, rows, first=index == 0,
                       number_formats=formats[0] if formats else None)
        ws.insert_rows(1, 2)
        ws["A1"] = safe_cell(title)
        ws["A1"].font = Font(bold=True, size=13)
        ws.freeze_panes = None  # the title lines would freeze with the header
        ws.column_dimensions.clear()
        for col, width in zip("ABCDEFGHIJ", WIDTHS, strict=False):
            ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


def safe_sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet"
