"""Upload → parse → preview → confirm: upsert rules, re-uploads, recomputation
requests, month locks and the officer's scope."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from scoring.models import RecomputeRun
from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus, MonthLock, Procedure
from tests.onestop.helpers import D, catalog, dossier_file, dossier_row, upload


@pytest.mark.django_db
def test_dossier_in_two_monthly_files_counts_once_latest_state_wins(officer_a, commune, submit, confirm):
    march = dossier_file([
        dossier_row("HS-1", received=D(2023, 3, 28), due=D(2023, 4, 3)),  # pending at the end of March
        dossier_row("HS-2", received=D(2023, 3, 2), due=D(2023, 3, 6), resolved=D(2023, 3, 5), returned=D(2023, 3, 6)),
    ])
    first = confirm(submit(commune, "dossiers", march, officer_a, name="thang-3.xlsx"), officer_a)
    assert first.counts["new"] == 2
    april = dossier_file([
        dossier_row("HS-1", received=D(2023, 3, 28), due=D(2023, 4, 3), resolved=D(2023, 4, 5), returned=D(2023, 4, 5),
                    status="Đã trả kết quả"),
        dossier_row("HS-2", received=D(2023, 3, 2), due=D(2023, 3, 6), resolved=D(2023, 3, 5), returned=D(2023, 3, 6)),
        dossier_row("HS-3", received=D(2023, 4, 10), due=D(2023, 4, 12)),
    ])
    second = submit(commune, "dossiers", april, officer_a, name="thang-4.xlsx")
    assert (second.counts["new"], second.counts["updated"], second.counts["unchanged"]) == (1, 1, 1)
    confirm(second, officer_a)
    assert Dossier.objects.count() == 3
    hs1 = Dossier.objects.get(code="HS-1")
    assert hs1.resolved_on == D(2023, 4, 5) and hs1.status == "Đã trả kết quả" and hs1.last_batch_id == second.pk
    # The recomputation covers March (receipt) and April (resolution) of the updated dossier.
    run = RecomputeRun.objects.get(reason=f"import:{second.pk}")
    assert run.unit_ids == [commune.pk] and run.months == ["2023-03-01", "2023-04-01"]
    from scoring.models import UnitMonthData

    march_data = UnitMonthData.objects.get(unit=commune, month=D(2023, 3, 1))
    assert march_data.received_in_period == 2  # HS-1 counted once although it is in both files


@pytest.mark.django_db
def test_older_export_uploaded_after_a_newer_one_does_not_regress(officer_a, commune, submit, confirm):
    newer = dossier_file([dossier_row("HS-1", received=D(2023, 3, 28), due=D(2023, 4, 3), resolved=D(2023, 4, 2), returned=D(2023, 4, 3))])
    confirm(submit(commune, "dossiers", newer, officer_a, name="thang-4.xlsx"), officer_a)
    older = dossier_file([dossier_row("HS-1", received=D(2023, 3, 28), due=D(2023, 4, 3))])
    batch = submit(commune, "dossiers", older, officer_a, name="thang-3.xlsx")
    assert batch.counts["older"] == 1 and batch.counts["updated"] == 0
    confirm(batch, officer_a)
    assert Dossier.objects.get(code="HS-1").resolved_on == D(2023, 4, 2)


@pytest.mark.django_db
def test_same_file_again_is_a_no_op(officer_a, commune, submit, confirm):
    data = dossier_file([dossier_row("HS-1"), dossier_row("HS-2")])
    first = confirm(submit(commune, "dossiers", data, officer_a), officer_a)
    batches, dossiers, runs = ImportBatch.objects.count(), list(Dossier.objects.values()), RecomputeRun.objects.count()
    with pytest.raises(services.AlreadyImported, match="^Tệp này đã được ghi nhận ngày ") as exc:
        services.create_batch(commune, "dossiers", upload(data), actor=officer_a)
    assert exc.value.batch == first
    assert ImportBatch.objects.count() == batches and RecomputeRun.objects.count() == runs
    assert list(Dossier.objects.values()) == dossiers


@pytest.mark.django_db
def test_changed_data_updates(officer_a, commune, submit, confirm):
    confirm(submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a), officer_a)
    batch = confirm(submit(commune, "dossiers", dossier_file([dossier_row("HS-1", paid="Có", fee="Có")]), officer_a), officer_a)
    assert batch.counts["updated"] == 1
    d = Dossier.objects.get()
    assert d.paid_online and d.fee_bearing


@pytest.mark.django_db
def test_confirm_twice_and_cancel(officer_a, commune, submit, confirm):
    batch = confirm(submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a), officer_a)
    with pytest.raises(services.ImportRefused, match="đã được ghi nhận"):
        services.confirm_batch(batch, actor=officer_a)
    other = submit(commune, "dossiers", dossier_file([dossier_row("HS-9")]), officer_a)
    services.cancel_batch(other, actor=officer_a)
    with pytest.raises(services.ImportRefused, match="“Đã hủy”, không thể ghi nhận"):
        services.confirm_batch(other, actor=officer_a)
    assert not Dossier.objects.filter(code="HS-9").exists()
    # A committed batch cannot be cancelled; the refusal names the batch's states.
    with pytest.raises(services.ImportRefused, match="^Không thể chuyển lượt tải từ “Đã ghi nhận” sang “Đã hủy”.$"):
        services.cancel_batch(batch, actor=officer_a)


@pytest.mark.django_db
def test_parse_task_is_idempotent(officer_a, commune, submit):
    batch = submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a)
    parsed_at = batch.parsed_at
    again = services.parse_batch(batch.pk)  # a redelivered message
    assert again.status == ImportStatus.READY and again.parsed_at == parsed_at


@pytest.mark.django_db
def test_online_level_taken_from_catalogue_when_blank(officer_a, commune, submit, confirm):
    confirm(submit(commune, "dossiers", dossier_file([dossier_row("HS-1", procedure="1.002")]), officer_a), officer_a)
    assert Dossier.objects.get().online_level == "partial"


@pytest.mark.django_db
def test_catalogue_upload_replaces_the_units_catalogue(officer_a, tree, submit, confirm):
    from scoring.onestop.models import ImportKind
    from scoring.onestop.xlsx import build_workbook

    catalog(tree["commune_a"])
    data = build_workbook(ImportKind.CATALOG, [["1.001", "Thủ tục 1.001", "", "Toàn trình", "Không", ""],
                                              ["2.001", "Thủ tục mới", "Hộ tịch", "Một phần", "Có", "Không"]])
    batch = submit(tree["commune_a"], "catalog", data, officer_a)
    assert (batch.counts["new"], batch.counts["unchanged"], batch.counts["removed"]) == (1, 1, 2)
    confirm(batch, officer_a)
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001", "2.001"}
    assert not Procedure.objects.get(code="2.001").postal_enabled


# --- month locks ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_locked_month_refuses_uploads_with_the_reason(staff, officer_a, commune, submit, confirm):
    services.lock_month(commune, D(2023, 3, 1), actor=staff, reason="Đã thẩm định số liệu quý I")
    batch = submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert "tháng 03/2023 của UBND xã A đã khóa (Đã thẩm định số liệu quý I)" in batch.errors[0]["message"]
    assert batch.errors[0]["message"].startswith("Dòng 4, cột 'Ngày tiếp nhận':")
    services.reopen_month(commune, D(2023, 3, 1), actor=staff, reason="Bổ sung hồ sơ")
    batch = confirm(submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a, name="lan-2.xlsx"), officer_a)
    assert batch.status == ImportStatus.COMMITTED
    actions = list(AuditEvent.objects.filter(action__startswith="onestop.month").order_by("pk").values_list("action", "comment"))
    assert actions == [("onestop.month.lock", "Đã thẩm định số liệu quý I"), ("onestop.month.reopen", "Bổ sung hồ sơ")]


@pytest.mark.django_db
def test_lock_between_preview_and_confirm(staff, officer_a, commune, submit):
    batch = submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a)
    services.lock_month(commune, D(2023, 3, 1), actor=staff, reason="Chốt số liệu")
    with pytest.raises(services.ImportRefused, match="Chốt số liệu"):
        services.confirm_batch(batch, actor=officer_a)
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_only_staff_in_scope_lock(staff, officer_a, tree):
    with pytest.raises(services.ImportRefused, match="Chỉ cán bộ thi đua có thẩm quyền"):
        services.lock_month(tree["commune_a"], D(2023, 3, 1), actor=officer_a, reason="x")
    with pytest.raises(services.ImportRefused, match="Chỉ cán bộ thi đua có thẩm quyền"):  # the department is outside the district staff's subtree
        services.lock_month(tree["department"], D(2023, 3, 1), actor=staff, reason="x")
    with pytest.raises(services.ImportRefused, match="lý do"):
        services.lock_month(tree["commune_a"], D(2023, 3, 1), actor=staff, reason="  ")
    assert MonthLock.objects.count() == 0


# --- scope -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_officer_cannot_upload_for_another_commune(officer_a, tree, council_member):
    catalog(tree["commune_b"])
    with pytest.raises(services.ImportRefused, match="không có quyền tải số liệu"):
        services.create_batch(tree["commune_b"], "dossiers", upload(dossier_file([dossier_row("H")])), actor=officer_a)
    with pytest.raises(services.ImportRefused, match="không có quyền tải số liệu"):  # a council member does not upload
        services.create_batch(tree["commune_b"], "dossiers", upload(dossier_file([dossier_row("H")])), actor=council_member)
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_district_staff_upload_a_file_for_several_communes(staff, tree, submit, confirm):
    catalog(tree["district"])  # a district catalogue applies to its communes
    data = dossier_file([dossier_row("H-A", unit="XA-A"), dossier_row("H-B", unit="xã B")])
    batch = confirm(submit(tree["district"], "dossiers", data, staff), staff)
    assert batch.status == ImportStatus.COMMITTED
    assert dict(Dossier.objects.values_list("code", "unit__code")) == {"H-A": "XA-A", "H-B": "XA-B"}


@pytest.mark.django_db
def test_dossier_code_of_another_unit_is_refused(officer_a, officer_b, tree, submit, confirm):
    catalog(tree["commune_a"])
    catalog(tree["commune_b"])
    confirm(submit(tree["commune_b"], "dossiers", dossier_file([dossier_row("HS-1")]), officer_b), officer_b)
    batch = submit(tree["commune_a"], "dossiers", dossier_file([dossier_row("HS-1")]), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["message"] == "Dòng 4, cột 'Mã hồ sơ': mã hồ sơ “HS-1” đã được ghi nhận cho UBND xã B, ngoài phạm vi đơn vị này"
    assert Dossier.objects.get().unit == tree["commune_b"]


@pytest.mark.django_db
def test_errors_are_listed_in_row_order(officer_a, commune, submit):
    """The checks run rule by rule; the officer reads the errors top to bottom."""
    rows = [
        dossier_row("H1"),
        dossier_row("H2", due=D(2023, 2, 1)),  # due before receipt (a later rule)
        dossier_row("H3", received="32/03/2023"),  # not a date (an early rule)
        dossier_row("H3"),  # duplicate code
    ]
    batch = submit(commune, "dossiers", dossier_file(rows), officer_a)
    assert batch.status == ImportStatus.INVALID
    numbers = [e["row"] for e in batch.errors]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers), batch.errors
