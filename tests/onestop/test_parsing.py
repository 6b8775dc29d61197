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
