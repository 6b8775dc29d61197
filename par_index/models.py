"""PAR INDEX (chỉ số cải cách hành chính): frameworks, self-assessments with
appraisal, and improvement plans.

A framework (bộ chỉ số) belongs to a year, a level of unit (xã, huyện, sở…) and
the appraising unit that issues it (e.g. UBND huyện Sông Hinh for its communes).
Its items form a tree addressed by dotted codes: field "1" → criterion "1.2" →
sub-criterion "1.2.3". Only leaves are scored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.files import unguessable_name
from organization.choices import UnitKind
from organization.models import Unit
from organization.scope import ScopedQuerySet

from .choices import AssessmentStatus, ItemKind, TaskStatus


class FrameworkQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> FrameworkQuerySet:
        """Frameworks issued within the user's subtree or by one of their ancestors
        (a commune reads the district's framework)."""
        return self.filter(Q(issuing_unit__path__startswith=root.path) | Q(issuing_unit_id__in=root.path_ids))


class Framework(models.Model):
    year = models.PositiveSmallIntegerField("năm đánh giá")
    level = models.CharField("áp dụng cho cấp", max_length=30, choices=UnitKind.choices)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành, thẩm định", on_delete=models.PROTECT, related_name="par_frameworks",
        help_text="Cấp thẩm định: cán bộ thi đua của đơn vị này thẩm định kết quả tự đánh giá",
    )
    name = models.CharField("tên bộ chỉ số", max_length=300)
    decision = models.CharField("văn bản ban hành", max_length=300, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name="sao chép từ bộ chỉ số", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="copies",
    )
    results_published_at = models.DateTimeField("công bố kết quả lúc", null=True, blank=True)
    is_demo = models.BooleanField("dữ liệu mẫu", default=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = "bộ chỉ số CCHC"
        verbose_name_plural = "bộ chỉ số CCHC"
        ordering = ["-year", "issuing_unit__path", "level"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "issuing_unit"], name="par_framework_unique_year_level_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def max_total(self) -> Decimal:
        return sum((i.max_points for i in self.items.all() if i.parent_id is None), Decimal("0"))

    def classify(self, score: Decimal | None) -> str:
        """The label of the highest band whose lower bound the score reaches."""
        if score is None:
            return ""
        for band in sorted(self.bands.all(), key=lambda b: b.min_score, reverse=True):
            if score >= band.min_score:
                return band.label
        return ""


class ClassificationBand(models.Model):
    """A configurable class (e.g. ≥ 80 "Tốt"): the score must reach ``min_score``."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    min_score = models.DecimalField("từ (điểm)", max_digits=7, decimal_places=3)
    label = models.CharField("xếp loại", max_length=60)

    class Meta:
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"
        ordering = ["framework", "-min_score"]

    def __str__(self) -> str:
        return f"≥ {self.min_score}: {self.label}"


class FrameworkItem(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc mục", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    field = models.ForeignKey(
        "self", verbose_name="thuộc lĩnh vực", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="Lĩnh vực gốc (để cộng điểm theo lĩnh vực)",
    )
    kind = models.CharField("cấp", max_length=20, choices=ItemKind.choices)
    code = models.CharField("mã", max_length=20, help_text="Ví dụ: 1, 1.2, 1.2.3")
    order = models.PositiveIntegerField("thứ tự", default=0)
    title = models.TextField("nội dung")
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=3)
    guidance = models.TextField("hướng dẫn chấm điểm", blank=True)
    evidence_required = models.BooleanField("bắt buộc tài liệu kiểm chứng", default=False)

    class Meta:
        verbose_name = "mục của bộ chỉ số"
        verbose_name_plural = "mục của bộ chỉ số"
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="par_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:100]}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1

    @property
    def label(self) -> str:
        return f"{self.get_kind_display()} {self.code} “{self.title[:80]}”"


class AssessmentQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> AssessmentQuerySet:
        """Own subtree always (a unit sees its own; appraising staff see their
        subtree); other units' assessments only once results are published, and
        only under a framework the user can read."""
        return self.filter(
            Q(unit__path__startswith=root.path)
            | Q(status=AssessmentStatus.PUBLISHED, framework__in=Framework.objects.visible(root))
        )


class Assessment(models.Model):
    framework = models.ForeignKey(Framework, verbose_name="bộ chỉ số", on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="par_assessments")
    status = models.CharField("trạng thái", max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    self_total = models.DecimalField("tổng điểm tự đánh giá", max_digits=7, decimal_places=3, default=Decimal("0"))
    appraised_total = models.DecimalField(
        "tổng điểm thẩm định", max_digits=7, decimal_places=3, null=True, blank=True
    )
    classification = models.CharField("xếp loại", max_length=60, blank=True)
    rank = models.PositiveIntegerField("thứ hạng", null=True, blank=True)
    rank_of = models.PositiveIntegerField("trên tổng số đơn vị", null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    finalized_at = models.DateTimeField("hoàn tất thẩm định lúc", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả tự đánh giá chỉ số CCHC"
        verbose_name_plural = "kết quả tự đánh giá chỉ số CCHC"
        ordering = ["-framework__year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["framework", "unit"], name="par_assessment_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – chỉ số CCHC năm {self.framework.year}"

    @property
    def is_final(self) -> bool:
        return self.status in (AssessmentStatus.FINALIZED, AssessmentStatus.PUBLISHED)


class Answer(models.Model):
    """The unit's self-assessment and the appraising level's appraisal of one leaf."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(FrameworkItem, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="answers")
    self_points = models.DecimalField("điểm tự chấm", max_digits=7, decimal_places=3, null=True, blank=True)
    explanation = models.TextField("giải trình", blank=True)
    appraised_points = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=3, null=True, blank=True)
    appraisal_comment = models.TextField("nhận xét thẩm định", blank=True)
    is_returned = models.BooleanField("bị trả lại", default=False)
    return_reason = models.TextField("lý do trả lại", blank=True)
    fixed_after_return = models.BooleanField("đã bổ sung sau khi trả lại", default=False)

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["assessment", "item__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="par_answer_unique_item")]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.item.code}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """``par_index/evidence/<uuid4>.<ext>``; the uploaded name is kept in ``original_name``."""
    return unguessable_name("par_index/evidence", filename)


class Evidence(models.Model):
    """A tài liệu kiểm chứng attached to one answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    description = models.CharField("mô tả", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["answer", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field`` (see ``audit.admin.file_link``)."""
        return reverse("par_index:evidence_download", args=[self.pk])


class PlanQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> PlanQuerySet:
        """A unit's plan is read by the unit's subtree and by its ancestors' staff."""
        return self.filter(Q(unit__path__startswith=root.path) | Q(unit_id__in=root.path_ids))


class ImprovementPlan(models.Model):
    """Kế hoạch nâng cao chỉ số CCHC: the campaign (kind improvement) holds the
    fields and the measurable targets; this adds the tasks and the link to the
    assessments it starts from and aims at."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", verbose_name="kế hoạch (phong trào)", on_delete=models.CASCADE, related_name="par_plan"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị thực hiện", on_delete=models.PROTECT, related_name="par_plans")
    year = models.PositiveSmallIntegerField("năm thực hiện")
    baseline = models.ForeignKey(
        Assessment, verbose_name="kết quả năm trước", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_score = models.DecimalField("điểm phấn đấu", max_digits=7, decimal_places=3, null=True, blank=True)
    target_classification = models.CharField("xếp loại phấn đấu", max_length=60, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "kế hoạch nâng cao chỉ số CCHC"
        verbose_name_plural = "kế hoạch nâng cao chỉ số CCHC"
        ordering = ["-year", "unit__path"]

    def __str__(self) -> str:
        return self.campaign.title


class PlanTask(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="tasks")
    content = models.ForeignKey(
        "campaigns.ContentItem", verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="par_tasks"
    )
    order = models.PositiveIntegerField("thứ tự", default=0)
    text = models.TextField("nhiệm vụ, giải pháp")
    lead_section = models.ForeignKey(
        Unit, verbose_name="bộ phận chủ trì", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_note = models.CharField("chủ trì (ghi chú)", max_length=300, blank=True)
    supporting_sections = models.ManyToManyField(Unit, verbose_name="bộ phận phối hợp", blank=True, related_name="+")
    supporting_note = models.CharField(
        "phối hợp (ghi chú)", max_length=300, blank=True, help_text="Ví dụ: các ban ngành, đoàn thể xã"
    )
    deadline = models.DateField("thời hạn", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)

    class Meta:
        verbose_name = "nhiệm vụ nâng cao chỉ số"
        verbose_name_plural = "nhiệm vụ nâng cao chỉ số"
        ordering = ["plan", "content__order", "order"]

    def __str__(self) -> str:
        return self.text[:100]
