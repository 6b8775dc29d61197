"""Spreadsheets written with openpyxl: the downloadable templates and data files in
the template's layout (the demo and the benchmark build their uploads with them)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import formats

from .models import ImportKind
from .parsing import SCHEMAS, Column
from .reports import SOURCE_ONLY_KEYS

TITLES = {
    ImportKind.DOSSIERS: "DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH (mỗi dòng một hồ sơ)",
    ImportKind.REPORT: "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (Biểu II.06a)",
    ImportKind.CATALOG: "DANH MỤC THỦ TỤC HÀNH CHÍNH CỦA ĐƠN VỊ",
}
FILE_NAMES = {
    ImportKind.DOSSIERS: "mau-danh-sach-ho-so.xlsx",
    ImportKind.REPORT: "mau-bao-cao-II06a.xlsx",
    ImportKind.CATALOG: "mau-danh-muc-tthc.xlsx",
}
INSTRUCTIONS = {
    ImportKind.DOSSIERS: [
        "Mỗi dòng là một hồ sơ; có thể dán trực tiếp tệp xuất từ phần mềm Một cửa điện tử nếu tên cột tương tự mẫu.",
        "Một hồ sơ xuất hiện trong tệp của nhiều tháng (khi trạng thái thay đổi) được cập nhật theo mã hồ sơ, không tính hai lần.",
        "Ngày ghi theo ngày/tháng/năm (05/03/2023) hoặc ô kiểu ngày của Excel.",
        "Mã TTHC phải có trong danh mục TTHC của đơn vị: tải danh mục trước khi tải hồ sơ.",
        "Không tải lên được tháng đã khóa; đề nghị cán bộ thi đua mở khóa nếu cần sửa.",
    ],
    ImportKind.REPORT: [
        "Mỗi dòng là số liệu một tháng của một đơn vị, theo các cột của Biểu II.06a.",
        "Tổng số tiếp nhận = trực tuyến + trực tiếp, bưu chính + từ kỳ trước = đã giải quyết + đang giải quyết.",
        "Đã giải quyết = trước hạn + đúng hạn + quá hạn; đang giải quyết = trong hạn + quá hạn.",
        "Các cột không bắt buộc: bỏ trống nghĩa là không báo cáo, khác với ghi 0.",
        "Dòng 'Tổng cộng' ở cuối bảng được bỏ qua.",
    ],
    ImportKind.CATALOG: [
        "Mỗi dòng là một thủ tục hành chính; tệp là toàn bộ danh mục của đơn vị (thủ tục không còn trong tệp sẽ bị xóa).",
        "Mức độ trực tuyến: Toàn trình, Một phần hoặc Không.",
    ],
}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _header_cells(kind: str) -> list[Column]:
    # Stand-in columns (direct receipts apart, early + on time together) are read from
    # other shapes of files, never offered in the template.
    return [c for c in SCHEMAS[kind] if c.key not in SOURCE_ONLY_KEYS]


def build_workbook(kind: str, rows: Iterable[Sequence[Any]] = (), *, title: str | None = None, with_help: bool = True,
                   write_only: bool = False) -> bytes:
    """A workbook in the template's layout: title row, header row (row 3), data from row 4.

    ``rows`` are sequences in the schema's column order."""
    columns = _header_cells(kind)
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet("Số liệu")
        ws.append([title or TITLES[kind]])
        ws.append([])
        ws.append([c.label for c in columns])
        for row in rows:
            ws.append(list(row))
    else:
        ws = wb.active
        ws.title = "Số liệu"
        ws.cell(row=1, column=1, value=title or TITLES[kind]).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(len(columns), 8))
        for i, col in enumerate(columns, 1):
            cell = ws.cell(row=3, column=i, value=col.label)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(i)].width = max(14, min(36, len(col.label) + 4))
        date_keys = {"received_on", "due_on", "resolved_on", "returned_on"}
        for r, row in enumerate(rows, 4):
            for i, value in enumerate(row, 1):
                cell = ws.cell(row=r, column=i, value=value)
                if isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        for i, col in enumerate(columns, 1):
            letter = get_column_letter(i)
            if col.choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                    error="Chọn một giá trị trong danh sách: " + ", ".join(col.choices))
                dv.add(f"{letter}4:{letter}5000")
                ws.add_data_validation(dv)
            elif col.key in date_keys:
                dv = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                                    showErrorMessage=True, errorTitle="Ngày không hợp lệ", error="Nhập ngày dạng dd/mm/yyyy")
                dv.add(f"{letter}4:{letter}5000")
                ws.add_data_validation(dv)
                for r in range(4, 6):
                    ws[f"{letter}{r}"].number_format = "DD/MM/YYYY"
            elif col.convert.__name__ == "to_count":
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                    showErrorMessage=True, errorTitle="Số không hợp lệ", error="Nhập số nguyên không âm")
                dv.add(f"{letter}4:{letter}5000")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A4"
    if with_help:
        help_ws = wb.create_sheet("Hướng dẫn")
        help_ws.append(["HƯỚNG DẪN ĐIỀN SỐ LIỆU"])
        help_ws.append([])
        for line in INSTRUCTIONS[kind]:
            help_ws.append(["• " + line])
        help_ws.append([])
        help_ws.append(["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
        for col in columns:
            example = col.example
            if isinstance(example, datetime.date):
                example = formats.date(example)
            help_ws.append([col.label, "Có" if col.required else "Không", col.help, example])
        if not write_only:
            help_ws.column_dimensions["A"].width = 36
            help_ws.column_dimensions["C"].width = 90
            help_ws["A1"].font = Font(bold=True, size=13)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_bytes(kind: str) -> bytes:
    """The empty template (examples are on the instructions sheet, so that an
    unchanged template cannot import a made-up row)."""
    return build_workbook(kind, [])
