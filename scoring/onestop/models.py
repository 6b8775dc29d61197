"""Facts from the one-stop-shop software (Một cửa điện tử / Cổng DVC), per unit.

Three upload kinds feed these tables: the per-dossier export (``Dossier``), the
monthly statistical report of form II.06a (``MonthlyReport``) and the procedure
catalogue (``Procedure``). Every upload is an ``ImportBatch``: parsed and
validated first, committed in one transaction only when the officer confirms.

Zero is not blank: optional counts are nullable, and "not reported" is NULL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.files import unguessable_name
from organization.models import Unit
from organization.scope import ScopedQuerySet

from .choices import Channel, ImportKind, ImportStatus, OnlineLevel

__all__ = [
    "Channel", "Dossier", "ImportBatch", "ImportKind", "ImportStatus", "MappingProfile", "MonthLock", "MonthlyReport",
    "OnlineLevel", "Procedure", "ValueTerm", "VocabularyDomain",
]


class Procedure(models.Model):
    """An administrative procedure (TTHC) in a unit's catalogue."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="procedures")
    code = models.CharField("mã TTHC", max_length=60)
    name = models.CharField("tên TTHC", max_length=500)
    field = models.CharField("lĩnh vực", max_length=200, blank=True)
    online_level = models.CharField("mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    fee_bearing = models.BooleanField("có phí, lệ phí", default=False)
    postal_enabled = models.BooleanField("triển khai qua bưu chính công ích", default=True)
    # False for a procedure registered from a dossier file because the unit had no
    # catalogue entry for its code (issue 15): it counts, but staff should confirm it
    # by importing the catalogue, which sets it back to True.
    is_confirmed = models.BooleanField(
        "đã xác nhận", default=True,
        help_text="Sai khi thủ tục được tự thêm từ tệp hồ sơ (chưa có trong danh mục đã nhập).",
    )
    last_batch = models.ForeignKey("ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "danh mục thủ tục hành chính"
        unique_together = [("unit", "code")]
        ordering = ["unit", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Dossier(models.Model):
    """One hồ sơ. It appears in several monthly exports as its status changes:
    upserted by ``code``, the latest state wins, it is never counted twice."""

    # Unique through a constraint rather than unique=True: on PostgreSQL the latter
    # adds a second, varchar_pattern_ops index for LIKE queries, which nothing runs
    # on dossier codes and which costs a third of a 100,000-row import's insert time.
    code = models.CharField("mã hồ sơ", max_length=80)
    # No single-column index on unit: the (unit, received_on) index serves every
    # lookup by unit, and each index costs time on a 100,000-row import.
    # On PostgreSQL the constraint is enforced by statement-level triggers instead of
    # the row-by-row foreign key (migration 0005 says why and how).
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị tiếp nhận", on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    procedure_code = models.CharField("mã TTHC", max_length=60, blank=True)
    procedure_name = models.CharField("tên TTHC", max_length=500, blank=True)
    field = models.CharField("lĩnh vực", max_length=200, blank=True)
    channel = models.CharField("kênh thực hiện", max_length=10, choices=Channel.choices)
    online_level = models.CharField("mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices, blank=True)
    # No single-column index either: every query on dossiers filters by unit (the
    # (unit, received_on) index), and the one that does not (the months that have
    # facts) also reads resolved_on, so it scans the table anyway.
    received_on = models.DateField("ngày tiếp nhận")
    due_on = models.DateField("ngày hẹn trả", null=True, blank=True)
    resolved_on = models.DateField("ngày giải quyết xong", null=True, blank=True)
    returned_on = models.DateField("ngày trả kết quả", null=True, blank=True)
    status = models.CharField("trạng thái hồ sơ", max_length=100, blank=True)
    fee_bearing = models.BooleanField("có nghĩa vụ tài chính", default=False)
    paid_online = models.BooleanField("thanh toán trực tuyến", default=False)
    electronic_result = models.BooleanField("có kết quả điện tử", default=False)
    e_certified_copy = models.BooleanField("chứng thực bản sao điện tử", default=False)
    returned_by_post = models.BooleanField("trả kết quả qua bưu chính", default=False)
    satisfaction = models.PositiveSmallIntegerField(
        "mức độ hài lòng", null=True, blank=True, help_text="1 = không hài lòng … 3 = rất hài lòng; trống = chưa đánh giá"
    )
    # Informative link to the upload that last wrote the row: no database constraint
    # and no index (a per-row foreign-key check doubles the cost of a bulk import;
    # batches are never deleted, and the ORM still nulls it if one were).
    last_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False
    )
    # No digest column: the preview compares a re-uploaded row with the stored values
    # themselves (fetched for the file's codes only), so a new row costs nothing extra.
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "hồ sơ TTHC"
        verbose_name_plural = "hồ sơ TTHC"
        indexes = [models.Index(fields=["unit", "received_on"])]
        constraints = [models.UniqueConstraint(fields=["code"], name="onestop_dossier_code_uniq")]

    def __str__(self) -> str:
        return self.code


class MonthlyReport(models.Model):
    """A unit's monthly statistical report, columns of form II.06a plus optional counts."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="monthly_reports")
    month = models.DateField("tháng báo cáo", help_text="Ngày đầu tháng")
    # The data period the report states ("từ ngày 15/09/2026 đến ngày 14/10/2026" is the
    # October report: Nghị định 09/2019/NĐ-CP, Điều 12 khoản 1); blank when it only
    # names the month. Never guessed (see scoring.onestop.reports.detect_period).
    period_start = models.DateField("kỳ số liệu từ ngày", null=True, blank=True)
    period_end = models.DateField("kỳ số liệu đến ngày", null=True, blank=True)
    received_total = models.PositiveIntegerField("tiếp nhận: tổng số")
    received_online = models.PositiveIntegerField("tiếp nhận trong kỳ: trực tuyến")
    received_direct_postal = models.PositiveIntegerField("tiếp nhận trong kỳ: trực tiếp, bưu chính")
    carried_over = models.PositiveIntegerField("từ kỳ trước chuyển sang")
    resolved_total = models.PositiveIntegerField("đã giải quyết: tổng số")
    resolved_early = models.PositiveIntegerField("đã giải quyết: trước hạn")
    resolved_on_time = models.PositiveIntegerField("đã giải quyết: đúng hạn")
    resolved_late = models.PositiveIntegerField("đã giải quyết: quá hạn")
    pending_total = models.PositiveIntegerField("đang giải quyết: tổng số")
    pending_in_time = models.PositiveIntegerField("đang giải quyết: trong hạn")
    pending_overdue = models.PositiveIntegerField("đang giải quyết: quá hạn")
    # Optional counts: NULL means "not reported", which is not zero.
    paid_online = models.PositiveIntegerField("thanh toán trực tuyến", null=True, blank=True)
    fee_bearing = models.PositiveIntegerField("hồ sơ có nghĩa vụ tài chính", null=True, blank=True)
    electronic_results = models.PositiveIntegerField("kết quả điện tử", null=True, blank=True)
    e_certified_copies = models.PositiveIntegerField("chứng thực bản sao điện tử", null=True, blank=True)
    postal_received = models.PositiveIntegerField("tiếp nhận qua BCCI", null=True, blank=True)
    postal_returned = models.PositiveIntegerField("trả kết quả qua BCCI", null=True, blank=True)
    satisfied = models.PositiveIntegerField("lượt đánh giá hài lòng", null=True, blank=True)
    rated = models.PositiveIntegerField("lượt đánh giá", null=True, blank=True)
    batch = models.ForeignKey("ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "báo cáo tháng"
        verbose_name_plural = "báo cáo tháng"
        unique_together = [("unit", "month")]
        ordering = ["unit", "month"]

    def __str__(self) -> str:
        return f"{self.unit} {formats.month(self.month)}"


def original_path(instance: Any, filename: str) -> str:
    """``imports/<yyyy>/<mm>/<uuid>.<ext>``: the name on disk says nothing of the unit
    or the file (``file_name`` keeps the original for the pages)."""
    return unguessable_name(f"imports/{timezone.now():%Y/%m}", filename)


def staging_path(instance: Any, filename: str) -> str:
    return unguessable_name("imports/staging", filename)


class ImportBatch(models.Model):
    """One uploaded file: who, when, which unit, its hash, and what came of it."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField("loại số liệu", max_length=20, choices=ImportKind.choices)
    month = models.DateField("tháng", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    file = models.FileField("tệp gốc", upload_to=original_path, max_length=300)
    file_name = models.CharField("tên tệp", max_length=255)
    file_sha256 = models.CharField("mã băm SHA-256", max_length=64, db_index=True)
    file_size = models.PositiveIntegerField("dung lượng (byte)", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    parsed_at = models.DateTimeField("kiểm tra xong lúc", null=True, blank=True)
    committed_at = models.DateTimeField("ghi nhận lúc", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    total_rows = models.PositiveIntegerField("số dòng", default=0)
    counts = models.JSONField("thống kê", default=dict, blank=True, help_text="new / updated / unchanged / invalid")
    errors = models.JSONField("lỗi", default=list, blank=True)
    message = models.TextField("kết quả", blank=True)
    # Normalised rows written by the parse task and read back by the confirmation,
    # so confirming does not parse the spreadsheet a second time.
    staging_file = models.FileField("dữ liệu đã kiểm tra", upload_to=staging_path, blank=True, max_length=300)
    error_count = models.PositiveIntegerField("số lỗi", default=0)
    # Parses started for the current content of the batch (a redelivered task after a
    # worker died counts again); past 1 + ONESTOP_PARSE_RETRIES the batch fails with
    # the reason instead of killing worker after worker (issue 10).
    parse_attempts = models.PositiveSmallIntegerField("số lần đọc tệp", default=0)
    # What the reader found, written at parse time for every kind (the preview shows it,
    # mapping profiles key on its signature). Shape (issue 15):
    #   {"sheet": str, "skipped_sheets": [{"name": str, "reason": str}],
    #    "header_rows": [first, last] (1-based),
    #    "columns": [{"index": int (0-based), "letter": "C", "header": str (as found),
    #                 "field": str | None, "label": str | None, "score": float,
    #                 "samples": [str, ... up to 3], "candidates": [str, ...]}],
    #    "period": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "month": "YYYY-MM-DD", "why": str} | None,
    #    "left_out_rows": [{"row": int, "reason": str, "text": str}],
    #    "cannot_measure": [{"field": str, "message": str}],
    #    "warnings": [str], "signature": str (stable hash of the normalised header texts),
    #    "profile": str | None}
    reading = models.JSONField(
        "kết quả đọc tệp", default=dict, blank=True,
        help_text=(
            "Trang tính đã đọc và các trang bỏ qua, dải tiêu đề, từng cột → trường, kỳ số liệu, "
            "các dòng bỏ qua, chỉ tiêu không đo được, cảnh báo, chữ ký tiêu đề (xem ImportBatch.reading)."
        ),
    )
    # The officer's override, {"<column index, 0-based>": "<field name>" | ""}; "" means
    # "bỏ qua" (ignore). When non-empty the reader uses it instead of its own guess for
    # those columns; columns not named keep the reader's guess.
    mapping = models.JSONField(
        "ánh xạ cột do cán bộ chọn", default=dict, blank=True,
        help_text='{"chỉ số cột (từ 0)": "tên trường" hoặc "" (bỏ qua)}; để trống = dùng ánh xạ tự nhận.',
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "lượt tải số liệu"
        verbose_name_plural = "lịch sử tải số liệu"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field``; the staging data has none (it is
        read back by the confirmation only). See ``audit.admin.file_link``."""
        return reverse("onestop:batch_file", args=[self.pk]) if field == "file" else ""


class MonthLock(models.Model):
    """A unit × month approved by staff: no further upload until reopened."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="month_locks")
    month = models.DateField("tháng")
    is_locked = models.BooleanField("đang khóa", default=True)
    reason = models.CharField("lý do", max_length=500)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người khóa", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField("khóa lúc", auto_now=True)
    # The level that set the lock: only that unit or one above it may lift it
    # (a commune's staff cannot undo the district's approval). Null: set before
    # this rule, so any staff in scope may lift it.
    locked_by_unit = models.ForeignKey(
        Unit, verbose_name="cấp khóa", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "khóa số liệu tháng"
        verbose_name_plural = "khóa số liệu tháng"
        unique_together = [("unit", "month")]

    def __str__(self) -> str:
        return f"{self.unit} {formats.month(self.month)}"


class MappingProfile(models.Model):
    """A remembered column mapping ("cột trong tệp → trường") for one header layout.

    Keyed by the reader's header ``signature`` (``ImportBatch.reading["signature"]``,
    a stable hash of the normalised header texts), so next month's export of the
    same software is mapped the way the officer corrected it this month. A unit's
    own profile (``shared=False``) wins; otherwise a preset shared by emulation
    staff on one of the unit's ancestors (``shared=True``, named after the vendor,
    e.g. "VNPT iGate") applies to the whole subtree. ``mapping`` has the shape of
    ``ImportBatch.mapping``: {"<column index, 0-based>": "<field>" | ""}.
    """

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="mapping_profiles")
    kind = models.CharField("loại số liệu", max_length=20, choices=ImportKind.choices)
    signature = models.CharField("chữ ký dòng tiêu đề", max_length=128)
    name = models.CharField("tên mẫu", max_length=120, blank=True, help_text="Ví dụ: VNPT iGate, Viettel.")
    shared = models.BooleanField(
        "dùng chung cho các đơn vị trực thuộc", default=False,
        help_text="Mẫu của nhà cung cấp phần mềm, do cán bộ thi đua chia sẻ cho toàn bộ đơn vị cấp dưới.",
    )
    mapping = models.JSONField("cách ghép cột", default=dict)
    headers = models.JSONField("tiêu đề cột", default=dict, blank=True, help_text="{chỉ số cột: tiêu đề như trong tệp}")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người lưu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("lưu lúc", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "cách ghép cột đã lưu"
        verbose_name_plural = "cách ghép cột đã lưu"
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "signature", "shared"], name="onestop_mappingprofile_uniq"),
        ]
        ordering = ["unit", "kind", "-shared", "name"]

    def __str__(self) -> str:
        return self.name or f"{self.unit} – {self.get_kind_display()}"


class VocabularyDomain(models.TextChoices):
    """What a cell value of an export says (``vocabularies``)."""

    ONLINE_LEVEL = "online_level", "Mức độ trực tuyến"
    CHANNEL = "channel", "Kênh thực hiện"
    STATUS = "status", "Trạng thái hồ sơ"
    YES_NO = "yes_no", "Có / Không"
    SATISFACTION = "satisfaction", "Mức độ hài lòng"


class ValueTerm(models.Model):
    """One wording of a cell value as exports write it and what it means (issue 15).

    The defaults come from a data migration; staff add the wordings of their
    province's software in the admin. ``key`` is the wording folded (no diacritics,
    lower case, single spaces) and is what a cell is compared with: whole cell
    equal to it, or, with ``contains``, the phrase found inside the cell (``vocabularies``
    sets the key on every save, through a ``pre_save`` receiver; longest
    phrase first). ``meaning`` per domain: online_level full / partial / none;
    channel online / direct / postal; yes_no "1" / "0"; satisfaction "3" / "2" /
    "1" / "" (not rated); status resolved / returned / pending / withdrawn."""

    domain = models.CharField("loại giá trị", max_length=20, choices=VocabularyDomain.choices)
    text = models.CharField("cách ghi trong tệp", max_length=200)
    key = models.CharField("dạng so khớp", max_length=200, editable=False)
    meaning = models.CharField("nghĩa", max_length=20)
    contains = models.BooleanField(
        "khớp khi ô chứa cụm từ", default=False,
        help_text="Bật: ô nào chứa cụm từ này (không phân biệt dấu, hoa thường) đều mang nghĩa trên.",
    )
    note = models.CharField("ghi chú", max_length=300, blank=True)
    is_default = models.BooleanField("có sẵn khi cài đặt", default=False, editable=False)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "cách ghi giá trị"
        verbose_name_plural = "từ vựng giá trị trong tệp"
        constraints = [models.UniqueConstraint(fields=["domain", "key"], name="onestop_valueterm_uniq")]
        ordering = ["domain", "meaning", "text"]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.text} → {self.meaning}"
