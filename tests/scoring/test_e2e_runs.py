"""Browser test in Debian chromium (issue 10, acceptance 5, recompute side):
emulation staff open "Lượt tính lại" from the navigation, see every run of their
scope with its state, progress, duration, attempts and error, and cancel a stuck
one; a run outside their subtree is not listed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from scoring.choices import RunStatus
from scoring.models import RecomputeRun
from scoring.runs import create_run
from tests.conftest import DEMO_PASSWORD, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_see_the_runs_and_cancel_a_stuck_one(live_server, page, tree, staff):
    a, b = tree["commune_a"], tree["commune_b"]
    now = timezone.now()
    done = create_run(unit_ids=[a.pk], months=[datetime.date(2023, 1, 1)], reason="import:1")
    RecomputeRun.objects.filter(pk=done.pk).update(
        status=RunStatus.DONE, attempts=1, progress=100, started_at=now - datetime.timedelta(seconds=75),
        finished_at=now - datetime.timedelta(seconds=12), rows_written=40)
    failed = create_run(unit_ids=[b.pk], months=[datetime.date(2023, 2, 1)], reason="import:2")
    RecomputeRun.objects.filter(pk=failed.pk).update(
        status=RunStatus.FAILED, attempts=3, started_at=now - datetime.timedelta(minutes=9), finished_at=now,
        error="Lượt tính bị dừng đột ngột 3 lần (tiến trình bị tắt, hết bộ nhớ hoặc quá thời gian); đã ngừng thử lại.")
    # Stuck: marked running 40 minutes ago by a worker that no longer exists.
    stuck = create_run(unit_ids=[a.pk, b.pk], months=[datetime.date(2023, 3, 1)], reason="import:3")
    RecomputeRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, attempts=1, progress=0, started_at=now - datetime.timedelta(minutes=40))
    elsewhere = create_run(unit_ids=[tree["department"].pk], months=[datetime.date(2023, 3, 1)], reason="import:4")

    login(page, live_server, staff.username, DEMO_PASSWORD)
    page.click("nav.mainnav >> text=Lượt tính lại")
    page.wait_for_selector("#run-table")
    assert page.locator("h1").inner_text() == "Lượt tính lại chỉ số"
    assert page.locator(f"#run-{elsewhere.pk}").count() == 0  # the department is outside the district
    row = page.locator(f"#run-{done.pk}")
    assert row.locator(".run-status").inner_text() == "Hoàn thành"
    assert row.locator(".run-progress").inner_text() == "100%"
    assert row.locator(".run-duration").inner_text() == "1 phút 03 giây"
    assert row.locator("td[data-label='Lý do']").inner_text() == "Tải lên số liệu #1"  # not "import:1"
    assert row.locator("button.cancel-run").count() == 0
    row = page.locator(f"#run-{failed.pk}")
    assert row.locator(".run-status").inner_text() == "Lỗi"
    assert "bị dừng đột ngột 3 lần" in row.locator(".run-error").inner_text()
    row = page.locator(f"#run-{stuck.pk}")
    assert row.locator(".run-status").inner_text() == "Đang tính"
    assert row.locator(".run-duration").inner_text().startswith("40 phút")
    assert "2 đơn vị thuộc UBND huyện Thử Nghiệm" in row.inner_text()

    row.locator("button.cancel-run").click()
    page.wait_for_selector(f"#run-{stuck.pk}[data-status=cancelled]")
    assert f"Đã huỷ lượt tính lại #{stuck.pk}." == page.locator("ul.messages li.msg-success").inner_text()
    row = page.locator(f"#run-{stuck.pk}")
    assert row.locator(".run-status").inner_text() == "Đã huỷ"
    assert "huỷ bởi Lê Thị Cúc" in row.inner_text()
    assert row.locator("button.cancel-run").count() == 0
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.CANCELLED and stuck.cancelled_by == staff
    assert AuditEvent.objects.filter(action="scoring.run.cancelled", object_id=str(stuck.pk), actor_id=staff.pk).exists()

    # The failed-runs filter the to-do list links to.
    page.select_option("#id_status", RunStatus.FAILED)
    page.click("#run-filter button[type=submit]")
    page.wait_for_url("**status=failed")
    assert page.locator("#run-table tbody tr").count() == 1
