"""Pages: upload through the form, preview, confirm, history, templates, the
completeness grid (constant queries) and lock actions; wrong-unit access is 404."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organization.choices import Role, UnitKind
from organization.models import Unit
from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus, MonthLock, MonthlyReport
from tests.conftest import make_user
from tests.onestop.helpers import (
    D,
    dossier_file,
    dossier_row,
    report_file,
    report_row,
    upload,
)


@pytest.mark.django_db
def test_upload_preview_confirm_through_the_pages(client, officer_a, commune, django_capture_on_commit_callbacks):
    client.force_login(officer_a)
    bad = dossier_file([dossier_row("H1", due="32/03/2023")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onestop:upload_new"), {"unit": "XA-A", "kind": "dossiers", "file": upload(bad, "loi.xlsx")})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("onestop:batch_detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Dòng 4, cột &#x27;Ngày hẹn trả&#x27;: “32/03/2023” không phải là ngày hợp lệ" in page
    assert "Xác nhận ghi nhận" not in page

    good = dossier_file([dossier_row("H1"), dossier_row("H2", channel="Trực tiếp")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onestop:upload_new"), {"unit": "XA-A", "kind": "dossiers", "file": upload(good, "dung.xlsx")})
    batch = ImportBatch.objects.latest("pk")
    page = client.get(response["Location"]).content.decode()
    assert batch.status == ImportStatus.READY and 'id="count-new">2<' in page and "Xác nhận ghi nhận" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onestop:batch_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert Dossier.objects.count() == 2
    history = client.get(reverse("onestop:upload_list")).content.decode()
    assert "dung.xlsx" in history and "loi.xlsx" in history and batch.file_sha256[:12] in history
    original = client.get(reverse("onestop:batch_file", args=[batch.pk]))
    assert b"".join(original.streaming_content) == good

    # The same file again: a no-op with the date it was recorded.
    response = client.post(reverse("onestop:upload_new"), {"unit": "XA-A", "kind": "dossiers", "file": upload(good, "dung-lai.xlsx")},
                           follow=True)
    assert "Tệp này đã được ghi nhận ngày" in response.content.decode()
    assert ImportBatch.objects.count() == 2


@pytest.mark.django_db
def test_progress_endpoint_polls_then_asks_for_reload(client, officer_a, commune):
    batch = services.create_batch(commune, "dossiers", upload(dossier_file([dossier_row("H1")])), actor=officer_a)
    client.force_login(officer_a)
    page = client.get(reverse("onestop:batch_detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Đang kiểm tra tệp" in page
    assert client.get(reverse("onestop:batch_progress", args=[batch.pk])).status_code == 200
    services.parse_batch(batch.pk)
    response = client.get(reverse("onestop:batch_progress", args=[batch.pk]))
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_other_commune_gets_404_everywhere(client, officer_a, officer_b, commune, submit):
    batch = submit(commune, "dossiers", dossier_file([dossier_row("H1")]), officer_a)
    client.force_login(officer_b)
    for name in ("batch_detail", "batch_progress", "batch_file"):
        assert client.get(reverse(f"onestop:{name}", args=[batch.pk])).status_code == 404, name
    for name in ("batch_confirm", "batch_cancel", "batch_remap", "batch_share_mapping"):
        assert client.post(reverse(f"onestop:{name}", args=[batch.pk])).status_code == 404, name
    assert client.get(reverse("onestop:upload_list") + "?unit=XA-A").status_code == 404
    assert client.get(reverse("completeness") + "?unit=XA-A").status_code == 404
    assert "so-lieu.xlsx" not in client.get(reverse("onestop:upload_list")).content.decode()
    # Posting an upload for commune A as the officer of commune B: refused by the form, nothing created.
    response = client.post(reverse("onestop:upload_new"), {"unit": "XA-A", "kind": "dossiers", "file": upload(dossier_file([dossier_row("X")]))})
    assert response.status_code == 200 and ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY


@pytest.mark.django_db
def test_templates_download_with_instructions_and_validation(client, officer_a):
    client.force_login(officer_a)
    for kind in ("dossiers", "report", "catalog"):
        response = client.get(reverse("onestop:template_download", args=[kind]))
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["Số liệu", "Hướng dẫn"]
        assert wb["Số liệu"].cell(row=3, column=1).value in ("Mã hồ sơ", "Đơn vị", "Mã TTHC")
        assert wb["Số liệu"].data_validations.dataValidation
    assert client.get(reverse("onestop:template_download", args=["khac"])).status_code == 404


@pytest.mark.django_db
def test_completeness_grid_states(client, staff, commune, tree, submit, confirm, officer_a, officer_b):
    confirm(submit(commune, "dossiers", dossier_file([dossier_row("H1")]), officer_a), officer_a)
    zero = report_file([report_row("XA-B", "04/2023", rt=0, ro=0, rdp=0, co=0, st=0, se=0, so=0, sl=0, pt=0, pi=0, po=0)])
    confirm(submit(tree["commune_b"], "report", zero, officer_b), officer_b)
    services.lock_month(commune, D(2023, 5, 1), actor=staff, reason="Đã duyệt")
    client.force_login(staff)
    page = client.get(reverse("completeness") + "?year=2023").content.decode()
    assert MonthlyReport.objects.get().received_total == 0
    import re

    def cell(unit_name: str, month_index: int) -> str:
        row = re.search(rf"<tr><th[^>]*>{unit_name}</th>(.*?)</tr>", page, re.S).group(1)
        return re.findall(r'data-state="([^"]+)"', row)[month_index]

    assert cell("UBND xã A", 2) == "uploaded"
    assert cell("UBND xã B", 3) == "zero"
    assert cell("UBND xã B", 2) == "missing"
    assert cell("UBND xã A", 4) == "missing locked"


@pytest.mark.django_db
def test_completeness_opens_on_the_last_year_with_data(client, staff, commune, tree, submit, confirm, officer_a):
    client.force_login(staff)
    this_year = timezone.localdate().year
    assert f"năm {this_year}" in client.get(reverse("completeness")).content.decode()  # nothing yet
    confirm(submit(commune, "dossiers", dossier_file([dossier_row("H1")]), officer_a), officer_a)  # March 2023
    assert "năm 2023" in client.get(reverse("completeness")).content.decode()
    assert f"năm {this_year}" in client.get(reverse("completeness") + f"?year={this_year}").content.decode()


@pytest.mark.django_db
def test_completeness_constant_queries(client, staff, tree, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("completeness") + "?year=2023"
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(40):
        Unit.objects.create(code=f"XA-N{i}", name=f"UBND xã N{i}", kind=UnitKind.COMMUNE, parent=tree["district"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("UBND xã N") >= 40


@pytest.mark.django_db
def test_lock_form_offers_the_shown_years_months(client, staff, commune):
    client.force_login(staff)
    page = client.get(reverse("completeness") + "?year=2023").content.decode()
    for form_id in ("l-month", "r-month"):
        block = page.split(f'id="{form_id}"', 1)[1].split("</select>", 1)[0]
        assert block.count("<option") == 12 and '<option value="01/2023">01/2023</option>' in block
    client.post(reverse("onestop:month_lock"), {"unit": "XA-A", "month": "12/2023", "reason": "Đã thẩm định",
                                                "root": "XA-A", "year": "2023"})
    assert MonthLock.objects.get().month == D(2023, 12, 1)


@pytest.mark.django_db
def test_lock_and_reopen_through_the_page(client, staff, officer_a, commune):
    client.force_login(officer_a)
    client.post(reverse("onestop:month_lock"), {"unit": "XA-A", "month": "03/2023", "reason": "x"})
    assert MonthLock.objects.count() == 0  # officers do not lock
    client.force_login(staff)
    client.post(reverse("onestop:month_lock"), {"unit": "XA-A", "month": "03/2023", "reason": "Đã thẩm định"})
    assert MonthLock.objects.get().is_locked
    client.post(reverse("onestop:month_reopen"), {"unit": "XA-A", "month": "03/2023", "reason": "Bổ sung"})
    assert not MonthLock.objects.get().is_locked


@pytest.mark.django_db
def test_staff_of_another_district_cannot_lock(client, tree):
    other = Unit.objects.create(code="H-KHAC", name="Huyện khác", kind=UnitKind.DISTRICT, parent=tree["province"])
    other_staff = make_user("thidua_khac", other, Role.STAFF)
    client.force_login(other_staff)
    client.post(reverse("onestop:month_lock"), {"unit": "XA-A", "month": "03/2023", "reason": "x"})
    assert MonthLock.objects.count() == 0


# --- the preview of issue 15: reading, mapping, what the file cannot measure -----------------------------


@pytest.mark.django_db
def test_preview_page_shows_mapping_and_gaps_and_confirms_only_with_the_tick(
        client, officer_a, commune, submit, django_capture_on_commit_callbacks):
    from scoring.onestop.models import MappingProfile
    from tests.onestop.test_preview import DUE_COLUMN, MARCH, odd_file

    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a, name="vnpt.xlsx")
    client.force_login(officer_a)
    url = reverse("onestop:batch_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'id="mapping-table"' in page and "Mốc cam kết" in page and "05/03/2023" in page
    assert "tháng 03/2023 (từ 01/03/2023 đến 02/03/2023) — theo ngày tiếp nhận của 2 hồ sơ" in page
    assert f'name="col_{DUE_COLUMN}"' in page and "— bỏ qua —" in page
    assert "Tệp này không đo được" in page
    assert "Không có cột ngày hẹn trả: không tính được tỷ lệ đúng hạn, số hồ sơ trễ hạn" in page
    assert 'id="accept-gaps"' in page and "Tôi hiểu tệp thiếu các cột trên" in page
    # Without the tick the service refuses (the page's "required" is only a convenience).
    response = client.post(reverse("onestop:batch_confirm", args=[batch.pk]), follow=True)
    assert "hãy đánh dấu “Tôi hiểu tệp thiếu các cột trên" in response.content.decode()
    assert Dossier.objects.count() == 0

    form = {f"col_{c['index']}": c["field"] or "" for c in batch.reading["columns"]}
    form[f"col_{DUE_COLUMN}"] = "due_on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onestop:batch_remap", args=[batch.pk]), form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu cách ghép cột" in page
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and MappingProfile.objects.filter(unit=commune).count() == 1
    assert "Không có cột ngày hẹn trả" not in page and "Không có cột mức độ hài lòng" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onestop:batch_confirm", args=[batch.pk]), {"accept_gaps": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and Dossier.objects.get(code="VX-001").due_on == D(2023, 3, 5)


@pytest.mark.django_db
def test_mapping_form_refusal_is_shown(client, officer_a, commune, submit):
    from tests.onestop.test_preview import MARCH, odd_file

    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    client.force_login(officer_a)
    form = {f"col_{c['index']}": c["field"] or "" for c in batch.reading["columns"]}
    form["col_6"] = "received_on"
    page = client.post(reverse("onestop:batch_remap", args=[batch.pk]), form, follow=True).content.decode()
    assert "Trường “Ngày tiếp nhận” được chọn cho nhiều cột (F, G)" in page
    form["col_6"] = "no_such_field"
    response = client.post(reverse("onestop:batch_remap", args=[batch.pk]), form)
    assert response.status_code == 400 and "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_only_staff_see_and_use_the_share_form(client, officer_a, staff, commune, submit):
    from scoring.onestop.models import MappingProfile
    from tests.onestop.test_preview import MARCH, odd_file

    batch = submit(commune, "dossiers", odd_file(MARCH), officer_a)
    url = reverse("onestop:batch_detail", args=[batch.pk])
    client.force_login(officer_a)
    assert 'id="share-mapping"' not in client.get(url).content.decode()
    page = client.post(reverse("onestop:batch_share_mapping", args=[batch.pk]), {"name": "VNPT iGate"}, follow=True)
    assert "Chỉ cán bộ thi đua có thẩm quyền" in page.content.decode() and not MappingProfile.objects.exists()
    client.force_login(staff)
    assert 'id="share-mapping"' in client.get(url).content.decode()
    page = client.post(reverse("onestop:batch_share_mapping", args=[batch.pk]), {"name": "VNPT iGate"}, follow=True)
    assert "Đã chia sẻ cách ghép cột “VNPT iGate”" in page.content.decode()
    assert MappingProfile.objects.get().shared


@pytest.mark.django_db
def test_stale_pending_dossiers_are_named_on_the_page(client, officer_a, commune, submit):
    march = submit(commune, "dossiers", dossier_file([dossier_row("P-1", received=D(2023, 3, 2), due=D(2023, 3, 20))]),
                   officer_a)
    services.confirm_batch(march, actor=officer_a)
    april = submit(commune, "dossiers", dossier_file([dossier_row("Q-1", received=D(2023, 4, 4), due=D(2023, 4, 8))]),
                   officer_a, name="thang-4.xlsx")
    client.force_login(officer_a)
    page = client.get(reverse("onestop:batch_detail", args=[april.pk])).content.decode()
    assert "1 hồ sơ đang giải quyết từ các tháng trước 04/2023 không có trong tệp: vẫn tính là đang giải quyết, " \
           "có thể trở thành quá hạn" in page
    assert "<code>P-1</code>" in page



@pytest.mark.django_db
def test_unsure_columns_are_flagged_with_their_candidates(client, officer_a, commune, submit):
    """"Kết quả" resembles several fields and is mapped to none; "Ngày hẹn" is mapped
    by resemblance, not by an exact wording: both are flagged, the exact ones are not."""
    from tests.onestop.helpers import xlsx

    headers = ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn", "Kết quả"]
    data = xlsx([headers, ["U-1", "1.001", "Trực tuyến", D(2023, 3, 1), D(2023, 3, 5), "Đạt"]])
    batch = submit(commune, "dossiers", data, officer_a)
    client.force_login(officer_a)
    page = client.get(reverse("onestop:batch_detail", args=[batch.pk])).content.decode()
    rows = page.split('id="mapping-table"')[1].split("</table>")[0].split("<tr")[2:]
    flagged = {r.split("<td>")[1].split("</td>")[0] for r in rows if "Chưa chắc chắn" in r}
    assert flagged == {"E", "F"}, flagged
    assert '<option value="due_on" selected>' in rows[4]
    assert "Chưa chắc chắn: có thể là Ngày trả kết quả, Ngày tiếp nhận" in rows[4]
    assert '<option value="" selected>' in rows[5] and "Chưa chắc chắn: có thể là Mức độ hài lòng" in rows[5]


def test_upload_form_preselects_the_officers_unit_and_offers_the_open_campaigns_months(client, officer_a, tree):
    """Trial finding 11: a commune officer's unit is chosen already; the months reach
    back to the start of an open campaign the officer sees (a 2023 campaign still takes
    2023 figures), 24 months at least, and a closed or another district's campaign does
    not lengthen the list."""
    from campaigns.choices import CampaignKind, CampaignStatus
    from campaigns.models import Campaign
    from core.periods import add_months, month_key

    def months() -> list[str]:
        html = client.get(reverse("onestop:upload_new")).content.decode()
        assert '<option value="XA-A" selected>' in html
        select = html.split('name="month"', 1)[1].split("</select>", 1)[0]
        return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]

    client.force_login(officer_a)
    this_month = timezone.localdate().replace(day=1)
    assert months() == [month_key(add_months(this_month, -i)) for i in range(24)]
    start = add_months(this_month, -40)
    other = Unit.objects.create(code="H-KHAC", name="UBND huyện Khác", kind=UnitKind.DISTRICT, parent=tree["province"])
    for code, issuer, status, day in (("khac", other, CampaignStatus.LAUNCHED, add_months(start, -12)),
                                      ("cu", tree["district"], CampaignStatus.CLOSED, add_months(start, -24)),
                                      ("mo", tree["district"], CampaignStatus.LAUNCHED, start.replace(day=15))):
        Campaign.objects.create(code=code, title=f"Phong trào {code}", kind=CampaignKind.IMPROVEMENT, issuing_unit=issuer,
                                status=status, start_date=day, end_date=add_months(this_month, 6))
    offered = months()
    assert len(offered) == 41 and offered[-1] == month_key(start)
