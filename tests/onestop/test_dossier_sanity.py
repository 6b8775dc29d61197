"""Dossier and catalogue data sanity (sanity.py, validation.py) and value vocabularies
(vocabularies.py): damaged files repaired with a warning or refused with the cause,
the same error on many rows once, unknown procedures registered unconfirmed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from scoring.onestop import vocabularies
from scoring.onestop.models import Dossier, ImportStatus, Procedure, ValueTerm
from tests.onestop.helpers import D, catalog, dossier_file, dossier_row, xlsx

HEADER = ["Mã hồ sơ", "Mã TTHC", "Tên TTHC", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày giải quyết xong"]


def _warnings(batch, needle: str) -> list[str]:
    return [w for w in batch.reading.get("warnings", []) if needle in w]


# --- swapped day and month -------------------------------------------------------------------------


@pytest.mark.django_db
def test_us_locale_swapped_date_cells_are_turned_back_with_a_warning(officer_a, commune, submit, confirm):
    # Excel (US) made date cells of 02/10 and 04/10 (10 Feb, 10 Apr) and left 14/10, 16/10 as text.
    rows = [HEADER,
            ["S-1", "1.001", "T", "Trực tuyến", D(2023, 2, 10), D(2023, 5, 10), D(2023, 3, 10)],
            ["S-2", "1.001", "T", "Trực tuyến", D(2023, 4, 10), D(2023, 7, 10), D(2023, 7, 10)],
            ["S-3", "1.001", "T", "Trực tiếp", "14/10/2023", "17/10/2023", "15/10/2023"],
            ["S-4", "1.001", "T", "Trực tiếp", "16/10/2023", "19/10/2023", None]]
    batch = submit(commune, "dossiers", xlsx(rows), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    [warning] = _warnings(batch, "Ngày và tháng bị đảo")
    assert "'Ngày tiếp nhận' (2 ô)" in warning and "vùng Hoa Kỳ" in warning
    confirm(batch, officer_a)
    s1 = Dossier.objects.get(code="S-1")
    assert (s1.received_on, s1.due_on, s1.resolved_on) == (D(2023, 10, 2), D(2023, 10, 5), D(2023, 10, 3))


@pytest.mark.django_db
def test_a_year_of_real_dates_is_not_taken_for_swapped_ones(officer_a, commune, submit):
    days = [D(2023, 1, 5), D(2023, 3, 7), D(2023, 6, 9), D(2023, 11, 2)]
    rows = [HEADER] + [[f"Y-{i}", "1.001", "T", "Trực tiếp", d, d, d] for i, d in enumerate(days)]
    batch = submit(commune, "dossiers", xlsx(rows), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    assert not _warnings(batch, "bị đảo")


@pytest.mark.django_db
def test_a_date_far_from_the_files_others_is_refused_with_its_likely_cause(officer_a, commune, submit):
    rows = [dossier_row(f"F-{i}", received=D(2023, 3, 2), due=D(2023, 3, 6)) for i in range(5)]
    rows.append(dossier_row("F-9", received=D(2021, 3, 2), due=D(2021, 3, 6)))
    batch = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["message"].startswith(
        "Dòng 9, cột 'Ngày tiếp nhận': ngày 02/03/2021 cách xa các ngày khác trong tệp (quanh 03/2023) hơn 400 ngày: "
        "có thể do gõ nhầm năm")


# --- codes that arrived as numbers, duplicates, the block under the table -----------------------------


@pytest.mark.django_db
def test_numeric_procedure_codes_are_restored_against_the_catalogue(officer_a, commune, submit, confirm):
    catalog(commune, {"1.000890": "full", "2.001120": "none"})
    rows = [HEADER, ["N-1", 1.00089, "T", "Trực tuyến", D(2023, 3, 2), D(2023, 3, 5), None],
            ["N-2", 2.00112, "T", "Trực tiếp", D(2023, 3, 3), D(2023, 3, 6), None]]
    batch = submit(commune, "dossiers", xlsx(rows), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    [warning] = _warnings(batch, "mã ghi dạng số")
    assert "1.00089 → 1.000890 (dòng 2)" in warning and "2.00112 → 2.001120 (dòng 3)" in warning
    confirm(batch, officer_a)
    assert Dossier.objects.get(code="N-1").procedure_code == "1.000890"


@pytest.mark.django_db
def test_a_numeric_code_that_could_be_two_catalogue_codes_is_refused(officer_a, tree, submit):
    commune = tree["commune_a"]
    catalog(commune, {"1.0010": "full", "1.001": "none"})
    rows = [HEADER, ["A-1", 1.001, "T", "Trực tuyến", D(2023, 3, 2), D(2023, 3, 5), None]]
    batch = submit(commune, "dossiers", xlsx(rows), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["message"] == (
        "Dòng 2, cột 'Mã TTHC': mã TTHC ghi dạng số (1.001) có thể là 1.001 hoặc 1.0010 trong danh mục: "
        "hãy ghi đúng mã, đặt ô kiểu Văn bản (Text)")


@pytest.mark.django_db
def test_catalogue_codes_typed_as_numbers_take_the_national_form(staff, tree, submit, confirm):
    rows = [["Mã TTHC", "Tên TTHC", "Mức độ trực tuyến"], [1.00089, "Đăng ký kết hôn", "Một phần"],
            [2.00112, "Xác nhận thông tin hộ tịch", "Dịch vụ cung cấp thông tin trực tuyến"]]
    batch = submit(tree["commune_a"], "catalog", xlsx(rows), staff)
    assert batch.status == ImportStatus.READY, batch.errors
    assert _warnings(batch, "1.00089 → 1.000890")
    confirm(batch, staff)
    assert dict(Procedure.objects.filter(unit=tree["commune_a"]).values_list("code", "online_level")) == {
        "1.000890": "partial", "2.001120": "none"}


@pytest.mark.django_db
def test_identical_duplicate_rows_are_counted_once_with_a_warning(officer_a, commune, submit, confirm):
    rows = [dossier_row("H1"), dossier_row("H2"), dossier_row("H2"), dossier_row("H3")]
    batch = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    [warning] = _warnings(batch, "lặp lại y hệt")
    assert "dòng 6 trùng hệt dòng 5" in warning
    confirm(batch, officer_a)
    assert Dossier.objects.count() == 3


@pytest.mark.django_db
def test_signature_block_under_the_table_is_left_out_and_listed(officer_a, commune, submit):
    rows = [HEADER, ["G-1", "1.001", "T", "Trực tuyến", D(2023, 3, 2), D(2023, 3, 5), None], [],
            [None, None, None, None, None, "Xã A, ngày 02 tháng 04 năm 2023"],
            ["Người lập biểu", None, None, None, None, "CHỦ TỊCH"], ["(Ký, ghi rõ họ tên)"], ["Nguyễn Văn A"]]
    batch = submit(commune, "dossiers", xlsx(rows), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["total"] == 1
    left = batch.reading["left_out_rows"]
    assert [r["row"] for r in left] == [4, 5, 6, 7]
    assert left[1] == {"row": 5, "reason": "chữ ký, ghi chú dưới bảng", "text": "Người lập biểu | CHỦ TỊCH"}


# --- the same error on many rows; unknown values once -----------------------------------------------


@pytest.mark.django_db
def test_an_unknown_value_is_reported_once_with_its_rows_and_count(officer_a, commune, submit):
    rows = [dossier_row(f"U-{i}", channel="Fax") for i in range(300)] + [dossier_row("U-x", channel="Telex")]
    batch = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert batch.status == ImportStatus.INVALID and batch.error_count == 301
    messages = [e["message"] for e in batch.errors]
    assert len(messages) == 2
    assert messages[0].startswith("Dòng 4–303, cột 'Kênh thực hiện': “Fax” không phải là kênh hợp lệ")
    assert messages[0].endswith("(300 dòng)")
    assert messages[1].startswith("Dòng 304, cột 'Kênh thực hiện': “Telex”")


@pytest.mark.django_db
def test_first_dossier_file_before_any_catalogue_registers_its_procedures_once(officer_b, tree, submit, confirm):
    commune = tree["commune_b"]
    rows = [dossier_row(f"C-{i}", procedure=["1.001612", "2.000908"][i % 2]) for i in range(400)]
    batch = submit(commune, "dossiers", dossier_file(rows), officer_b)
    assert batch.status == ImportStatus.READY and batch.error_count == 0, batch.errors
    [warning] = _warnings(batch, "chưa có trong danh mục")
    assert warning.startswith("2 thủ tục chưa có trong danh mục TTHC của UBND xã B được thêm vào danh mục từ tệp này")
    confirm(batch, officer_b)
    assert set(Procedure.objects.filter(unit=commune).values_list("code", "is_confirmed")) == {
        ("1.001612", False), ("2.000908", False)}
    # The unit's catalogue confirms them.
    cat = submit(commune, "catalog", xlsx([["Mã TTHC", "Tên TTHC"], ["1.001612", "Cấp bản sao"], ["2.000908", "Chứng thực"]]),
                 officer_b)
    confirm(cat, officer_b)
    assert not Procedure.objects.filter(unit=commune, is_confirmed=False).exists()


# --- vocabularies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "text", "meaning"), [
    ("online_level", "Dịch vụ công trực tuyến toàn trình", "full"),
    ("online_level", "DVC mức độ 4", "full"),
    ("online_level", "mức độ 3", "partial"),
    ("online_level", "Dịch vụ cung cấp thông tin trực tuyến", "none"),
    ("channel", "Nộp trực tuyến", "online"),
    ("channel", "Trực tiếp tại bộ phận một cửa", "direct"),
    ("channel", "Qua dịch vụ BCCI", "postal"),
    ("yes_no", "✓", "1"),
    ("yes_no", "x", "1"),
    ("yes_no", "Đã thanh toán", "1"),
    ("satisfaction", "Rất hài lòng", "3"),
    ("status", "Đang xử lý hồ sơ", "pending"),
])
def test_default_wordings(domain, text, meaning):
    assert vocabularies.meaning(domain, text) == meaning


@pytest.mark.django_db
def test_the_defaults_come_from_the_migration():
    assert ValueTerm.objects.filter(is_default=True, domain="online_level", key="dvc muc do 4", meaning="full").exists()


@pytest.mark.django_db
def test_staff_add_a_wording_in_the_admin_and_the_next_upload_reads_it(client, officer_a, commune, submit):
    rows = [dossier_row("Z-1", channel="Nộp qua Zalo")]
    refused = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert refused.status == ImportStatus.INVALID and "“Nộp qua Zalo” không phải là kênh hợp lệ" in refused.errors[0]["message"]
    admin = get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    client.force_login(admin)
    response = client.post(reverse("admin:onestop_valueterm_add"),
                           {"domain": "channel", "text": "Nộp qua Zalo", "meaning": "online", "note": ""})
    assert response.status_code == 302, response.content[:500]
    term = ValueTerm.objects.get(text="Nộp qua Zalo")
    assert term.key == "nop qua zalo" and not term.is_default
    assert AuditEvent.objects.filter(action="admin.add", object_type="onestop.valueterm", object_id=str(term.pk)).exists()
    accepted = submit(commune, "dossiers", dossier_file([dossier_row("Z-2", channel="Nộp qua Zalo")]), officer_a)
    assert accepted.status == ImportStatus.READY, accepted.errors


@pytest.mark.django_db
def test_an_officer_cannot_edit_the_vocabularies(client, officer_a):
    client.force_login(officer_a)
    add = reverse("admin:onestop_valueterm_add")
    response = client.post(add, {"domain": "channel", "text": "Fax", "meaning": "online"})
    assert response.status_code == 302 and response["Location"] != reverse("admin:onestop_valueterm_changelist")
    assert "next=" in response["Location"]  # sent to sign in as staff, nothing saved
    assert not ValueTerm.objects.filter(text="Fax").exists()


@pytest.mark.django_db
def test_a_channel_that_names_the_level_gives_it_when_there_is_no_level_column(officer_a, commune, submit, confirm):
    rows = [HEADER, ["L-1", "1.001", "T", "Trực tuyến một phần", D(2023, 3, 2), D(2023, 3, 5), None],
            ["L-2", "1.001", "T", "Nộp trực tuyến", D(2023, 3, 2), D(2023, 3, 5), None],
            ["L-3", "1.001", "T", "Trực tiếp", D(2023, 3, 2), D(2023, 3, 5), None]]
    confirm(submit(commune, "dossiers", xlsx(rows), officer_a), officer_a)
    # 1.001 is "toàn trình" in the catalogue: L-2 takes it, L-1 says "một phần" itself; direct has none.
    assert dict(Dossier.objects.values_list("code", "online_level")) == {"L-1": "partial", "L-2": "full", "L-3": ""}
