"""Recompute runs as services (issue 10): cancel (rules, audit, wrong unit), a
cancelled or finished run skipped when delivered, merging of covered queued runs,
the attempt limit of a run whose worker keeps dying, and lost races retried with
backoff then failed with the reason (PostgreSQL: a second session holds the
writers' lock)."""

from __future__ import annotations

import datetime
import threading

import psycopg
import pytest
from django.db import connection

from audit.models import AuditEvent
from core.errors import NotAllowed
from scoring import runs
from scoring.choices import RunStatus
from scoring.elements import MONTHLY_CODES
from scoring.errors import ScoringError
from scoring.models import RecomputeRun, UnitMonthData
from tests.conftest import make_user

from .conftest import make_dossiers

JAN, FEB = datetime.date(2023, 1, 1), datetime.date(2023, 2, 1)
only_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="advisory locks between two sessions: PostgreSQL")


def _values() -> list[tuple]:
    return list(UnitMonthData.objects.order_by("unit_id", "month").values_list("unit_id", "month", *MONTHLY_CODES))


@pytest.fixture
def facts(tree, indicators):
    make_dossiers(tree["commune_a"], JAN, online=2, direct=1)
    make_dossiers(tree["commune_b"], FEB, online=1, direct=3)
    return tree


def test_staff_cancel_a_stuck_run_and_its_delivery_is_skipped(facts, staff, officer_a):
    a = facts["commune_a"]
    run = runs.create_run(unit_ids=[a.pk], months=[JAN], reason="import:1")
    assert run.scope == a
    RecomputeRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=1)  # its worker died
    run.refresh_from_db()
    with pytest.raises(NotAllowed, match="Chỉ cán bộ thi đua quản lý mọi đơn vị"):
        runs.cancel_run(run, actor=officer_a)
    runs.cancel_run(run, actor=staff)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.cancelled_by == staff and run.finished_at
    event = AuditEvent.objects.get(action="scoring.run.cancelled", object_id=str(run.pk))
    assert (event.actor_id, event.from_state, event.to_state, event.unit_id) == (staff.pk, "running", "cancelled", a.pk)
    assert runs.execute_run(run.pk) == runs.SKIPPED  # the redelivered message does nothing
    assert _values() == []
    with pytest.raises(ScoringError, match="đã ở trạng thái “Đã huỷ”, không huỷ được"):
        runs.cancel_run(run, actor=staff)


def test_wrong_unit_staff_cannot_cancel_and_whole_system_runs_need_the_top(facts, staff):
    elsewhere = make_user("thidua_so", facts["department"], "staff")
    province_staff = make_user("thidua_tinh", facts["province"], "staff")
    run = runs.create_run(unit_ids=[facts["commune_a"].pk, facts["commune_b"].pk], months=[JAN])
    assert run.scope == facts["district"]
    with pytest.raises(NotAllowed, match="Chỉ cán bộ thi đua quản lý mọi đơn vị"):
        runs.cancel_run(run, actor=elsewhere)
    assert list(RecomputeRun.objects.for_user(elsewhere)) == []
    full = runs.create_run(reason="toàn bộ")
    assert full.scope is None
    with pytest.raises(NotAllowed, match="Chỉ cán bộ thi đua quản lý mọi đơn vị"):
        runs.cancel_run(full, actor=staff)  # a district's staff: not the whole tree
    assert set(RecomputeRun.objects.for_user(staff)) == {run}
    runs.cancel_run(full, actor=province_staff)
    assert set(RecomputeRun.objects.for_user(province_staff)) == {run, full}
    full.refresh_from_db()
    assert full.status == RunStatus.CANCELLED


def test_a_run_merges_the_queued_runs_it_covers(facts):
    a, b = facts["commune_a"], facts["commune_b"]
    small = runs.create_run(unit_ids=[a.pk], months=[JAN], reason="import:1")
    other_month = runs.create_run(unit_ids=[a.pk], months=[datetime.date(2022, 6, 1)], reason="import:2")
    full = runs.create_run(reason="toàn bộ")
    assert runs.execute_run(full.pk) == runs.DONE
    small.refresh_from_db()
    other_month.refresh_from_db()
    assert (small.status, small.merged_into_id) == (RunStatus.DONE, full.pk)
    # June 2022 has no facts: the full run does not rewrite it, so that run still has to run.
    assert (other_month.status, other_month.merged_into_id) == (RunStatus.QUEUED, None)
    assert runs.execute_run(small.pk) == runs.SKIPPED
    small.refresh_from_db()
    assert small.attempts == 0
    assert {(u, m) for u, m, *_ in _values()} == {(a.pk, JAN), (b.pk, FEB)}


