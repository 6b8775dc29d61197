"""Celery tasks of the scoring app. They take ids, call one service and are
idempotent: a redelivered message of a finished run does nothing, one of a run
whose worker died starts it again (see ``scoring.runs`` for claims, the writers'
lock, retries and the attempt limit; README "Worker" for the broker settings)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import transaction

from core.periods import months_between

from .criteria import reevaluate_campaign, reevaluate_for
from .reminders import send_upload_reminders as send_reminders
from .runs import execute_run, orphaned_runs, serialize_writers

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_run(run_id: int) -> None:
    # acks_late + reject_on_worker_lost: a worker killed mid-run leaves the message
    # unacknowledged (the broker hands it out again after the visibility timeout),
    # a pool child killed mid-run (out of memory) has it re-queued at once; either
    # way the previous results stay intact because the run writes in one
    # transaction, and execute_run counts the starts so a run that kills its
    # worker every time ends failed instead of looping.
    execute_run(run_id)


@shared_task(ignore_result=True)
def requeue_orphaned_runs() -> int:
    """Beat job (every minute): send again the runs marked running that no live
    process executes — their worker died after a duplicate delivery had already
    acknowledged the message, so no redelivery would come. Returns how many."""
    orphans = orphaned_runs()
    for run_id in orphans:
        log.warning("Recompute run %s is orphaned (its worker died): queued again", run_id)
        recompute_run.delay(run_id)
    return len(orphans)


@shared_task(ignore_result=True)
def send_upload_reminders(force: bool = False) -> int:
    """E-mail units that have not uploaded last month's data once the reminder day
    has come (idempotent per unit and month: a reminder is sent once)."""
    return send_reminders(force=force)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reevaluate_criteria(unit_ids: list[int], years: list[int]) -> None:
    """Re-evaluate open rounds after yearly index results changed (idempotent).
    Takes the recompute runs' writers' lock: both write criterion results."""
    with transaction.atomic():
        serialize_writers()
        for year in sorted(set(years)):
            reevaluate_for(unit_ids=list(unit_ids),
                           months=months_between(datetime.date(year, 1, 1), datetime.date(year, 12, 1)))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reevaluate_campaign_task(campaign_id: int) -> None:
    """Re-evaluate a campaign's open rounds after staff changed its configuration
    (idempotent). Takes the writers' lock like every writer of criterion results."""
    with transaction.atomic():
        serialize_writers()
        reevaluate_campaign(campaign_id)
