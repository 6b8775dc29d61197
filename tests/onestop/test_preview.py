"""The preview of an upload (issue 15, parts 1 and 2): what the reader found, what
the file cannot measure (and the explicit tick to confirm it anyway), the pending
dossiers a partial export leaves out, and the column mapping the officer corrects,
remembered per unit and shared by staff as a vendor preset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import scoring
from audit.models import AuditEvent
from core.errors import NotAllowed
from scoring.onestop import services
from scoring.onestop.measures import cannot_measure, field_measures
from scoring.onestop.models import Dossier, ImportStatus, MappingProfile
from tests.onestop.helpers import D, dossier_file, dossier_row, xlsx

#: A vendor's export: the due date under a header nothing matches ("Mốc cam kết"),
#: and no satisfaction column at all.
ODD_HEADERS = ["Mã hồ sơ", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Kênh thực hiện", "Ngày tiếp nhận", "Mốc cam kết",
               "Ngày giải quyết xong", "Ngày trả kết quả", "Có phí, lệ phí", "Thanh toán trực tuyến", "Kết quả điện tử",
               "Chứng thực bản sao điện tử", "Trả kết quả qua bưu chính"]
DUE_COLUMN = ODD_HEADERS.index("Mốc cam kết")


def odd_row(code: str, received: D, due: D, resolved: D | None) -> list:
    return [code, "1.001", "Thủ tục thử", "Hộ tịch", "Trực tuyến", received, due, resolved, resolved,
            "Không", "Không", "Có", "Không", "Không"]


def odd_file(rows: list[list]) -> bytes:
    return xlsx([ODD_HEADERS, *rows])


MARCH = [odd_row("VX-001", D(2023, 3, 1), D(2023, 3, 5), D(2023, 3, 8)),  # late
         odd_row("VX-002", D(2023, 3, 2), D(2023, 3, 6), D(2023, 3, 4))]
APRIL = [odd_row("VX-101", D(2023, 4, 3), D(2023, 4, 7), D(2023, 4, 10))]


def _column(batch, letter: str) -> dict:
    return next(c for c in batch.reading["columns"] if c["letter"] == letter)


def _full_mapping(batch, **override: str) -> dict[str, str]:
    """Every column as the reader mapped it, with ``override`` ({"G": "due_on"})."""
    mapping = {str(c["index"]): c["field"] or "" for c in batch.reading["columns"]}
    for letter, key in override.items():
        mapping[str(_column(batch, letter)["index"])] = key
    return mapping


def _remap(batch, mapping, actor, capture):
    with capture(execute=True):
        services.remap_batch(batch, mapping, actor=actor)
    batch.refresh_from_db()
    return batch


# --- what the file cannot measure ------------------------------------------------------------------


def _references(indicator: dict) -> set[str]:
    parts = [indicator.get("numerator") or "", indicator.get("denominator") or ""]
    for comp in (indicator.get("params") or {}).get("components", []):
        parts += [comp.get("numerator") or "", comp.get("denominator") or ""]
    return set(re.findall(r"[a-z_]+", " ".join(parts)))


def test_measures_agree_with_scoring_definitions():
    """onestop does not import scoring (facts sit below it), so its list of what a
    column measures is data; this keeps that data true to scoring's definitions:
    every element exists, and the indicators named are exactly those whose formula
    uses one of the field's elements."""
    root = Path(scoring.__file__).parent
    elements = {row[0] for row in json.loads((root / "data_elements.json").read_text(encoding="utf-8"))}
    indicators = json.loads((root / "default_indicators.json").read_text(encoding="utf-8"))
    for kind, entries in field_measures().items():
        assert entries, kind
        for e in entries:
            assert set(e["elements"]) <= elements, (kind, e["field"], set(e["elements"]) - elements)
            using = {i["code"] for i in indicators if _references(i) & set(e["elements"])}
            assert set(e["indicators"]) == using, (kind, e["field"], using)
            assert e["message"].startswith("Không có cột ") and e["column"] in e["message"]


def test_cannot_measure_lists_each_missing_field_once():
    gaps = cannot_measure("dossiers", {"code", "procedure_code", "channel", "received_on", "resolved_on",
                                       "fee_bearing", "paid_online", "electronic_result", "e_certified_copy",
                                       "returned_by_post"})
    assert [g["field"] for g in gaps] == ["due_on", "satisfaction"]
    assert gaps[0]["message"].startswith("Không có cột ngày hẹn trả: không tính được tỷ lệ đúng hạn, số hồ sơ trễ hạn")


