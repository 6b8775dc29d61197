"""Celery tasks of the one-stop upload: take ids, call one service, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def parse_batch_task(batch_id: int) -> None:
    # Idempotent: parse_batch leaves a batch alone once it is past "parsing", so a
    # redelivered message (worker lost mid-parse) parses at most once more.
    from .services import parse_batch

    parse_batch(batch_id)
