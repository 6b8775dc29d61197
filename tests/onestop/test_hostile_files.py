"""Hostile and broken files: a clear Vietnamese message naming row and column, and
nothing stored except the batch row (status invalid) and the original file."""

from __future__ import annotations

import io
import zipfile

import pytest

from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus, MonthlyReport, Procedure
from tests.onestop.helpers import (
    D,
    dossier_file,
    dossier_row,
    report_file,
    report_row,
    upload,
    xlsx,
)


def _nothing_stored() -> None:
    assert Dossier.objects.count() == 0
    assert MonthlyReport.objects.count() == 0


def _invalid(batch: ImportBatch) -> list[str]:
    assert batch.status == ImportStatus.INVALID, (batch.status, batch.message)
    assert batch.file and batch.file.storage.exists(batch.file.name)  # the original is kept for history
    assert not batch.staging_file
    _nothing_stored()
    return [e["message"] for e in batch.errors]


# --- containers --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_not_a_spreadsheet(officer_a, commune, submit):
    messages = _invalid(submit(commune, "dossiers", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", officer_a, name="ho-so.pdf"))
    assert "không phải là bảng tính" in messages[0]


@pytest.mark.django_db
def test_word_document_zip_is_not_a_spreadsheet(officer_a, commune, submit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    messages = _invalid(submit(commune, "dossiers", out.getvalue(), officer_a, name="bao-cao.xlsx"))
    assert "không phải là bảng tính" in messages[0]


@pytest.mark.django_db
def test_password_protected_office_file(officer_a, commune, submit):
    # An Office-encrypted workbook is an OLE compound file holding "EncryptedPackage".
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024
    messages = _invalid(submit(commune, "dossiers", ole, officer_a, name="co-mat-khau.xlsx"))
    assert "mật khẩu" in messages[0]


@pytest.mark.django_db
def test_zip_bomb_refused_before_inflating(officer_a, commune, submit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (25 * 1024 * 1024))  # 25 MB of zeros: ~1000:1
    data = out.getvalue()
    assert len(data) < 200_000
    messages = _invalid(submit(commune, "dossiers", data, officer_a, name="bom.xlsx"))
    assert "tỷ lệ nén" in messages[0] and "độc hại" in messages[0]


@pytest.mark.django_db
def test_zip_with_too_many_entries(officer_a, commune, submit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(250):
            zf.writestr(f"xl/media/x{i}.bin", b"x")
    messages = _invalid(submit(commune, "dossiers", out.getvalue(), officer_a))
    assert "251 thành phần nén (tối đa 200)" in messages[0]


@pytest.mark.django_db
def test_oversized_file_refused_at_upload(officer_a, commune, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(services.ImportRefused, match="Tệp quá lớn"):
        services.create_batch(commune, "dossiers", upload(b"x" * 2000), actor=officer_a)
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_empty_file_refused(officer_a, commune):
    with pytest.raises(services.ImportRefused, match="Tệp rỗng"):
        services.create_batch(commune, "dossiers", upload(b""), actor=officer_a)


@pytest.mark.django_db
def test_empty_sheet(officer_a, commune, submit):
    messages = _invalid(submit(commune, "dossiers", xlsx([]), officer_a))
    assert "trống" in messages[0] or "không tìm thấy cột" in messages[0]


@pytest.mark.django_db
def test_header_only_no_rows(officer_a, commune, submit):
    messages = _invalid(submit(commune, "dossiers", dossier_file([]), officer_a))
    assert "không có dòng dữ liệu" in messages[0]


@pytest.mark.django_db
def test_wrong_headers_named(officer_a, commune, submit):
    data = xlsx([["Họ tên", "Ngày sinh", "Địa chỉ"], ["Nguyễn Văn A", "01/01/1990", "Xã A"]])
    messages = _invalid(submit(commune, "dossiers", data, officer_a))
    assert "không tìm thấy cột bắt buộc" in messages[0]
    assert "“Mã hồ sơ”" in messages[0] and "“Ngày tiếp nhận”" in messages[0]


# --- rows --------------------------------------------------------------------------------------------

def _messages_for(officer, commune, submit, rows, kind="dossiers") -> list[str]:
    data = dossier_file(rows) if kind == "dossiers" else report_file(rows)
    return _invalid(submit(commune, kind, data, officer))


@pytest.mark.django_db
def test_odd_date_text_names_row_and_column(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1"), dossier_row("H2", due="31/02/2023")])
    assert messages == ["Dòng 5, cột 'Ngày hẹn trả': “31/02/2023” không phải là ngày hợp lệ"]


@pytest.mark.django_db
def test_american_date_is_explained(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1", received="03/25/2023")])
    assert messages[0].startswith("Dòng 4, cột 'Ngày tiếp nhận': ") and "tháng/ngày/năm" in messages[0]


@pytest.mark.django_db
def test_due_before_received(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1", received=D(2023, 3, 10), due=D(2023, 3, 2))])
    assert messages == ["Dòng 4, cột 'Ngày hẹn trả': ngày hẹn trả 02/03/2023 trước ngày tiếp nhận 10/03/2023"]


@pytest.mark.django_db
def test_future_dates(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1", received=D(2099, 1, 1), due=D(2099, 1, 5))])
    assert messages[0] == ("Dòng 4, cột 'Ngày tiếp nhận': ngày 01/01/2099 ở tương lai (có thể gõ nhầm năm, hoặc Excel "
                           "đã đảo ngày/tháng (vùng Hoa Kỳ))")


@pytest.mark.django_db
def test_duplicate_dossier_codes_in_one_file(officer_a, commune, submit):
    """Same code, different content: refused (an identical repeat is collapsed, see test_dossier_sanity)."""
    messages = _messages_for(officer_a, commune, submit,
                             [dossier_row("H1"), dossier_row("H2"), dossier_row("H1", channel="Trực tiếp")])
    assert messages == ["Dòng 6, cột 'Mã hồ sơ': mã hồ sơ “H1” trùng với dòng 4 trong cùng tệp"]


@pytest.mark.django_db
def test_unknown_procedure_code(officer_a, commune, submit, confirm):
    """A procedure no catalogue holds is registered from the file, unconfirmed, with one warning."""
    batch = submit(commune, "dossiers", dossier_file([dossier_row("H1", procedure="9.999")]), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    warnings = [w for w in batch.reading["warnings"] if "chưa có trong danh mục TTHC của UBND xã A" in w]
    assert len(warnings) == 1 and "9.999 – Thủ tục thử" in warnings[0]
    confirm(batch, officer_a)
    added = Procedure.objects.get(unit=commune, code="9.999")
    assert (added.is_confirmed, added.name, added.last_batch_id) == (False, "Thủ tục thử", batch.pk)


@pytest.mark.django_db
def test_unit_without_catalogue(officer_b, tree, submit):
    """A commune's first dossier file, before any catalogue: read, its procedures listed once (not one error a row)."""
    rows = [dossier_row(f"H{i}", procedure=f"1.00{i % 3}") for i in range(40)]
    batch = submit(tree["commune_b"], "dossiers", dossier_file(rows), officer_b)
    assert batch.status == ImportStatus.READY, batch.errors
    listed = [w for w in batch.reading["warnings"] if "3 thủ tục chưa có trong danh mục TTHC của UBND xã B" in w]
    assert len(listed) == 1 and all(code in listed[0] for code in ("1.000", "1.001", "1.002"))


@pytest.mark.django_db
def test_unknown_unit_and_unit_outside_the_batch(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1", unit="XA-KHONG-CO"), dossier_row("H2", unit="XA-B")])
    assert messages[0].startswith("Dòng 4, cột 'Đơn vị tiếp nhận': đơn vị “XA-KHONG-CO” không thuộc UBND xã A")
    # Commune B exists but is not within the uploading commune: refused the same way.
    assert messages[1].startswith("Dòng 5, cột 'Đơn vị tiếp nhận': đơn vị “XA-B” không thuộc UBND xã A")


@pytest.mark.django_db
def test_bad_channel_and_satisfaction(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [dossier_row("H1", channel="Fax", sat=7)])
    assert "Dòng 4, cột 'Kênh thực hiện': “Fax” không phải là kênh hợp lệ" in messages[0]
    assert messages[1].startswith("Dòng 4, cột 'Mức độ hài lòng': “7” nằm ngoài thang 1–3")


@pytest.mark.django_db
def test_negative_counts(officer_a, commune, submit):
    messages = _messages_for(officer_a, commune, submit, [report_row("XA-A", rt=-1)], kind="report")
    assert messages == ["Dòng 4, cột 'Tiếp nhận: Tổng số': số âm (-1) không hợp lệ"]


@pytest.mark.django_db
def test_parts_larger_than_wholes(officer_a, commune, submit):
    rows = [
        report_row("XA-A", "01/2023", rt=5, ro=6, rdp=0, co=0, st=5, se=5, so=0, sl=0, pt=0, pi=0, po=0),
        report_row("XA-A", "02/2023", rt=10, ro=6, rdp=4, co=0, st=8, se=3, so=6, sl=1, pt=2, pi=2, po=0),
        report_row("XA-A", "03/2023", rt=10, ro=6, rdp=4, co=0, st=8, se=3, so=4, sl=1, pt=2, pi=2, po=0,
                   optional=[9, 4, None, None, None, None, 8, 6]),
    ]
    messages = _messages_for(officer_a, commune, submit, rows, kind="report")
    assert "Dòng 4, cột 'Tiếp nhận trong kỳ: Trực tuyến': số tiếp nhận trực tuyến lớn hơn tổng số tiếp nhận" in messages
    assert any(m.startswith("Dòng 5, cột 'Đã giải quyết: Tổng số': số đã giải quyết (8) phải bằng trước hạn + đúng hạn + quá hạn") for m in messages)
    assert "Dòng 6, cột 'Thanh toán trực tuyến': 9 lớn hơn số hồ sơ có nghĩa vụ tài chính (4)" in messages
    assert "Dòng 6, cột 'Lượt đánh giá hài lòng': 8 lớn hơn số lượt đánh giá (6)" in messages


@pytest.mark.django_db
def test_future_month_and_blank_required_count(officer_a, commune, submit):
    rows = [report_row("XA-A", "01/2099"), report_row("XA-A", "02/2023", sl="")]
    messages = _messages_for(officer_a, commune, submit, rows, kind="report")
    assert "Dòng 4, cột 'Tháng báo cáo': tháng 01/2099 chưa kết thúc hoặc ở tương lai" in messages
    assert "Dòng 5, cột 'Đã giải quyết: Quá hạn': ô bỏ trống; nếu không có hồ sơ hãy ghi 0" in messages


@pytest.mark.django_db
def test_duplicate_catalogue_codes(officer_a, tree, submit):
    from scoring.onestop.models import ImportKind
    from scoring.onestop.xlsx import build_workbook

    data = build_workbook(ImportKind.CATALOG, [["1.001", "A", "", "Toàn trình", "Có", ""], ["1.001", "B", "", "Một phần", "Không", ""]])
    batch = submit(tree["commune_a"], "catalog", data, officer_a)
    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["message"] == "Dòng 5, cột 'Mã TTHC': mã TTHC “1.001” trùng với dòng 4"
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_errors_are_capped_but_counted(officer_a, commune, submit):
    rows = [dossier_row(f"H{i}", received=f"sai ngày {i}") for i in range(600)]  # 600 different messages
    batch = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert batch.error_count == 600 and len(batch.errors) == 500
    assert batch.counts["invalid"] == 600
    _nothing_stored()
