"""Header recognition, cell conversion and the formats that real exports come in."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest

from scoring.onestop import parsing
from scoring.onestop.models import Dossier, ImportStatus, MonthlyReport
from tests.onestop.helpers import (
    D,
    catalog,
    dossier_file,
    dossier_row,
    report_file,
    report_row,
    xlsx,
)

# --- pure functions -----------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Mã hồ sơ", "MÃ HỒ SƠ", "ma ho so", "  Mã  hồ   sơ ", "maHoSo", "MaHoSo", "Mã_hồ_sơ"])
def test_fold_makes_header_variants_equal(header):
    assert parsing.fold(header) == "mahoso"


@pytest.mark.parametrize("raw,expected", [
    ("05/03/2023", D(2023, 3, 5)), ("5/3/23", D(2023, 3, 5)), ("2023-03-05", D(2023, 3, 5)),
    ("05-03-2023", D(2023, 3, 5)), ("05.03.2023", D(2023, 3, 5)), ("05/03/2023 14:30", D(2023, 3, 5)),
    ("20230305143000", D(2023, 3, 5)), ("2023-03-05T08:00:00", D(2023, 3, 5)), (44990, D(2023, 3, 5)),
    (44990.0, D(2023, 3, 5)), ("44990", D(2023, 3, 5)), (datetime.datetime(2023, 3, 5, 9, 0), D(2023, 3, 5)),
    ("", None), (None, None),
])
def test_dates_in_several_formats(raw, expected):
    assert parsing.to_date(raw) == expected


@pytest.mark.parametrize("raw,fragment", [
    ("31/02/2023", "không phải là ngày hợp lệ"), ("03/13/2023", "tháng 13 > 12"), ("hôm qua", "không đọc được ngày"),
    ("2023/13/01", "không phải là ngày hợp lệ"), (12, "không phải là ngày"), ("03-2023", "không đọc được ngày"),
])
def test_odd_dates_have_clear_messages(raw, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parsing.to_date(raw)


def test_counts_zero_is_not_blank():
    assert parsing.to_count(0) == 0
    assert parsing.to_count("0") == 0
    assert parsing.to_count("") is None
    assert parsing.to_count(None) is None
    assert parsing.to_count("1.234") == 1234
    with pytest.raises(ValueError, match="số âm"):
        parsing.to_count(-3)
    with pytest.raises(ValueError, match="số nguyên"):
        parsing.to_count(2.5)


@pytest.mark.parametrize("raw,expected", [
    ("Trực tuyến", "online"), ("TRUC TUYEN", "online"), ("Nộp trực tuyến", "online"), (2, "online"),
    ("Trực tiếp", "direct"), ("1", "direct"), ("Dịch vụ bưu chính công ích", "postal"), ("BCCI", "postal"),
])
def test_channels(raw, expected):
    assert parsing.to_channel(raw) == expected


# --- whole files ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_camelcase_headers_title_rows_and_total_row(officer_a, tree, submit):
    catalog(tree["commune_a"])
    data = xlsx([
        ["UBND XÃ A", None, None, None, None, None],
        ["DANH SÁCH HỒ SƠ THÁNG 03/2023", None, None, None, None, None],
        [],
        ["maHoSo", "maTTHC", "tenTTHC", "kenhThucHien", "ngayTiepNhan", "ngayHenTra", "ngayKetThucXuLy", "ngayTra", "trangThaiHoSo"],
        ["H1", "1.001", "Thủ tục", "2", "20230301080000", "20230305170000", "20230304", "20230305", "Đã trả kết quả"],
        ["H2", "1.002", "Thủ tục", "1", "02/03/2023", "06/03/2023", None, None, "Đang xử lý"],
        ["Tổng cộng", None, None, None, None, None, None, None, None],
        ["Người lập biểu", None, None, None, None, None, None, None, None],
    ])
    batch = submit(tree["commune_a"], "dossiers", data, officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["total"] == 2 and batch.counts["new"] == 2
    assert batch.counts["header_row"] == 4


@pytest.mark.django_db
def test_headers_without_diacritics_any_case_other_order(officer_a, tree, submit):
    catalog(tree["commune_a"])
    data = xlsx([
        ["NGAY TIEP NHAN", "kenh thuc hien", "MA HO SO", "ma thu tuc", "ngay hen tra"],
        [D(2023, 3, 1), "Trực tiếp", "H9", "1.003", D(2023, 3, 3)],
    ])
    batch = submit(tree["commune_a"], "dossiers", data, officer_a)
    assert batch.status == ImportStatus.READY, batch.errors


def _ii06a(rows: list[list], *, title: str = "Kỳ báo cáo: tháng 3/2023") -> bytes:
    """Form II.06a with its three header rows and merged cells, as agencies print it."""
    header = [
        [title] + [None] * 12,
        ["TT", "Đơn vị", "Số hồ sơ nhận giải quyết", None, None, None, "Kết quả giải quyết", None, None, None, None, None, None],
        [None, None, "Tổng số", "Trong đó", None, "Từ kỳ trước chuyển qua", "Số hồ sơ đã giải quyết", None, None, None,
         "Số hồ sơ đang giải quyết", None, None],
        [None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", None, "Tổng số", "Trả trước hạn", "Trả đúng thời hạn",
         "Trả quá hạn", "Tổng số", "Chưa đến hạn", "Quá hạn"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)", "(13)"],
    ]
    merges = ["A2:A4", "B2:B4", "C2:F2", "G2:M2", "C3:C4", "D3:E3", "F3:F4", "G3:J3", "K3:M3", "A1:M1"]
    return xlsx(header + rows, merges)


@pytest.mark.django_db
def test_form_ii06a_with_merged_three_row_header_and_total(officer_a, tree, submit, confirm):
    data = _ii06a([
        [1, "XA-A", 10, 6, 4, 0, 8, 3, 4, 1, 2, 2, 0],
        [None, "Tổng cộng", 10, 6, 4, 0, 8, 3, 4, 1, 2, 2, 0],
    ])
    batch = submit(tree["commune_a"], "report", data, officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["months"] == ["03/2023"]  # the month came from the title row
    confirm(batch, officer_a)
    report = MonthlyReport.objects.get()
    assert (report.received_total, report.received_online, report.resolved_late, report.pending_in_time) == (10, 6, 1, 2)
    assert report.paid_online is None  # optional count not in the file: not reported, not zero


@pytest.mark.django_db
def test_report_optional_counts_blank_stays_null_zero_stays_zero(officer_a, tree, submit, confirm):
    optional = [0, None, 3, None, None, None, 5, 6]
    data = report_file([report_row("XA-A", "03/2023", optional=optional)])
    batch = confirm(submit(tree["commune_a"], "report", data, officer_a), officer_a)
    assert batch.status == ImportStatus.COMMITTED
    r = MonthlyReport.objects.get()
    assert r.paid_online == 0 and r.fee_bearing is None and r.electronic_results == 3 and r.satisfied == 5 and r.rated == 6


def _ods(rows: list[list]) -> bytes:
    """A minimal OpenDocument spreadsheet, written by hand (no LibreOffice here)."""
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, datetime.date):
            return f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"><text:p>{v:%d/%m/%Y}</text:p></table:table-cell>'
        if isinstance(v, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Hồ sơ">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.django_db
def test_ods_is_accepted(officer_a, tree, submit, confirm):
    catalog(tree["commune_a"])
    data = _ods([
        ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả"],
        ["ODS-1", "1.001", "Trực tuyến", D(2023, 4, 3), D(2023, 4, 6)],
    ])
    batch = submit(tree["commune_a"], "dossiers", data, officer_a, name="ho-so.ods")
    assert batch.status == ImportStatus.READY, batch.errors
    confirm(batch, officer_a)
    assert Dossier.objects.get(code="ODS-1").received_on == D(2023, 4, 3)


@pytest.mark.django_db
def test_xls_is_accepted(officer_a, tree, submit, confirm):
    xlwt = pytest.importorskip("xlwt", reason="xlwt (extra 'test') writes the .xls fixture")
    catalog(tree["commune_a"])
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Ho so")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, h in enumerate(["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày tiếp nhận"]):
        ws.write(0, c, h)
    ws.write(1, 0, "XLS-1")
    ws.write(1, 1, "1.002")
    ws.write(1, 2, "Trực tiếp")
    ws.write(1, 3, datetime.datetime(2023, 5, 2), date_style)
    out = io.BytesIO()
    wb.save(out)
    batch = submit(tree["commune_a"], "dossiers", out.getvalue(), officer_a, name="ho-so.xls")
    assert batch.status == ImportStatus.READY, batch.errors
    confirm(batch, officer_a)
    assert Dossier.objects.get(code="XLS-1").received_on == D(2023, 5, 2)


@pytest.mark.django_db
def test_template_file_round_trips(officer_a, tree, submit):
    catalog(tree["commune_a"])
    batch = submit(tree["commune_a"], "dossiers", dossier_file([dossier_row("T-1")]), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors


# --- what web "Xuất Excel" buttons send, and other file formats (readers.py) --------------------------

READER_HEADER = ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả"]


def _rows_of(data: bytes, kind: str = "dossiers") -> tuple[list[list], parsing.Located]:
    loc, sheet = parsing.locate(parsing.open_workbook(data), kind)
    return sheet.to_python(), loc


def test_html_table_saved_as_xls_is_read_with_its_spans():
    page = (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td colspan='5'>DANH SÁCH HỒ SƠ</td></tr>"
        "<tr>" + "".join(f"<th>{h}</th>" for h in READER_HEADER) + "</tr>"
        "<tr><td rowspan='2'>HS-1</td><td>1.000890</td><td>Trực tuyến</td><td>02/10/2026</td><td>05/10/2026</td></tr>"
        "<tr><td>1.001</td><td>Trực&nbsp;tiếp</td><td>03/10/2026</td><td>06/10/2026</td></tr>"
        "</table></body></html>"
    ).encode()
    assert parsing.check_container(page, 10**6) == "html"
    rows, loc = _rows_of(page)
    assert (loc.sheet_name, loc.header_top) == ("Bảng 1", 1)
    assert rows[2] == ["HS-1", "1.000890", "Trực tuyến", "02/10/2026", "05/10/2026"]  # the code stays text
    assert rows[3] == ["", "1.001", "Trực tiếp", "03/10/2026", "06/10/2026"]  # covered by the rowspan


def _spreadsheet_ml(hidden_first: bool) -> bytes:
    def row(cells: list[tuple[str, str]], index: str = "") -> str:
        return f"<Row{index}>" + "".join(f'<Cell><Data ss:Type="{t}">{v}</Data></Cell>' for t, v in cells) + "</Row>"

    hidden = ('<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>'
              '</WorksheetOptions>')
    old = (f'<Worksheet ss:Name="Cu"><Table>{row([("String", h) for h in READER_HEADER])}</Table>'
           f'{hidden if hidden_first else ""}</Worksheet>')
    new = (
        '<Worksheet ss:Name="HoSo"><Table>'
        + row([("String", h) for h in READER_HEADER])
        + row([("String", "HS-1"), ("String", "1.001"), ("String", "Trực tuyến"),
               ("DateTime", "2026-10-02T00:00:00.000"), ("DateTime", "2026-10-05T00:00:00.000")], ' ss:Index="3"')
        + '</Table></Worksheet>'
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">{old}{new}</Workbook>'
    ).encode()


def test_excel_2003_xml_spreadsheet_is_read_typed_and_its_hidden_sheet_skipped():
    data = _spreadsheet_ml(hidden_first=True)
    assert parsing.check_container(data, 10**6) == "xml2003"
    rows, loc = _rows_of(data)
    assert loc.sheet_name == "HoSo" and loc.skipped_sheets == [{"name": "Cu", "reason": "trang tính ẩn"}]
    assert rows[1] == [""] * 5 and rows[2][3] == datetime.datetime(2026, 10, 2)  # ss:Index gap kept


def test_xml_with_a_dtd_is_refused_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/>&lol2;</Workbook>')
    with pytest.raises(parsing.FileRejected, match=r"bảng tính XML 2003 .* không đọc được"):
        parsing.open_workbook(bomb)


def test_csv_utf8_with_bom_is_read_when_its_columns_hold():
    text = "\ufeff" + ";".join(READER_HEADER) + "\nHS-1;1.000890;Trực tuyến;02/10/2026;05/10/2026\n"
    data = text.encode("utf-8")
    assert parsing.check_container(data, 10**6) == "csv"
    rows, loc = _rows_of(data)
    assert loc.columns["procedure_code"] == 1 and rows[1][1] == "1.000890"


def test_csv_whose_rows_have_different_widths_is_refused_saying_save_as_xlsx():
    data = ("Mã hồ sơ,Mã TTHC,Có phí, lệ phí\nHS-1,1.001,Có\n").encode()
    with pytest.raises(parsing.FileRejected, match=r"dòng 1 có 4 cột.*CSV: lưu thành \.xlsx"):
        parsing.open_workbook(data)


def test_1904_date_system_gives_the_right_dates():
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(READER_HEADER)
    ws.append(["HS-1", "1.001", "Trực tuyến", datetime.date(2026, 10, 2), datetime.date(2026, 10, 5)])
    for cell in ws[2][3:]:
        cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    rows, _ = _rows_of(out.getvalue())
    assert parsing.to_date(rows[1][3]) == D(2026, 10, 2)


def test_sheet_declaring_dimension_a1_is_read_whole():
    data = xlsx([READER_HEADER, ["HS-1", "1.001", "Trực tuyến", "02/10/2026", "05/10/2026"],
                 ["HS-2", "1.001", "Trực tiếp", "03/10/2026", "06/10/2026"]])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', body)
            dst.writestr(info, body)
    rows, _ = _rows_of(out.getvalue())
    assert [r[0] for r in rows] == ["Mã hồ sơ", "HS-1", "HS-2"]


@pytest.mark.django_db
def test_formula_cells_saved_without_results_are_refused_not_read_as_zero(officer_a, tree, submit):
    catalog(tree["commune_a"])
    rows = [READER_HEADER + ["Thanh toán trực tuyến"]]
    rows += [[f"HS-{i}", "1.001", "Trực tuyến", D(2023, 3, 2), D(2023, 3, 5), f'=IF(A{i + 2}="","","Có")'] for i in range(3)]
    batch = submit(tree["commune_a"], "dossiers", xlsx(rows), officer_a)  # openpyxl stores formulas without results
    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["message"].startswith(
        "Dòng 2–4, cột 'Thanh toán trực tuyến': ô có công thức nhưng tệp không lưu kết quả tính")
    assert "mở bằng Excel/LibreOffice và lưu lại" in batch.errors[0]["message"]


def test_not_a_spreadsheet_names_what_it_is_not():
    with pytest.raises(parsing.FileRejected, match="Tệp không phải là bảng tính"):
        parsing.check_container(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 10**6)
