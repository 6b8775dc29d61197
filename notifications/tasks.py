"""Celery tasks of the notifications app: take ids, call one service, idempotent."""

from __future__ import annotations

from celery import shared_task

from .services import send_daily_digests as send_digests
from .services import send_emails


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail the given notifications now (those whose recipient chose immediate
    e-mail and that were not e-mailed yet)."""
    return send_emails(notification_ids)


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Each morning: one digest e-mail per user who chose the daily digest."""
    return send_digests()
