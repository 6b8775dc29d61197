"""Campaigns (phong trào thi đua), their rounds, criteria, award forms and quotas.

A campaign is configured from its plan (kế hoạch): every number the plan states
(targets, quotas, prizes, deadlines) is data here, never code.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import formats
from organization.choices import PersonCategory, UnitKind
from organization.models import Person, Unit
from organization.scope import ScopedQuerySet

from .choices import (
    AwardAuthority,
    AwardLevel,
    AwardType,
    CampaignKind,
    CampaignStatus,
    Comparator,
    CriterionKind,
    DeadlineWording,
    MeasuredOn,
    MoneyKind,
    QuotaKind,
    Requirement,
    Rounding,
    RoundKind,
    RoundStatus,
    Subject,
)


class CampaignQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> CampaignQuerySet:
        """Campaigns a user may see: issued within their subtree, issued by one of
        their ancestors (a district plan is read by its communes), or one their
        unit takes part in. (No unit → nothing: ``ScopedQuerySet.for_user``.)"""
        # Id sets from indexed lookups, not a join to the participants with DISTINCT:
        # with 3,300 participating communes that plan took 90 ms on every home page
        # (issue 14).
        units = Unit.objects.filter(path__startswith=root.path).values("pk")
        taking_part = Participant.objects.filter(unit_id__in=units).values("campaign_id")
        return self.filter(
            Q(issuing_unit_id__in=units)
            | Q(issuing_unit_id__in=root.path_ids, status__in=[CampaignStatus.LAUNCHED, CampaignStatus.CLOSED])
            | Q(pk__in=taking_part)
        )


class Campaign(models.Model):
    code = models.SlugField("mã phong trào", max_length=60, unique=True)
    title = models.CharField("tên phong trào / kế hoạch", max_length=500)
    kind = models.CharField("loại", max_length=20, choices=CampaignKind.choices)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="issued_campaigns"
    )
    parent = models.ForeignKey(
        "self", verbose_name="thực hiện theo kế hoạch cấp trên", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="children",
    )
    doc_number = models.CharField("số văn bản", max_length=20, blank=True, help_text="Ví dụ: 179")
    doc_symbol = models.CharField("ký hiệu văn bản", max_length=40, blank=True, help_text="Ví dụ: KH-UBND")
    doc_date = models.DateField("ngày ban hành", null=True, blank=True)
    doc_day_blank = models.BooleanField(
        "văn bản để trống ngày", default=False,
        help_text="Văn bản gốc chỉ ghi tháng, năm (“ngày   tháng 3 năm 2023”): văn bản in ra để trống ngày, không tự điền",
    )
    doc_place = models.CharField("địa danh ban hành", max_length=120, blank=True)
    legal_basis = models.TextField("căn cứ", blank=True, help_text="Mỗi căn cứ một dòng")
    purpose = models.TextField("mục đích, yêu cầu", blank=True)
    slogan = models.CharField("khẩu hiệu, chủ đề", max_length=500, blank=True)
    start_date = models.DateField("thời gian bắt đầu")
    end_date = models.DateField("thời gian kết thúc")
    status = models.CharField("trạng thái", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    funding_source = models.CharField("nguồn kinh phí khen thưởng", max_length=300, blank=True)
    dossier_components = models.TextField("thành phần hồ sơ đề nghị khen thưởng", blank=True, help_text="Mỗi thành phần một dòng")
    nomination_note = models.CharField("thời hạn gửi hồ sơ (ghi chú)", max_length=300, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True, help_text="Ví dụ: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    is_demo = models.BooleanField("dữ liệu mẫu", default=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Thời gian kết thúc phải sau thời gian bắt đầu."})

    @property
    def document_code(self) -> str:
        """``Số: 179/KH-UBND`` style reference, blank number kept as in the seeds."""
        number = self.doc_number.zfill(2) if self.doc_number.isdigit() else self.doc_number
        return f"{number}/{self.doc_symbol}" if self.doc_symbol else number

    @property
    def doc_date_words(self) -> str:
        """"ngày 09 tháng 01 năm 2023" as ND 30/2020 writes a date in the text; a day
        the plan left blank stays blank ("ngày … tháng 3 năm 2023"); "" without a date."""
        if self.doc_date is None:
            return ""
        month = f"{self.doc_date.month:02d}" if self.doc_date.month <= 2 else str(self.doc_date.month)
        day = "…" if self.doc_day_blank else f"{self.doc_date.day:02d}"
        return f"ngày {day} tháng {month} năm {self.doc_date.year}"

    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    def dossier_component_lines(self) -> list[str]:
        return [line.strip() for line in self.dossier_components.splitlines() if line.strip()]


class ContentItem(models.Model):
    """A content (nội dung) of the campaign, or a field (lĩnh vực) of an improvement plan."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contents")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    title = models.CharField("nội dung", max_length=500)
    description = models.TextField("diễn giải", blank=True)
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "nội dung thi đua"
        verbose_name_plural = "nội dung thi đua"
        ordering = ["campaign", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ParticipantGroup(models.Model):
    """Who may take part and be compared together (e.g. "UBND các xã, thị trấn")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField("mã nhóm", max_length=40)
    name = models.CharField("tên nhóm đối tượng", max_length=300)
    subject = models.CharField("đối tượng", max_length=20, choices=Subject.choices)
    unit_kinds = models.JSONField("loại đơn vị được tham gia", default=list, blank=True)
    person_categories = models.JSONField("đối tượng cá nhân được tham gia", default=list, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)

    class Meta:
        verbose_name = "nhóm đối tượng thi đua"
        verbose_name_plural = "nhóm đối tượng thi đua"
        ordering = ["campaign", "order", "id"]
        unique_together = [("campaign", "code")]

    def __str__(self) -> str:
        return self.name

    def admits_unit(self, unit: Unit) -> bool:
        return self.subject == Subject.COLLECTIVE and (not self.unit_kinds or unit.kind in self.unit_kinds)

    def admits_person(self, person: Person) -> bool:
        return self.subject == Subject.INDIVIDUAL and (
            not self.person_categories or person.category in self.person_categories
        )


class Round(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField("tên đợt", max_length=200)
    kind = models.CharField("loại đợt", max_length=20, choices=RoundKind.choices)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    period_start = models.DateField("kỳ đánh giá từ ngày")
    period_end = models.DateField("đến ngày")
    nomination_deadline = models.DateField("hạn gửi hồ sơ đề nghị", null=True, blank=True)
    deadline_wording = models.CharField(
        "cách ghi hạn", max_length=10, choices=DeadlineWording.choices, default=DeadlineWording.BY,
        help_text="Kế hoạch ghi “trước ngày 10/01” thì hạn cuối là 09/01; “đến hết ngày 10/01” thì hạn cuối là 10/01.",
    )
    status = models.CharField("trạng thái", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closed_at = models.DateTimeField("khóa lúc", null=True, blank=True)

    class Meta:
        verbose_name = "đợt xét"
        verbose_name_plural = "đợt xét"
        ordering = ["campaign", "order", "period_end"]

    def __str__(self) -> str:
        return f"{self.name} – {self.campaign.title[:60]}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "Ngày kết thúc kỳ phải sau ngày bắt đầu."})

    @property
    def last_submission_day(self) -> datetime.date | None:
        """The last day a nomination may be sent: the stated date, or the day before
        it when the plan says "trước ngày …" (before is exclusive). None = no deadline."""
        if self.nomination_deadline is None:
            return None
        if self.deadline_wording == DeadlineWording.BEFORE:
            return self.nomination_deadline - datetime.timedelta(days=1)
        return self.nomination_deadline

    @property
    def deadline_display(self) -> str:
        """"trước ngày 10/01/2024 (hạn cuối 09/01/2024)" or "đến hết ngày 10/01/2024"; "" without deadline."""
        if self.nomination_deadline is None:
            return ""
        if self.deadline_wording == DeadlineWording.BEFORE:
            return (f"trước ngày {formats.date(self.nomination_deadline)} "
                    f"(hạn cuối {formats.date(self.last_submission_day)})")
        return f"đến hết ngày {formats.date(self.nomination_deadline)}"


class Criterion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    subject = models.CharField("áp dụng cho", max_length=20, choices=Subject.choices)
    group = models.ForeignKey(
        ParticipantGroup, verbose_name="chỉ áp dụng cho nhóm", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="criteria",
    )
    content = models.ForeignKey(
        ContentItem, verbose_name="thuộc nội dung", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="criteria",
    )
    code = models.SlugField("mã tiêu chí", max_length=40)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    text = models.TextField("tiêu chí")
    kind = models.CharField("cách đánh giá", max_length=20, choices=CriterionKind.choices)
    requirement = models.CharField("tính chất", max_length=20, choices=Requirement.choices, default=Requirement.MUST_MEET)
    indicator_code = models.CharField(
        "mã chỉ số", max_length=60, blank=True, help_text="Chỉ số được tính từ số liệu một cửa (ví dụ: online_dossier_rate)"
    )
    comparator = models.CharField("so sánh", max_length=20, choices=Comparator.choices, blank=True)
    threshold = models.DecimalField("ngưỡng", max_digits=14, decimal_places=4, null=True, blank=True)
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField("trọng số", max_digits=6, decimal_places=3, default=Decimal("1"))
    evidence_required = models.BooleanField("yêu cầu minh chứng", default=False)
    # Applicability: a criterion binds only the rounds and participant categories the
    # plan states (the yearly rating does not exist at a July 6-month review, and
    # post-office staff have none). Empty list = no restriction.
    round_kinds = models.JSONField(
        "chỉ áp dụng cho loại đợt xét", default=list, blank=True,
        help_text="Để trống: mọi đợt. Ví dụ: chỉ “Tổng kết năm” với tiêu chí xếp loại năm.",
    )
    unit_kinds = models.JSONField("chỉ áp dụng cho loại đơn vị", default=list, blank=True,
                                  help_text="Tiêu chí tập thể; để trống: mọi loại đơn vị")
    person_categories = models.JSONField(
        "chỉ áp dụng cho đối tượng cá nhân", default=list, blank=True,
        help_text="Tiêu chí cá nhân; để trống: mọi đối tượng. Ví dụ: bỏ “Nhân viên bưu điện” với tiêu chí xếp loại công chức.",
    )
    measured_on = models.CharField(
        "so với kết quả của", max_length=20, choices=MeasuredOn.choices, default=MeasuredOn.PARTICIPANT,
    )

    class Meta:
        verbose_name = "tiêu chí thi đua"
        verbose_name_plural = "tiêu chí thi đua"
        ordering = ["campaign", "subject", "order", "id"]
        unique_together = [("campaign", "code")]

    def __str__(self) -> str:
        return self.text[:120]

    def clean(self) -> None:
        errors = {}
        if self.kind == CriterionKind.INDICATOR:
            if not self.indicator_code:
                errors["indicator_code"] = "Tiêu chí đo bằng số liệu cần mã chỉ số."
            if not self.comparator:
                errors["comparator"] = "Cần chọn phép so sánh."
            elif self.comparator not in (Comparator.MAX, Comparator.MIN, Comparator.IMPROVE, Comparator.IMPROVE_SCORE) and self.threshold is None:
                errors["threshold"] = "Cần nhập ngưỡng."
        if self.kind == CriterionKind.POINTS and self.max_points is None:
            errors["max_points"] = "Tiêu chí chấm điểm cần điểm tối đa."
        if errors:
            raise ValidationError(errors)

    def binds(self, round_: Round | None = None, *, unit: Unit | None = None, person: Person | None = None) -> bool:
        """Whether this criterion is demanded in ``round_`` (its kind) of this unit
        (its kind) or person (their category); a missing argument is not checked."""
        if round_ is not None and self.round_kinds and round_.kind not in self.round_kinds:
            return False
        if unit is not None and self.unit_kinds and unit.kind not in self.unit_kinds:
            return False
        if person is not None and self.person_categories and person.category not in self.person_categories:
            return False
        return True

    @property
    def applicability_display(self) -> str:
        """"Chỉ áp dụng: Tổng kết năm; trừ …" in words; "" when it binds everyone always."""
        parts: list[str] = []
        if self.round_kinds:
            parts.append("đợt " + ", ".join(_label(RoundKind, k) for k in self.round_kinds))
        if self.unit_kinds:
            parts.append(", ".join(_label(UnitKind, k) for k in self.unit_kinds))
        if self.person_categories:
            parts.append(", ".join(_label(PersonCategory, k) for k in self.person_categories))
        if self.measured_on == MeasuredOn.ISSUER:
            parts.append("so với kết quả chung của cơ quan phát động")
        return "Chỉ áp dụng: " + "; ".join(parts) if parts else ""

    @property
    def target_display(self) -> str:
        if self.kind != CriterionKind.INDICATOR:
            return ""
        if self.comparator in (Comparator.MAX, Comparator.MIN, Comparator.IMPROVE, Comparator.IMPROVE_SCORE):
            return self.get_comparator_display()
        return f"{self.get_comparator_display()} {formats.number(self.threshold)}"


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class AwardForm(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="award_forms")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("hình thức khen thưởng", max_length=300, help_text="Ví dụ: Giấy khen của Chủ tịch UBND huyện")
    award_type = models.CharField("loại hình thức", max_length=20, choices=AwardType.choices)
    issuer_title = models.CharField("người/cơ quan tặng", max_length=200, blank=True, help_text="Ví dụ: Chủ tịch UBND huyện")
    level = models.CharField("cấp khen thưởng", max_length=20, choices=AwardLevel.choices)
    # --- issuing authority (issue 11): who decides this form --------------------------
    authority = models.CharField(
        "thẩm quyền quyết định", max_length=20, choices=AwardAuthority.choices, default=AwardAuthority.ISSUER,
        help_text="Quyết định khen thưởng của đợt xét chỉ gồm các hình thức do cơ quan ban hành phong trào quyết định; "
                  "hình thức của cấp trên được trình lên bằng tờ trình",
    )
    authority_unit = models.ForeignKey(
        Unit, verbose_name="cơ quan có thẩm quyền (nếu có trong danh mục)", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text="Ví dụ: UBND tỉnh Hà Nam cho Bằng khen của Chủ tịch UBND tỉnh; để trống với cấp ngoài danh mục "
                  "(Thủ tướng Chính phủ) – khi đó ghi người/cơ quan tặng",
    )
    subject = models.CharField(
        "đối tượng", max_length=20, choices=[*Subject.choices, ("both", "Tập thể và cá nhân")], default="both"
    )
    money_kind = models.CharField("tiền thưởng", max_length=20, choices=MoneyKind.choices, default=MoneyKind.COEFFICIENT)
    coefficient_override = models.DecimalField(
        "hệ số riêng", max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="Để trống để dùng hệ số theo quy định tại ngày quyết định",
    )
    fixed_amount = models.PositiveIntegerField("số tiền cố định (đồng)", null=True, blank=True)
    rank = models.PositiveSmallIntegerField("thứ hạng giải", null=True, blank=True, help_text="1 = giải nhất")
    vote_threshold_percent = models.DecimalField(
        "tỷ lệ phiếu đồng ý cần đạt (% tổng số thành viên Hội đồng)", max_digits=5, decimal_places=2,
        null=True, blank=True, help_text="Để trống: quá bán số thành viên dự họp",
    )
    secret_ballot = models.BooleanField("bỏ phiếu kín", default=True)

    class Meta:
        verbose_name = "hình thức khen thưởng"
        verbose_name_plural = "hình thức khen thưởng"
        ordering = ["campaign", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.money_kind == MoneyKind.FIXED and not self.fixed_amount:
            raise ValidationError({"fixed_amount": "Cần nhập số tiền thưởng."})
        if self.authority == AwardAuthority.HIGHER and not (self.authority_unit_id or self.issuer_title):
            raise ValidationError({"issuer_title": "Hình thức của cấp trên cần ghi cơ quan hoặc người có thẩm quyền tặng."})

    @property
    def is_higher(self) -> bool:
        """Decided above the campaign's issuer: goes upward with a Tờ trình."""
        return self.authority == AwardAuthority.HIGHER

    @property
    def authority_key(self) -> tuple[str, int | None, str]:
        """Identifies one deciding authority: forms with the same key can share one
        decision (or one upward Tờ trình); different keys never can."""
        if self.authority == AwardAuthority.HIGHER:
            return (self.authority, self.authority_unit_id, "" if self.authority_unit_id else self.issuer_title.strip().lower())
        return (self.authority, None, "")

    @property
    def authority_name(self) -> str:
        """Who decides, as printed ("Chủ tịch UBND tỉnh Hà Nam", "Thủ tướng Chính phủ")."""
        return self.issuer_title or (self.authority_unit.name if self.authority_unit_id else "")


class QuotaQuerySet(models.QuerySet):
    def applicable(self, round_: Round, award_form: AwardForm, subject: str, group: ParticipantGroup | None):
        return self.filter(round=round_, subject=subject).filter(
            Q(award_form=award_form) | Q(award_form__isnull=True)
        ).filter(Q(group=group) | Q(group__isnull=True))


class Quota(models.Model):
    """A hard limit on awards: per round × award form × participant group."""

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.CASCADE, related_name="quotas")
    award_form = models.ForeignKey(
        AwardForm, verbose_name="hình thức khen thưởng", null=True, blank=True,
        on_delete=models.CASCADE, related_name="quotas", help_text="Để trống: áp dụng cho mọi hình thức",
    )
    group = models.ForeignKey(
        ParticipantGroup, verbose_name="nhóm đối tượng", null=True, blank=True,
        on_delete=models.CASCADE, related_name="quotas", help_text="Để trống: chung cho mọi nhóm",
    )
    subject = models.CharField("đối tượng", max_length=20, choices=Subject.choices)
    kind = models.CharField("loại chỉ tiêu", max_length=20, choices=QuotaKind.choices, default=QuotaKind.ABSOLUTE)
    max_count = models.PositiveIntegerField("số lượng tối đa", null=True, blank=True)
    percentage = models.DecimalField("tỷ lệ (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    rounding = models.CharField("làm tròn", max_length=10, choices=Rounding.choices, default=Rounding.FLOOR)
    percentage_base = models.CharField(
        "tính trên", max_length=200, blank=True,
        help_text="Ví dụ: số cá nhân đạt Lao động tiên tiến (chỉ tiêu lồng nhau)",
    )
    label = models.CharField("diễn giải", max_length=300, blank=True, help_text="Ví dụ: Không quá 03 cá nhân")
    note = models.CharField("ghi chú", max_length=300, blank=True)

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu số lượng khen thưởng"
        verbose_name_plural = "chỉ tiêu số lượng khen thưởng"
        ordering = ["round", "subject", "id"]

    def __str__(self) -> str:
        return self.label or f"{self.get_subject_display()}: {self.max_count}"

    def clean(self) -> None:
        if self.kind == QuotaKind.ABSOLUTE and self.max_count is None:
            raise ValidationError({"max_count": "Cần nhập số lượng tối đa."})
        if self.kind == QuotaKind.PERCENTAGE and self.percentage is None:
            raise ValidationError({"percentage": "Cần nhập tỷ lệ."})

    def limit(self, base_count: int | None = None) -> int:
        """The maximum number of awards. A percentage quota applies its stated
        rounding to ``base_count`` (e.g. floor(12 × 15%) = 1)."""
        if self.kind == QuotaKind.ABSOLUTE:
            return int(self.max_count or 0)
        if base_count is None:
            raise ValueError("Chỉ tiêu theo tỷ lệ cần số lượng làm căn cứ.")
        raw = Decimal(base_count) * (self.percentage or Decimal(0)) / Decimal(100)
        mode = {Rounding.FLOOR: ROUND_FLOOR, Rounding.CEIL: ROUND_CEILING, Rounding.HALF_UP: ROUND_HALF_UP}[self.rounding]
        return int(raw.quantize(Decimal(1), rounding=mode))


class ParticipantQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> ParticipantQuerySet:
        """Units of the subtree, and people working in them."""
        return self.filter(Q(unit__path__startswith=root.path) | Q(person__unit__path__startswith=root.path))


class Participant(models.Model):
    """A unit or a person registered in a campaign, in one participant group."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    group = models.ForeignKey(ParticipantGroup, verbose_name="nhóm", on_delete=models.PROTECT, related_name="participants")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="participations")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="participations")
    registered_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "đối tượng tham gia"
        verbose_name_plural = "đối tượng tham gia"
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False, person__isnull=True) | Q(unit__isnull=True, person__isnull=False)),
                name="participant_unit_xor_person",
            ),
            models.UniqueConstraint(fields=["campaign", "unit"], condition=Q(unit__isnull=False), name="uniq_campaign_unit"),
            models.UniqueConstraint(fields=["campaign", "person"], condition=Q(person__isnull=False), name="uniq_campaign_person"),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.person)

    @property
    def home_unit(self) -> Unit:
        """The unit whose officers act for this participant."""
        return self.unit if self.unit_id else self.person.unit
