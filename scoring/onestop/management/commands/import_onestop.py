"""manage.py import_onestop FILE --unit CODE [--kind dossiers|report|catalog] [--commit [--accept-gaps]] [--user USERNAME]

Runs the same services as the upload page: prints the preview summary, the errors
and what the file cannot measure; with --commit records the data (and requests the
recomputation). A file that cannot measure something (a missing column) is recorded
only with --accept-gaps, the page's tick.
Exit status: 0 valid (or the same file already recorded), 1 invalid file or
refused, 2 bad arguments.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from core.periods import parse_month
from organization.models import Unit
from scoring.onestop import services
from scoring.onestop.models import ImportKind, ImportStatus
from scoring.onestop.preview import summary_text


class Command(BaseCommand):
    help = "Nhập tệp số liệu một cửa (hồ sơ, báo cáo II.06a, danh mục TTHC) cho một đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx, .xls hoặc .ods")
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.DOSSIERS)
        parser.add_argument("--month", help="tháng báo cáo mm/yyyy (báo cáo II.06a không ghi tháng)")
        parser.add_argument("--commit", action="store_true", help="ghi nhận nếu tệp hợp lệ")
        parser.add_argument("--accept-gaps", action="store_true",
                            help="vẫn ghi nhận khi tệp thiếu cột, không đo được một số chỉ số (như dấu chọn trên trang)")
        parser.add_argument("--user", help="tài khoản thực hiện (mặc định: một tài khoản quản trị)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.", returncode=2)
        unit = Unit.objects.filter(code=opts["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {opts['unit']}.", returncode=2)
        users = get_user_model().objects
        if opts["user"]:
            actor = users.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản {opts['user']}.", returncode=2)
        else:
            actor = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError("Cần --user (không có tài khoản quản trị nào).", returncode=2)
        month = None
        if opts["month"]:
            try:
                if "/" not in opts["month"]:
                    raise ValueError(opts["month"])
                month = parse_month(opts["month"])
            except ValueError:
                raise CommandError("--month phải có dạng mm/yyyy.", returncode=2) from None
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            batch = services.create_batch(unit, opts["kind"], upload, actor=actor, month=month, enqueue=False)
        except services.AlreadyImported as exc:
            self.stdout.write(str(exc))
            return
        except services.ImportRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        # Parsed here, in this process, so that the summary can be printed.
        batch = services.parse_batch(batch.pk)
        self.stdout.write(f"Lượt tải số {batch.pk}: {batch.get_status_display()}")
        if batch.counts:
            self.stdout.write(summary_text(batch.kind, batch.counts))
        for err in batch.errors:
            self.stdout.write(err["message"])
        if batch.error_count > len(batch.errors):
            self.stdout.write(f"… và {batch.error_count - len(batch.errors)} lỗi khác.")
        gaps = (batch.reading or {}).get("cannot_measure") or []
        for gap in gaps:
            self.stdout.write(f"Không đo được: {gap['message']}")
        if batch.status != ImportStatus.READY:
            raise CommandError(batch.message or "Tệp không hợp lệ.", returncode=1)
        if not opts["commit"]:
            self.stdout.write("Chưa ghi nhận (thêm --commit để ghi nhận).")
            return
        try:
            batch = services.confirm_batch(batch, actor=actor, accept_gaps=opts["accept_gaps"])
        except services.ImportRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(batch.message)