def test_a_run_whose_worker_keeps_dying_ends_failed(facts, settings):
    settings.SCORING_RUN_MAX_ATTEMPTS = 3
    run = runs.create_run(unit_ids=[facts["commune_a"].pk], months=[JAN])
    # The state a killed worker leaves: running, no live claim. Below the limit the
    # redelivery starts it again…
    RecomputeRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=2)
    assert runs.execute_run(run.pk) == runs.DONE
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (RunStatus.DONE, 3, "")
    # … at the limit it is failed with the reason instead of killing the next worker.
    again = runs.create_run(unit_ids=[facts["commune_a"].pk], months=[JAN])
    RecomputeRun.objects.filter(pk=again.pk).update(status=RunStatus.RUNNING, attempts=3)
    before = _values()
    assert runs.execute_run(again.pk) == runs.SKIPPED
    again.refresh_from_db()
    assert again.status == RunStatus.FAILED and "bị dừng đột ngột 3 lần" in again.error
    assert _values() == before


def _hold_writers_lock(seconds: float | None) -> tuple[psycopg.Connection, threading.Event]:
    """A second session holding the writers' lock (released after ``seconds``, or at the end)."""
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")},
                            autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s, 0)", [runs.SERIAL_LOCK])
    released = threading.Event()
    if seconds is not None:
        def release() -> None:
            other.execute("SELECT pg_advisory_unlock(%s, 0)", [runs.SERIAL_LOCK])
            released.set()
        threading.Timer(seconds, release).start()
    return other, released


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_run_that_loses_a_race_is_retried_with_backoff(tree, indicators, settings):
    settings.SCORING_RUN_LOCK_WAIT, settings.SCORING_RUN_RETRY_BACKOFF = 1, 1
    make_dossiers(tree["commune_a"], JAN, online=2)
    run = runs.create_run(unit_ids=[tree["commune_a"].pk], months=[JAN])
    other, released = _hold_writers_lock(1.5)
    try:
        assert runs.execute_run(run.pk) == runs.DONE
        assert released.is_set()
    finally:
        other.close()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)
    assert AuditEvent.objects.filter(object_id=str(run.pk), action="scoring.run.running").count() == 2
    assert [(u, m, v) for u, m, v in UnitMonthData.objects.values_list("unit_id", "month", "received_online")] == [
        (tree["commune_a"].pk, JAN, 2)]


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_run_that_keeps_losing_ends_failed_with_the_reason(tree, indicators, settings):
    settings.SCORING_RUN_LOCK_WAIT, settings.SCORING_RUN_RETRY_BACKOFF, settings.SCORING_RUN_MAX_ATTEMPTS = 1, 0, 2
    make_dossiers(tree["commune_a"], JAN, online=2)
    run = runs.create_run(unit_ids=[tree["commune_a"].pk], months=[JAN])
    other, _ = _hold_writers_lock(None)
    try:
        with pytest.raises(Exception, match="lock timeout"):
            runs.execute_run(run.pk)
    finally:
        other.close()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.attempts == 2
    assert run.error.startswith("Thua tranh chấp (chờ khoá quá lâu) 2 lần; đã ngừng thử lại.")
    assert UnitMonthData.objects.count() == 0



def test_runs_page_and_cancel_view_are_scoped(client, facts, staff, officer_a):
    from django.urls import reverse

    elsewhere = make_user("thidua_so", facts["department"], "staff")
    run = runs.create_run(unit_ids=[facts["commune_a"].pk], months=[JAN], reason="import:7")
    client.force_login(officer_a)
    assert client.get(reverse("scoring:runs")).status_code == 403  # officers: no runs page
    client.force_login(elsewhere)
    assert f"run-{run.pk}" not in client.get(reverse("scoring:runs")).content.decode()
    assert client.post(reverse("scoring:cancel_run", args=[run.pk])).status_code == 404  # outside their subtree
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    client.force_login(staff)
    page = client.get(reverse("scoring:runs")).content.decode()
    assert f'id="run-{run.pk}"' in page and "cancel-run" in page
    response = client.post(reverse("scoring:cancel_run", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_orphaned_runs_are_those_nobody_claims(tree, indicators):
    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    dead = runs.create_run(unit_ids=[tree["commune_a"].pk], months=[JAN])
    alive = runs.create_run(unit_ids=[tree["commune_b"].pk], months=[JAN])
    RecomputeRun.objects.filter(pk__in=[dead.pk, alive.pk]).update(status=RunStatus.RUNNING, attempts=1,
                                                                   started_at=long_ago)
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")},
                            autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [runs.CLAIM_LOCK, alive.pk])  # a live worker's claim
        assert runs.orphaned_runs() == [dead.pk]
        assert runs.execute_run(alive.pk) == runs.SKIPPED  # a duplicate delivery of the live run
    finally:
        other.close()
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == (RunStatus.RUNNING, 1)


def test_reason_label_names_an_upload_in_vietnamese_and_keeps_other_reasons():
    assert runs.reason_label("import:110") == "Tải lên số liệu #110"
    assert runs.reason_label("Tính lại toàn bộ") == "Tính lại toàn bộ"
    assert runs.reason_label("import:") == "import:"
