"""Celery tasks of the scoring app. They take ids, call one service and are
idempotent: running one twice (a redelivery after a worker died) gives the same
results, because a recompute replaces its slice of results in one transaction."""

from __future__ import annotations

import datetime

from celery import shared_task

from core.periods import months_between

from .criteria import reevaluate_for
from .reminders import send_upload_reminders as send_reminders
from .runs import execute_run


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_run(run_id: int) -> None:
    # acks_late + reject_on_worker_lost: a worker killed mid-run leaves the message
    # unacknowledged, so the broker hands it to another worker; the previous
    # results stay intact because the run writes in one transaction.
    execute_run(run_id)


@shared_task(ignore_result=True)
def send_upload_reminders(force: bool = False) -> int:
    """E-mail units that have not uploaded last month's data once the reminder day
    has come (idempotent per unit and month: a reminder is sent once)."""
    return send_reminders(force=force)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reevaluate_criteria(unit_ids: list[int], years: list[int]) -> None:
    """Re-evaluate open rounds after yearly index results changed (idempotent)."""
    for year in sorted(set(years)):
        reevaluate_for(unit_ids=list(unit_ids),
                       months=months_between(datetime.date(year, 1, 1), datetime.date(year, 12, 1)))
