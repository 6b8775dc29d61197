"""Celery tasks of the awards app: take ids, call one service, idempotent."""

from __future__ import annotations

from celery import shared_task

from .models import GeneratedDocument
from .services import render_document as render


@shared_task(name="awards.render_document")
def render_document(document_id: int) -> str:
    """Render one queued document to PDF and store it (a done one is left as is)."""
    doc = GeneratedDocument.objects.filter(pk=document_id).first()
    if doc is None:
        return "missing"
    try:
        render(doc)
    except Exception:
        # The failure is stored on the row (shown on the page); do not retry a
        # template or data error forever.
        return "failed"
    return "done"
