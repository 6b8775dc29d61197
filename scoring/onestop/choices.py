"""Choices of the one-stop facts and the upload workflow's transition map."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến"
    DIRECT = "direct", "Trực tiếp"
    POSTAL = "postal", "Dịch vụ bưu chính công ích"


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không cung cấp trực tuyến"


class ImportKind(models.TextChoices):
    DOSSIERS = "dossiers", "Danh sách hồ sơ (mỗi dòng một hồ sơ)"
    REPORT = "report", "Báo cáo thống kê tháng (mẫu II.06a)"
    CATALOG = "catalog", "Danh mục thủ tục hành chính"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên"
    PARSING = "parsing", "Đang kiểm tra"
    READY = "ready", "Chờ xác nhận"
    INVALID = "invalid", "Có lỗi"
    COMMITTED = "committed", "Đã ghi nhận"
    FAILED = "failed", "Lỗi hệ thống"
    CANCELLED = "cancelled", "Đã hủy"


#: An upload's life: uploaded → parsing → ready → committed (or invalid, failed,
#: cancelled). "parsing → parsing" lets a redelivered parse task start again.
BATCH_TRANSITIONS: dict[str, set[str]] = {
    ImportStatus.UPLOADED: {ImportStatus.PARSING, ImportStatus.CANCELLED, ImportStatus.FAILED},
    # → cancelled: a parse that is stuck or not wanted any more (``services.cancel_batch``).
    ImportStatus.PARSING: {ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED, ImportStatus.PARSING,
                           ImportStatus.CANCELLED},
    # → parsing: the officer changed the column mapping (``services.remap_batch``) and
    # the file is read again on the same path as the first time.
    ImportStatus.READY: {ImportStatus.COMMITTED, ImportStatus.CANCELLED, ImportStatus.INVALID, ImportStatus.PARSING},
    ImportStatus.INVALID: {ImportStatus.PARSING, ImportStatus.CANCELLED},
    ImportStatus.COMMITTED: set(),
    ImportStatus.FAILED: set(),
    ImportStatus.CANCELLED: set(),
}
