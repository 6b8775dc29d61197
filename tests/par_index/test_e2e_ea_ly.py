"""Browser test (Debian chromium): acceptance 2 of issue 5 through the pages."""

from __future__ import annotations

import pytest

from campaigns.demo import DEMO_PASSWORD, load_base
from par_index import demo
from par_index.models import Assessment
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, DEMO_PASSWORD)


def test_ea_ly_2022_self_assessment_through_appraisal_to_par_index(live_server, page):
    load_base()
    demo.load()
    a21 = Assessment.objects.get(unit__code="PY-SONGHINH-EALY", framework__year=2021)
    a22 = Assessment.objects.get(unit__code="PY-SONGHINH-EALY", framework__year=2022)
    base = f"{live_server.url}/chi-so-cchc"

    _as(page, live_server, "ealy.canbo")
    page.goto(f"{base}/danh-gia/{a21.pk}/")
    assert page.locator("#tong-tham-dinh").inner_text() == "72,775"
    assert page.locator("#xep-loai").inner_text() == "Khá"
    page.goto(f"{base}/danh-gia/{a22.pk}/")
    page.click("#gui-tham-dinh")
    assert page.locator("#trang-thai").inner_text() == "Đã gửi thẩm định"

    _as(page, live_server, "songhinh.thidua")
    page.goto(f"{base}/danh-gia/{a22.pk}/tham-dinh/")
    page.click("#chap-nhan")
    page.check("[aria-label='Trả lại 7.3.1']")
    page.fill("[aria-label='Lý do trả lại 7.3.1']", "Chưa có số liệu TTHC mức độ 3, 4 phát sinh hồ sơ")
    page.click("#tra-lai")
    assert page.locator("#trang-thai").inner_text() == "Bị trả lại để bổ sung"

    _as(page, live_server, "ealy.canbo")
    page.goto(f"{base}/danh-gia/{a22.pk}/")
    assert "Chưa có số liệu TTHC mức độ 3, 4" in page.locator("#tra-lai").inner_text()
    assert page.locator("[aria-label='Điểm tự chấm 1.1.1']").count() == 0
    page.fill("[aria-label='Điểm tự chấm 7.3.1']", "1,5")
    page.fill("[aria-label='Giải trình 7.3.1']", "Bổ sung báo cáo số liệu dịch vụ công trực tuyến")
    page.click("#luu-tu-cham")
    page.click("#gui-lai")
    assert page.locator("#trang-thai").inner_text() == "Đã gửi lại sau bổ sung"

    _as(page, live_server, "songhinh.thidua")
    page.goto(f"{base}/danh-gia/{a22.pk}/tham-dinh/")
    page.fill("[aria-label='Điểm thẩm định 7.3.1']", "1,25")
    page.click("#hoan-tat")
    assert page.locator("#trang-thai").inner_text() == "Đã hoàn tất thẩm định"
    par = page.locator("#par-index").inner_text()
    assert "Chỉ số PAR INDEX năm 2022" in par and "năm 2021: 72,78 điểm, hạng 2" in par and "tăng 1 bậc" in par
