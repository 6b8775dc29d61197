"""Celery tasks of the one-stop upload: take ids, call one service, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def parse_batch_task(batch_id: int) -> None:
    # Idempotent: parse_batch leaves a batch alone once it is past "parsing"; a
    # redelivered message (worker lost mid-parse) waits for the parse claim of a
    # still-running delivery, and is counted (parse_attempts): past
    # ONESTOP_PARSE_RETRIES retries the batch fails with the reason instead of
    # killing the next worker. The file itself is read in a limited child process.
    from .services import parse_batch

    parse_batch(batch_id)
