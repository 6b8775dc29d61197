"""Framework spreadsheets: written with openpyxl, read with python-calamine.

Sheet "Bộ chỉ số": Mã | Cấp | Nội dung | Điểm tối đa | Hướng dẫn chấm điểm |
Bắt buộc tài liệu kiểm chứng. The code carries the tree ("1" lĩnh vực, "1.2" tiêu
chí, "1.2.3" tiêu chí thành phần); parents come before their children.
Sheet "Xếp loại" (optional): Từ (điểm) | Xếp loại.

Parsing validates every row and returns either the parsed rows or the list of
all errors, each naming the row and the column, so that nothing is half-stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from python_calamine import CalamineWorkbook

from core import formats
from core.exports import FORMULA_PREFIXES, add_sheet, workbook_bytes
from core.numbers import parse_decimal

from .choices import KIND_BY_DEPTH, ItemKind

ITEMS_SHEET = "Bộ chỉ số"
BANDS_SHEET = "Xếp loại"
ITEM_HEADERS = ["Mã", "Cấp", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm điểm", "Bắt buộc tài liệu kiểm chứng"]
BAND_HEADERS = ["Từ (điểm)", "Xếp loại"]
COLUMN_LETTERS = "ABCDEF"
CODE_RE = re.compile(r"^\d+(\.\d+){0,2}$")
YES = {"có", "co", "x", "yes", "1", "true", "c"}
NO = {"", "không", "khong", "no", "0", "false", "k"}
KIND_LABELS = {label.lower(): value for value, label in ItemKind.choices}


@dataclass
class ParsedItem:
    row: int
    code: str
    kind: str
    title: str
    max_points: Decimal
    guidance: str
    evidence_required: bool
    children: list[ParsedItem] = field(default_factory=list)


@dataclass
class ParsedFramework:
    items: list[ParsedItem]
    bands: list[tuple[Decimal, str]]
    errors: list[str]


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the export's formula guard ("'- Ban hành…" → "- Ban hành…") so a file re-imports unchanged.
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES else text


def _where(row: int, col: int) -> str:
    return f"Dòng {row}, cột {COLUMN_LETTERS[col]} ({ITEM_HEADERS[col]})"


def parse_workbook(stream: IO[bytes]) -> ParsedFramework:
    """Every item and band of the file, or every error found (then no item at all)."""
    errors: list[str] = []
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except Exception:  # calamine raises several types for non-spreadsheets
        return ParsedFramework([], [], ["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."])
    names = workbook.sheet_names
    if ITEMS_SHEET not in names:
        return ParsedFramework([], [], [f"Không tìm thấy trang tính “{ITEMS_SHEET}” trong tệp."])
    rows = workbook.get_sheet_by_name(ITEMS_SHEET).to_python(skip_empty_area=False)
    if not rows or [_text(c).lower() for c in rows[0][: len(ITEM_HEADERS)]] != [h.lower() for h in ITEM_HEADERS]:
        return ParsedFramework([], [], [
            f"Dòng 1: tiêu đề cột không đúng mẫu (cần: {', '.join(ITEM_HEADERS)})."
        ])

    by_code: dict[str, ParsedItem] = {}
    # Every valid code seen, even on a row with other errors: one bad row must not
    # make its children report a missing parent as well.
    seen: dict[str, int] = {}
    roots: list[ParsedItem] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(_text(c) == "" for c in row):
            continue
        code = _text(_cell(row, 0))
        row_errors: list[str] = []
        if not code:
            row_errors.append(f"{_where(number, 0)}: chưa có mã.")
        elif not CODE_RE.match(code):
            row_errors.append(f"{_where(number, 0)}: mã “{code}” không hợp lệ (dạng 1, 1.2 hoặc 1.2.3).")
        elif code in seen:
            row_errors.append(f"{_where(number, 0)}: mã “{code}” bị trùng với dòng {seen[code]}.")
        kind = ""
        if code and CODE_RE.match(code):
            kind = KIND_BY_DEPTH[code.count(".") + 1]
            written = _text(_cell(row, 1)).lower()
            if written and KIND_LABELS.get(written) != kind:
                row_errors.append(
                    f"{_where(number, 1)}: mã “{code}” là {ItemKind(kind).label.lower()} nhưng ghi “{_text(_cell(row, 1))}”."
                )
        title = _text(_cell(row, 2))
        if not title:
            row_errors.append(f"{_where(number, 2)}: chưa có nội dung.")
        max_points = Decimal("0")
        try:
            max_points = parse_decimal(_cell(row, 3))
            if max_points < 0:
                row_errors.append(f"{_where(number, 3)}: điểm tối đa không được âm.")
            elif max_points != max_points.quantize(Decimal("0.001")):
                row_errors.append(f"{_where(number, 3)}: điểm tối đa chỉ lấy tối đa 3 chữ số thập phân.")
        except ValueError:
            row_errors.append(f"{_where(number, 3)}: “{_text(_cell(row, 3))}” không phải là số điểm.")
        evidence_raw = _text(_cell(row, 5)).lower()
        if evidence_raw not in YES | NO:
            row_errors.append(f"{_where(number, 5)}: ghi “Có” hoặc “Không” (đang ghi “{_text(_cell(row, 5))}”).")
        parent = None
        if code and CODE_RE.match(code) and "." in code:
            parent_code = code.rsplit(".", 1)[0]
            parent = by_code.get(parent_code)
            if parent_code not in seen:
                row_errors.append(f"{_where(number, 0)}: chưa có mục cấp trên “{parent_code}” ở các dòng phía trên.")
        if code and CODE_RE.match(code) and code not in seen:
            seen[code] = number
        if row_errors or ("." in code and parent is None):
            errors.extend(row_errors)
            continue
        item = ParsedItem(
            row=number, code=code, kind=kind, title=title, max_points=max_points,
            guidance=_text(_cell(row, 4)), evidence_required=evidence_raw in YES,
        )
        by_code[code] = item
        (parent.children if parent else roots).append(item)

    if not roots and not errors:
        errors.append("Trang tính “Bộ chỉ số” không có dòng dữ liệu nào.")

    def check_sums(item: ParsedItem) -> None:
        if item.children:
            total = sum((c.max_points for c in item.children), Decimal("0"))
            if total != item.max_points:
                child_kind = ItemKind(item.children[0].kind).label.lower()
                errors.append(
                    f"{_where(item.row, 3)}: điểm tối đa của {ItemKind(item.kind).label.lower()} {item.code} là "
                    f"{formats.number(item.max_points)} nhưng tổng điểm tối đa các {child_kind} là {formats.number(total)}."
                )
            for child in item.children:
                check_sums(child)

    if not errors:
        for root in roots:
            check_sums(root)

    bands: list[tuple[Decimal, str]] = []
    if BANDS_SHEET in names:
        band_rows = workbook.get_sheet_by_name(BANDS_SHEET).to_python(skip_empty_area=False)
        for number, row in enumerate(band_rows[1:], start=2):
            if all(_text(c) == "" for c in row):
                continue
            label = _text(_cell(row, 1))
            try:
                minimum = parse_decimal(_cell(row, 0))
            except ValueError:
                errors.append(f"Trang “{BANDS_SHEET}”, dòng {number}, cột A (Từ (điểm)): “{_text(_cell(row, 0))}” không phải là số điểm.")
                continue
            if not label:
                errors.append(f"Trang “{BANDS_SHEET}”, dòng {number}, cột B (Xếp loại): chưa có tên xếp loại.")
                continue
            bands.append((minimum, label))

    flat: list[ParsedItem] = []

    def walk(item: ParsedItem) -> None:
        flat.append(item)
        for child in item.children:
            walk(child)

    for root in roots:
        walk(root)
    return ParsedFramework(flat if not errors else [], bands if not errors else [], errors)


def write_workbook(items: list[Any], bands: list[Any]) -> bytes:
    """Items in tree order (parents first) and bands; the file re-imports unchanged."""
    workbook = Workbook()
    # Codes are written as text: "1.10" typed as a number would become 1.1.
    sheet = add_sheet(workbook, ITEMS_SHEET, ITEM_HEADERS, (
        [str(item.code), item.get_kind_display(), item.title, item.max_points, item.guidance,
         "Có" if item.evidence_required else "Không"] for item in items
    ), number_formats={1: "@"}, first=True)
    for column, width in zip("ABCDEF", (10, 20, 70, 12, 50, 16), strict=True):
        sheet.column_dimensions[column].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    add_sheet(workbook, BANDS_SHEET, BAND_HEADERS, ([band.min_score, band.label] for band in bands))
    return workbook_bytes(workbook)
