"""Scoring: data elements per unit × month, indicator definitions (as data),
external yearly index results, criterion results, ranking snapshots and the
recompute runs that produce them.

Facts live in ``scoring.onestop`` (Dossier, MonthlyReport, Procedure); everything
here is derived from them by ``scoring.recompute`` (set-based SQL) or entered by
staff (indicator definitions, external index results).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from campaigns.models import Criterion, Participant, ParticipantGroup, Round
from core import formats
from organization.models import Unit
from organization.scope import ScopedQuerySet

from .choices import Direction, ExternalIndex, FormulaKind, IndicatorUnit, RunStatus
from .elements import BY_CODE, MONTHLY_CODES
from .expressions import ExpressionError, validate_definition

ELEMENT_LABELS = {code: BY_CODE[code].label for code in MONTHLY_CODES}


class UnitMonthData(models.Model):
    """Data elements of one unit (its own facts, not its subtree) for one month.

    A row exists only for a month the unit reported (a report, or dossiers
    received or resolved in that month): a missing month is absent, not zero.
    Inside a row, NULL means "not reported" (an optional report column left blank).
    """

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("tháng", help_text="Ngày đầu tháng")
    source = models.CharField(
        "nguồn", max_length=10,
        help_text="report = báo cáo II.06a; dossiers = danh sách hồ sơ; both = cả hai (báo cáo ưu tiên)",
    )
    computed_at = models.DateTimeField("tính lúc")
    # One column per monthly data element, generated from the element catalogue.
    for _code in MONTHLY_CODES:
        locals()[_code] = models.BigIntegerField(ELEMENT_LABELS[_code], null=True, blank=True)
    del _code

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu tháng của đơn vị"
        verbose_name_plural = "số liệu tháng của đơn vị"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="scoring_unitmonth_uniq")]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {formats.month(self.month)}"


class ProcedureMonth(models.Model):
    """Per unit × month × procedure: dossier counts, so that "procedures with at
    least one online dossier" can be counted once over any period."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    procedure_code = models.CharField(max_length=60)
    dossiers = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    postal = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)

    class Meta:
        verbose_name = "hoạt động TTHC theo tháng"
        verbose_name_plural = "hoạt động TTHC theo tháng"
        indexes = [models.Index(fields=["unit", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {formats.month(self.month)} {self.procedure_code}"


class IndicatorQuerySet(models.QuerySet):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class IndicatorDefinition(models.Model):
    """An indicator defined as data: staff add one in the admin without code.

    ``ratio``: value = factor × Σnumerator / Σdenominator, both expressions over
    data elements, aggregated over the period and subtree first.
    ``points``: QĐ 766 style group; ``params = {"max": 12, "components": [{"label",
    "numerator", "denominator", "max", "full_at", "when_blank"}]}``, each component
    scores min(max, max × ratio / full_at).
    ``sum``: ``params = {"indicators": [codes]}``.
    ``external``: yearly result entered or imported (``IndexResult``) with the same code.
    """

    code = models.SlugField("mã chỉ số", max_length=60, unique=True)
    name = models.CharField("tên chỉ số", max_length=300)
    group = models.CharField("nhóm", max_length=120, blank=True, help_text="Ví dụ: QĐ 766, BCCI")
    formula_kind = models.CharField("cách tính", max_length=20, choices=FormulaKind.choices, default=FormulaKind.RATIO)
    numerator = models.CharField(
        "tử số", max_length=500, blank=True,
        help_text="Biểu thức trên các phần tử dữ liệu, ví dụ: received_online_full + received_online_partial",
    )
    denominator = models.CharField("mẫu số", max_length=500, blank=True, help_text="Để trống: chỉ số là số lượng (tử số)")
    factor = models.DecimalField("hệ số", max_digits=10, decimal_places=4, default=Decimal("100"))
    direction = models.CharField("chiều tốt", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    unit_label = models.CharField("đơn vị tính", max_length=20, choices=IndicatorUnit.choices, default=IndicatorUnit.PERCENT, blank=True)
    params = models.JSONField("tham số", default=dict, blank=True)
    target = models.DecimalField("chỉ tiêu tham khảo", max_digits=14, decimal_places=4, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField("số chữ số thập phân", default=1)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_active = models.BooleanField("đang dùng", default=True)
    note = models.TextField("ghi chú, cách tính", blank=True)
    # The text the definition implements (plan, section, QĐ 766 component), quoted, and
    # how its numerator and denominator follow it: shown with every value's provenance.
    basis = models.TextField(
        "căn cứ", blank=True,
        help_text="Văn bản, mục và câu chữ mà chỉ số thực hiện (kế hoạch, thành phần QĐ 766); tử số, mẫu số theo văn bản đó.",
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ số"
        verbose_name_plural = "danh mục chỉ số"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        try:
            validate_definition(self)
        except ExpressionError as exc:
            raise ValidationError({exc.field or "numerator": str(exc)}) from exc


class IndexResult(models.Model):
    """A yearly external index result of a unit (PAR INDEX, DDCI, SIPAS…)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="index_results")
    year = models.PositiveSmallIntegerField("năm")
    index_code = models.CharField("chỉ số", max_length=60, choices=ExternalIndex.choices)
    score = models.DecimalField("điểm", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("xếp hạng", null=True, blank=True)
    source = models.CharField("nguồn (quyết định công bố)", max_length=300, blank=True)
    is_demo = models.BooleanField("dữ liệu mẫu", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả chỉ số hằng năm"
        verbose_name_plural = "kết quả chỉ số hằng năm (PAR INDEX, DDCI, SIPAS)"
        constraints = [models.UniqueConstraint(fields=["unit", "year", "index_code"], name="scoring_indexresult_uniq")]
        ordering = ["index_code", "-year", "unit__path"]

    def __str__(self) -> str:
        return f"{self.get_index_code_display()} {self.year} – {self.unit}: {self.score}"


class RecomputeRunQuerySet(ScopedQuerySet):
    """Runs a user sees: those whose ``scope`` (the lowest unit holding all of the
    run's units) lies in their subtree; whole-system runs (``scope`` empty) only
    to staff of a top-level unit (and superusers, through ``scoped``)."""

    unit_field = "scope"

    def visible(self, root: Unit) -> models.QuerySet:
        mine = models.Q(scope__path__startswith=root.path)
        return self.filter(mine | models.Q(scope__isnull=True) if root.parent_id is None else mine)


class RecomputeRun(models.Model):
    """One recomputation request: which units and months, its status and progress.

    ``attempts`` counts executions begun (a worker death or a lost race starts
    another); ``error`` keeps the last failure's reason, shown to staff."""

    status = models.CharField("trạng thái", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    unit_ids = models.JSONField("đơn vị", default=list, blank=True, help_text="Trống = mọi đơn vị")
    months = models.JSONField("tháng", default=list, blank=True, help_text="Danh sách YYYY-MM-01; trống = mọi tháng có số liệu")
    reason = models.CharField("lý do", max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    rows_written = models.PositiveIntegerField("số dòng ghi", default=0)
    chunk_units = models.PositiveIntegerField(
        "số đơn vị mỗi lô", null=True, blank=True, help_text="Trống: theo cấu hình (SCORING_RECOMPUTE_CHUNK_UNITS, 500)"
    )
    error = models.TextField("lỗi", blank=True)
    scope = models.ForeignKey(
        Unit, verbose_name="phạm vi", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Đơn vị thấp nhất chứa mọi đơn vị của lượt tính; trống = toàn hệ thống",
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người huỷ", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="gộp vào lượt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Lượt tính đã tính lại toàn bộ phạm vi của lượt này (nên lượt này không cần chạy riêng)",
    )

    objects = RecomputeRunQuerySet.as_manager()

    class Meta:
        verbose_name = "lượt tính lại chỉ số"
        verbose_name_plural = "lượt tính lại chỉ số"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def duration(self) -> datetime.timedelta | None:
        """From the first start to the end (or to now while it runs); None before it starts."""
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at


class CriterionResult(models.Model):
    """A campaign criterion evaluated for one participant in one round.

    ``met`` None = not measurable from data (attested manually, or no data yet).
    ``detail`` keeps the values that decided it and a Vietnamese explanation.
    """

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.CASCADE, related_name="criterion_results")
    criterion = models.ForeignKey(Criterion, verbose_name="tiêu chí", on_delete=models.CASCADE, related_name="results")
    participant = models.ForeignKey(Participant, verbose_name="đối tượng", on_delete=models.CASCADE, related_name="criterion_results")
    met = models.BooleanField("đạt", null=True)
    value = models.DecimalField("giá trị", max_digits=18, decimal_places=4, null=True, blank=True)
    points = models.DecimalField("điểm", max_digits=10, decimal_places=4, null=True, blank=True)
    detail = models.JSONField("chi tiết", default=dict, blank=True)
    computed_at = models.DateTimeField("tính lúc")

    class Meta:
        verbose_name = "kết quả tiêu chí"
        verbose_name_plural = "kết quả tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["round", "criterion", "participant"], name="scoring_criterionresult_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} – {self.participant_id}: {self.met}"

    @property
    def explanation(self) -> str:
        return (self.detail or {}).get("explanation", "")


class RankingSnapshot(models.Model):
    """The ranking of one participant group in one round, frozen when the round closes."""

    TIE_RULE = "Xếp hạng cạnh tranh chuẩn (1-2-2-4): các đối tượng bằng điểm cùng hạng, hạng kế tiếp bỏ qua số tương ứng."

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.CASCADE, related_name="ranking_snapshots")
    group = models.ForeignKey(ParticipantGroup, verbose_name="nhóm", on_delete=models.CASCADE, related_name="ranking_snapshots")
    frozen_at = models.DateTimeField("đóng băng lúc")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người khóa", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tie_rule = models.CharField("quy tắc đồng hạng", max_length=300, default=TIE_RULE)

    class Meta:
        verbose_name = "bảng xếp hạng đã đóng băng"
        verbose_name_plural = "bảng xếp hạng đã đóng băng"
        constraints = [models.UniqueConstraint(fields=["round", "group"], name="scoring_snapshot_uniq")]

    def __str__(self) -> str:
        return f"{self.round} – {self.group}"


class RankingEntry(models.Model):
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="entries")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("tên", max_length=300)
    score = models.DecimalField("điểm", max_digits=12, decimal_places=4)
    rank = models.PositiveIntegerField("hạng")
    criteria_met = models.PositiveIntegerField("số tiêu chí đạt", default=0)
    must_failed = models.PositiveIntegerField("số tiêu chí bắt buộc chưa đạt", default=0)
    previous_score = models.DecimalField("điểm năm trước", max_digits=12, decimal_places=4, null=True, blank=True)
    previous_rank = models.PositiveIntegerField("hạng năm trước", null=True, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)

    class Meta:
        verbose_name = "dòng xếp hạng"
        verbose_name_plural = "dòng xếp hạng"
        ordering = ["snapshot", "rank", "name"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"


class UploadReminder(models.Model):
    """A reminder e-mailed to a unit that had not uploaded a month by the reminder day
    (one per unit and month, so the daily beat task never sends it twice)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("tháng số liệu")
    sent_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    recipients = models.JSONField("người nhận", default=list)

    class Meta:
        verbose_name = "nhắc tải số liệu"
        verbose_name_plural = "nhắc tải số liệu"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="scoring_reminder_uniq")]

    def __str__(self) -> str:
        return f"{self.unit_id} {formats.month(self.month)}"
