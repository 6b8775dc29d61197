"""Re-queue award documents that are still queued or failed (e.g. after a worker
outage or a template fix). Each render is one idempotent Celery task."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from awards.services import requeue_documents


class Command(BaseCommand):
    help = "Tạo lại các văn bản khen thưởng còn chờ hoặc bị lỗi."

    def add_arguments(self, parser):
        parser.add_argument("--decision", type=int, help="Chỉ các văn bản của quyết định này")

    def handle(self, *args, decision: int | None = None, **options):
        ids = requeue_documents(decision=decision)
        self.stdout.write(f"Đã đưa {len(ids)} văn bản vào hàng đợi.\n")