@pytest.mark.django_db
def test_preview_reads_columns_and_names_what_the_file_cannot_measure(commune, officer_a, submit):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    reading = batch.reading
    assert reading["sheet"] == "Sheet1" and reading["header_rows"] == [1, 1]
    due = _column(batch, "G")
    assert due["header"] == "Mốc cam kết" and due["field"] is None
    assert due["samples"][0] == "05/03/2023"
    assert _column(batch, "A")["field"] == "code"
    assert [g["field"] for g in reading["cannot_measure"]] == ["due_on", "satisfaction"]
    assert reading["signature"] and reading["profile"] is None
    assert reading["period"] == {"start": "2023-03-01", "end": "2023-03-02", "month": "2023-03-01",
                                 "why": "theo ngày tiếp nhận của 2 hồ sơ, từ 01/03/2023 đến 02/03/2023"}


@pytest.mark.django_db
def test_confirming_a_file_with_gaps_needs_the_tick(commune, officer_a, submit, confirm):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    with pytest.raises(services.ImportRefused, match=r"Tệp này thiếu 2 cột \(ngày hẹn trả, mức độ hài lòng\): .*"
                                                      r"Muốn ghi nhận, hãy đánh dấu “Tôi hiểu tệp thiếu các cột trên"):
        services.confirm_batch(batch, actor=officer_a)
    assert Dossier.objects.count() == 0
    services.confirm_batch(batch, actor=officer_a, accept_gaps=True)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and Dossier.objects.count() == 2
    event = AuditEvent.objects.get(action="onestop.batch.confirm", object_id=str(batch.pk))
    assert event.data["accepted_gaps"] == ["due_on", "satisfaction"]


@pytest.mark.django_db
def test_complete_file_needs_no_tick(commune, officer_a, submit):
    batch = submit(commune, "dossiers", dossier_file([dossier_row("T-1", sat="Hài lòng")]), officer_a)
    assert batch.reading["cannot_measure"] == []
    assert services.confirm_batch(batch, actor=officer_a).status == ImportStatus.COMMITTED


