"""Browser test in Debian chromium (issue 13, acceptance 2, accounts): staff create
an officer account for a commune in the portal; the officer signs in with the
temporary password, is made to change it, and uploads a monthly file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from scoring.defaults import ensure_default_indicators
from scoring.onestop.models import ImportBatch
from tests.conftest import DEMO_PASSWORD, login
from tests.onestop.helpers import D, catalog, dossier_file, dossier_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEMPORARY = "Tam-thoi-Dong-Thap-2026"
CHOSEN = "Mat-khau-cua-toi-2026!"


def test_staff_creates_officer_who_signs_in_changes_password_and_uploads(live_server, page, tree, staff, tmp_path):
    ensure_default_indicators()
    commune = tree["commune_a"]
    catalog(commune)

    # Staff of the district create the account in the portal, not the Django admin.
    login(page, live_server, staff.username, DEMO_PASSWORD)
    page.click("nav >> text=Người dùng")
    page.click("text=Tạo tài khoản")
    page.fill("#id_username", "xa.a.vanthu")
    page.fill("#id_full_name", "Trương Thị Hạnh")
    page.select_option("#id_unit", str(commune.pk))
    page.select_option("#id_role", "officer")
    page.fill("#id_temporary_password", TEMPORARY)
    page.click("button:has-text('Tạo tài khoản')")
    assert "Đã tạo tài khoản “xa.a.vanthu”" in page.locator(".messages").inner_text()
    assert "mật khẩu tạm" in page.locator("main").inner_text()
    page.click("button:has-text('Đăng xuất')")

    # The officer signs in and is sent to change the temporary password first.
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "xa.a.vanthu")
    page.fill("#id_password", TEMPORARY)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('password_change')}")
    assert "mật khẩu tạm" in page.locator(".messages").inner_text()
    page.fill("#id_old_password", TEMPORARY)
    page.fill("#id_new_password1", CHOSEN)
    page.fill("#id_new_password2", CHOSEN)
    page.click("button:has-text('Đổi mật khẩu')")
    page.wait_for_url(f"{live_server.url}/")
    assert "Đã đổi mật khẩu" in page.locator(".messages").inner_text()

    # ... and uploads the commune's monthly file.
    data = tmp_path / "ho-so-thang-3.xlsx"
    data.write_bytes(dossier_file([
        dossier_row("HS-101", channel="Trực tuyến", resolved=D(2023, 3, 3), returned=D(2023, 3, 4)),
        dossier_row("HS-102", channel="Trực tiếp", resolved=D(2023, 3, 5), returned=D(2023, 3, 5)),
    ]))
    page.goto(f"{live_server.url}{reverse('onestop:upload_new')}")
    page.select_option("#id_unit", "XA-A")
    page.select_option("#id_kind", "dossiers")
    page.set_input_files("#id_file", str(data))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_selector("#confirm-batch", timeout=60_000)
    assert page.locator("#count-new").inner_text() == "2"
    page.click("#confirm-batch")
    page.wait_for_selector("text=Đã ghi nhận số liệu")

    batch = ImportBatch.objects.get()
    assert (batch.unit, batch.uploaded_by.username) == (commune, "xa.a.vanthu")
    assert set(AuditEvent.objects.filter(object_id=str(batch.uploaded_by.pk), action__startswith="account.")
               .values_list("action", flat=True)) == {"account.create", "account.password_change"}
