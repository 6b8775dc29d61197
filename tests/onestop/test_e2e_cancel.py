"""End to end in Debian chromium: emulation staff find an import stuck "đang kiểm tra"
(its worker died and nothing will finish it) and cancel it from the batch page; the
officer of another commune sees no such button (PostgreSQL only, like the other
browser tests)."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus
from tests.conftest import login
from tests.onestop.helpers import dossier_file, dossier_row, upload

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="browser tests run on PostgreSQL"),
]


def test_staff_cancel_a_stuck_import(tree, officer_a, officer_b, staff, live_server, page, browser):
    batch = services.create_batch(tree["commune_a"], "dossiers", upload(dossier_file([dossier_row("H1")])),
                                  actor=officer_a, enqueue=False)
    # What a worker killed mid-parse, twice, leaves behind.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PARSING, parse_attempts=2, progress=10)
    url = f"{live_server.url}{reverse('onestop:batch_detail', args=[batch.pk])}"

    # Another commune's officer cannot even open it.
    other = browser.new_context(locale="vi-VN").new_page()
    login(other, live_server, officer_b.username)
    assert other.goto(url).status == 404
    other.context.close()

    login(page, live_server, staff.username)
    page.goto(url)
    assert "Đang kiểm tra tệp… 10%" in page.locator("#batch-progress").inner_text()
    assert "lần thứ 2" in page.locator("#parse-attempt").inner_text()
    page.click("#cancel-running")
    page.wait_for_selector("#batch-message")
    assert page.locator("#batch-status").inner_text() == "Đã hủy"
    assert page.locator("#batch-message").inner_text() == "Đã hủy khi tệp đang được đọc; không ghi nhận số liệu nào."
    assert "Đã hủy lượt tải; không có số liệu nào được ghi nhận." in page.content()
    assert page.locator("#cancel-running").count() == 0

    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    event = AuditEvent.objects.get(action="onestop.batch.cancel", object_id=str(batch.pk))
    assert (event.actor_id, event.from_state) == (staff.pk, "parsing")
    assert Dossier.objects.count() == 0
