"""Re-queue award documents that are still queued or failed (e.g. after a worker
outage or a template fix). Each render is one idempotent Celery task."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from awards.choices import DocumentStatus
from awards.models import GeneratedDocument
from awards.tasks import render_document


class Command(BaseCommand):
    help = "Tạo lại các văn bản khen thưởng còn chờ hoặc bị lỗi."

    def add_arguments(self, parser):
        parser.add_argument("--decision", type=int, help="Chỉ các văn bản của quyết định này")

    def handle(self, *args, decision: int | None = None, **options):
        docs = GeneratedDocument.objects.filter(status__in=[DocumentStatus.QUEUED, DocumentStatus.FAILED])
        if decision:
            docs = docs.filter(decision_id=decision)
        ids = list(docs.values_list("id", flat=True))
        for pk in ids:
            GeneratedDocument.objects.filter(pk=pk, status=DocumentStatus.FAILED).update(status=DocumentStatus.QUEUED, error="")
            render_document.delay(pk)
        self.stdout.write(f"Đã đưa {len(ids)} văn bản vào hàng đợi.\n")