# --- mapping, remembered ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_remap_reads_again_stores_profile_and_next_month_is_mapped_automatically(
        commune, officer_a, submit, django_capture_on_commit_callbacks):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    batch = _remap(batch, _full_mapping(batch, G="due_on"), officer_a, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.mapping[str(DUE_COLUMN)] == "due_on"
    assert _column(batch, "G")["field"] == "due_on"
    assert [g["field"] for g in batch.reading["cannot_measure"]] == ["satisfaction"]
    profile = MappingProfile.objects.get()
    assert (profile.unit, profile.shared, profile.signature) == (commune, False, batch.reading["signature"])
    assert profile.headers[str(DUE_COLUMN)] == "Mốc cam kết"
    assert AuditEvent.objects.filter(action="onestop.batch.remap", object_id=str(batch.pk)).exists()
    assert AuditEvent.objects.filter(action="onestop.profile.save").count() == 1
    services.confirm_batch(batch, actor=officer_a, accept_gaps=True)
    # What the preview showed is what was stored: the due dates are there, one dossier late.
    assert Dossier.objects.get(code="VX-001").due_on == D(2023, 3, 5)

    april = submit(commune, "dossiers", odd_file(APRIL), officer_a, name="thang-4.xlsx")
    assert april.status == ImportStatus.READY, april.errors
    assert april.reading["signature"] == batch.reading["signature"]
    assert april.reading["profile"].startswith("cách ghép đã lưu của UBND xã A")
    assert _column(april, "G")["field"] == "due_on"
    services.confirm_batch(april, actor=officer_a, accept_gaps=True)
    assert Dossier.objects.get(code="VX-101").due_on == D(2023, 4, 7)


@pytest.mark.django_db
def test_staff_preset_applies_to_another_unit_below(tree, commune, officer_a, officer_b, staff, submit,
                                                     django_capture_on_commit_callbacks):
    from tests.onestop.helpers import catalog

    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    batch = _remap(batch, _full_mapping(batch, G="due_on"), officer_a, django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowed, match="Chỉ cán bộ thi đua có thẩm quyền"):
        services.share_mapping(batch, actor=officer_a, name="VNPT iGate")
    with pytest.raises(services.ImportRefused, match="Cần đặt tên cho mẫu ghép cột"):
        services.share_mapping(batch, actor=staff, name="  ")
    preset = services.share_mapping(batch, actor=staff, name="VNPT iGate")
    assert (preset.unit, preset.shared, preset.name) == (tree["district"], True, "VNPT iGate")
    assert preset.mapping[str(DUE_COLUMN)] == "due_on"

    catalog(tree["commune_b"])
    other = submit(tree["commune_b"], "dossiers", odd_file([odd_row("VB-1", D(2023, 3, 1), D(2023, 3, 3), None)]),
                   officer_b)
    assert other.reading["profile"] == "VNPT iGate (dùng chung, UBND huyện Thử Nghiệm)"
    assert _column(other, "G")["field"] == "due_on"


@pytest.mark.django_db
def test_remap_refuses_bad_mappings(commune, officer_a, submit):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    with pytest.raises(services.ImportRefused, match=r"Trường “Ngày tiếp nhận” được chọn cho nhiều cột \(F, G\)"):
        services.remap_batch(batch, _full_mapping(batch, G="received_on"), actor=officer_a)
    with pytest.raises(services.ImportRefused, match=r"Chưa có cột cho trường bắt buộc “Mã hồ sơ”"):
        services.remap_batch(batch, _full_mapping(batch, A=""), actor=officer_a)
    with pytest.raises(services.ImportRefused, match=r"Cột G \(“Mốc cam kết”\): trường “nonsense” không có"):
        services.remap_batch(batch, _full_mapping(batch, G="nonsense"), actor=officer_a)
    with pytest.raises(services.ImportRefused, match="Tệp không có cột số 99"):
        services.remap_batch(batch, {"99": "due_on"}, actor=officer_a)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.mapping == {} and not MappingProfile.objects.exists()


@pytest.mark.django_db
def test_remap_refused_after_commit_and_from_the_wrong_unit(commune, officer_a, officer_b, submit):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    with pytest.raises(services.ImportNotAllowed, match="Bạn không có quyền sửa cách ghép cột"):
        services.remap_batch(batch, _full_mapping(batch, G="due_on"), actor=officer_b)
    services.confirm_batch(batch, actor=officer_a, accept_gaps=True)
    batch.refresh_from_db()
    with pytest.raises(services.ImportRefused, match="trạng thái “Đã ghi nhận”, không thể sửa cách ghép cột"):
        services.remap_batch(batch, _full_mapping(batch, G="due_on"), actor=officer_a)


@pytest.mark.django_db
def test_profile_of_the_unit_wins_over_the_shared_preset(tree, commune, officer_a, staff, submit,
                                                         django_capture_on_commit_callbacks):
    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    services.share_mapping(batch, actor=staff, name="Mẫu huyện")  # the reader's guess: G ignored
    batch = _remap(batch, _full_mapping(batch, G="due_on"), officer_a, django_capture_on_commit_callbacks)
    april = submit(commune, "dossiers", odd_file(APRIL), officer_a, name="thang-4.xlsx")
    assert april.reading["profile"].startswith("cách ghép đã lưu của UBND xã A")
    assert _column(april, "G")["field"] == "due_on"


# --- pending dossiers the file does not mention --------------------------------------------------------------


@pytest.mark.django_db
def test_pending_dossiers_from_earlier_months_missing_from_the_file_are_named(commune, officer_a, submit):
    march = submit(commune, "dossiers", dossier_file([
        dossier_row("P-1", received=D(2023, 3, 2), due=D(2023, 3, 20)),
        dossier_row("P-2", received=D(2023, 3, 3), due=D(2023, 3, 21)),
        dossier_row("P-3", received=D(2023, 3, 3), due=D(2023, 3, 9), resolved=D(2023, 3, 8), returned=D(2023, 3, 8)),
    ]), officer_a)
    services.confirm_batch(march, actor=officer_a)
    april = submit(commune, "dossiers", dossier_file([
        dossier_row("P-2", received=D(2023, 3, 3), due=D(2023, 3, 21), resolved=D(2023, 4, 2), returned=D(2023, 4, 2)),
        dossier_row("Q-1", received=D(2023, 4, 4), due=D(2023, 4, 8)),
    ]), officer_a, name="thang-4.xlsx")
    # The file's first month is March (P-2): nothing received before it is pending.
    assert "stale_pending" not in april.counts
    only_april = submit(commune, "dossiers", dossier_file([dossier_row("Q-2", received=D(2023, 4, 4), due=D(2023, 4, 8))]),
                        officer_a, name="chi-thang-4.xlsx")
    assert only_april.counts["stale_pending"] == {"count": 2, "codes": ["P-1", "P-2"], "before": "04/2023"}


@pytest.mark.django_db
def test_a_file_refused_for_a_missing_required_column_can_be_mapped(commune, officer_a, submit,
                                                                   django_capture_on_commit_callbacks):
    """The dossier code under a header nothing matches: the file is refused, but
    its columns are kept so the officer can map the code column, and it is read."""
    headers = ["Ký hiệu riêng", *ODD_HEADERS[1:]]
    batch = submit(commune, "dossiers", xlsx([headers, *MARCH]), officer_a)
    assert batch.status == ImportStatus.INVALID
    assert "Mã hồ sơ" in batch.errors[0]["message"]
    assert _column(batch, "A")["header"] == "Ký hiệu riêng" and _column(batch, "A")["field"] is None
    batch = _remap(batch, _full_mapping(batch, A="code", G="due_on"), officer_a, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.READY, batch.errors
    assert _column(batch, "A")["field"] == "code"
    services.confirm_batch(batch, actor=officer_a, accept_gaps=True)
    assert set(Dossier.objects.values_list("code", flat=True)) == {"VX-001", "VX-002"}
