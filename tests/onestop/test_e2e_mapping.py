"""Browser test (Debian chromium, PostgreSQL), acceptance 3 of issue 15, on a phone-
sized screen (390 px): an officer uploads a vendor's dossier export with one column
nothing recognises (the due date under "Mốc cam kết") and one column missing (no
satisfaction), sees the mapping table and what the file cannot measure, maps the
column, ticks and confirms; next month's file with the same headers is mapped
automatically and the page says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scoring.onestop.models import Dossier, ImportBatch, ImportStatus, MappingProfile
from tests.conftest import DEMO_PASSWORD, login
from tests.onestop.helpers import catalog
from tests.onestop.test_preview import APRIL, DUE_COLUMN, MARCH, odd_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _upload(page, live_server, path) -> None:
    page.goto(f"{live_server.url}{reverse('onestop:upload_new')}")
    page.select_option("#id_unit", "XA-A")
    page.select_option("#id_kind", "dossiers")
    page.set_input_files("#id_file", str(path))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_selector("#mapping-table")


def _assert_fits_the_phone(page) -> None:
    """The page does not scroll sideways; the mapping table scrolls inside its own box."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], f"page is {page_width}px wide on a {PHONE['width']}px screen"
    box = page.locator(".mapping-wrap")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'auto'")


def test_officer_maps_an_unrecognised_column_and_next_month_is_mapped_automatically(
        tree, officer_a, live_server, phone, tmp_path):
    page = phone
    catalog(tree["commune_a"])
    march, april = tmp_path / "vnpt-thang-3.xlsx", tmp_path / "vnpt-thang-4.xlsx"
    march.write_bytes(odd_file(MARCH))
    april.write_bytes(odd_file(APRIL))
    login(page, live_server, officer_a.username, DEMO_PASSWORD)

    # 1. The preview: the column as found, "bỏ qua", its samples; what the file cannot measure.
    _upload(page, live_server, march)
    select = page.locator(f"select[name=col_{DUE_COLUMN}]")
    row = page.locator("#mapping-table tbody tr", has=select)
    assert "Mốc cam kết" in row.inner_text() and "05/03/2023" in row.inner_text()
    assert select.input_value() == ""  # bỏ qua
    # Each mapping select is at least 14rem wide on the phone, enough for a field's name (trial finding 5:
    # they were cut to "Mã…"); the table scrolls inside its box instead (_assert_fits_the_phone).
    widths = page.eval_on_selector_all("#mapping-table select", "ss => ss.map(s => s.getBoundingClientRect().width)")
    assert widths and min(widths) >= 14 * 16, widths
    gaps = page.locator("#cannot-measure").inner_text()
    assert "Không có cột ngày hẹn trả: không tính được tỷ lệ đúng hạn, số hồ sơ trễ hạn" in gaps
    assert "Không có cột mức độ hài lòng" in gaps
    _assert_fits_the_phone(page)

    # 2. The officer maps the column to its field; the file is read again.
    select.select_option("due_on")
    page.click("#remap")
    page.wait_for_selector("#confirm-batch")
    assert "Đã lưu cách ghép cột" in page.locator(".messages").inner_text()
    assert page.locator(f"select[name=col_{DUE_COLUMN}]").input_value() == "due_on"
    gaps = page.locator("#cannot-measure").inner_text()
    assert "ngày hẹn trả" not in gaps and "Không có cột mức độ hài lòng" in gaps

    # 3. Confirming needs the tick (the box is required, and the service insists too).
    page.check("#accept-gaps")
    page.click("#confirm-batch")
    page.wait_for_selector("text=Đã ghi nhận số liệu")
    assert page.locator("#batch-status").inner_text() == "Đã ghi nhận"
    assert Dossier.objects.get(code="VX-001").due_on.isoformat() == "2023-03-05"
    assert MappingProfile.objects.filter(unit=tree["commune_a"], shared=False).count() == 1

    # 4. Next month, same headers: mapped automatically, and the page says so.
    _upload(page, live_server, april)
    assert page.locator("#profile-applied").inner_text().startswith("Đã áp dụng cách ghép cột đã lưu:")
    assert page.locator(f"select[name=col_{DUE_COLUMN}]").input_value() == "due_on"
    assert "ngày hẹn trả" not in page.locator("#cannot-measure").inner_text()
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.READY and batch.file_name == "vnpt-thang-4.xlsx"
    _assert_fits_the_phone(page)
