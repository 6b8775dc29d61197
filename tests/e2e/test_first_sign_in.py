"""Browser test in Debian chromium: an officer signs in and opens a seed campaign."""

from __future__ import annotations

import pytest

from campaigns.demo import DEMO_PASSWORD, load_base
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_opens_tam_nong(live_server, page, tmp_path):
    load_base()
    login(page, live_server, "tamnong.xa.phucuong", DEMO_PASSWORD)
    assert page.locator("h1").inner_text().startswith("Xin chào")
    page.click("text=Phong trào")
    page.click("text=Tăng cường thực hiện các giải pháp")
    page.wait_for_selector("#dot-xet")
    body = page.locator("main").inner_text()
    assert "Nội dung 1" in body and "Nội dung 2" in body
    assert "Không quá 03 cá nhân có thành tích tiêu biểu, xuất sắc" in body
    assert "Từ 01/03/2023 đến hết ngày 31/10/2023" in body
    # The officer's own commune is listed; other communes' participations are not.
    assert "UBND xã Phú Cường" in page.locator("#doi-tuong").inner_text()
    assert "UBND xã An Long" not in page.locator("#doi-tuong").inner_text()
    page.screenshot(path=str(tmp_path / "tam-nong.png"), full_page=True)
    assert (tmp_path / "tam-nong.png").stat().st_size > 10_000


def test_wrong_password_shows_vietnamese_error(live_server, page):
    load_base()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "tamnong.xa.phucuong")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.locator("main").inner_text()
