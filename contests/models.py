"""Contests (cuộc thi): a ``campaigns.Campaign`` of kind "contest" plus what the
plan says about entries, judging and prizes.

Blind judging follows pretalx's review phases (who may see names and other
reviews, and when); "không áp dụng" is kept out of averages as in Hypha.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from campaigns.choices import CampaignKind
from campaigns.models import AwardForm, Campaign
from core import formats
from core.files import unguessable_name
from organization.choices import Role
from organization.models import Unit
from organization.scope import ScopedQuerySet, role_of, scoped

from .choices import ContestStage, EntryFormat, EntryStatus, PrizeStatus, TieRule
from .measure import duration_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ContestSettings(models.Model):
    """Entry formats and limits, dates, blind mode and the tie rule of one contest."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="cuộc thi", on_delete=models.CASCADE, related_name="contest_settings"
    )
    allow_article = models.BooleanField("nhận bài viết", default=True)
    article_min_words = models.PositiveIntegerField("số chữ tối thiểu", default=1000)
    article_max_words = models.PositiveIntegerField("số chữ tối đa", default=2000)
    allow_video = models.BooleanField("nhận video", default=True)
    video_min_seconds = models.PositiveIntegerField("thời lượng video tối thiểu (giây)", default=240)
    video_max_seconds = models.PositiveIntegerField("thời lượng video tối đa (giây)", default=360)
    submission_start = models.DateField("nhận bài từ ngày")
    submission_end = models.DateField("nhận bài đến hết ngày")
    judging_deadline = models.DateField("hạn chấm thi")
    results_date = models.DateField("công bố kết quả trước ngày")
    min_entries_per_unit = models.PositiveSmallIntegerField("số bài tối thiểu mỗi đơn vị", default=1)
    blind = models.BooleanField(
        "chấm thi ẩn danh", default=True,
        help_text="Giám khảo không thấy tác giả, đơn vị và điểm của giám khảo khác cho đến khi công bố kết quả",
    )
    tie_rule = models.CharField("quy tắc đồng hạng", max_length=20, choices=TieRule.choices, default=TieRule.COMPETITION)
    stage = models.CharField("giai đoạn", max_length=20, choices=ContestStage.choices, default=ContestStage.SETUP)
    judging_closed_at = models.DateTimeField("kết thúc chấm lúc", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    next_entry_number = models.PositiveIntegerField("số thứ tự bài dự thi kế tiếp", default=1, editable=False)

    class Meta:
        verbose_name = "thiết lập cuộc thi"
        verbose_name_plural = "thiết lập cuộc thi"

    def __str__(self) -> str:
        return f"Thiết lập: {self.campaign}"

    def clean(self) -> None:
        errors = {}
        if self.article_min_words > self.article_max_words:
            errors["article_max_words"] = "Số chữ tối đa phải lớn hơn hoặc bằng số chữ tối thiểu."
        if self.video_min_seconds > self.video_max_seconds:
            errors["video_max_seconds"] = "Thời lượng tối đa phải lớn hơn hoặc bằng thời lượng tối thiểu."
        if self.submission_start and self.submission_end and self.submission_end < self.submission_start:
            errors["submission_end"] = "Ngày kết thúc nhận bài phải sau ngày bắt đầu."
        if self.submission_end and self.judging_deadline and self.judging_deadline < self.submission_end:
            errors["judging_deadline"] = "Hạn chấm thi phải sau ngày kết thúc nhận bài."
        if self.judging_deadline and self.results_date and self.results_date < self.judging_deadline:
            errors["results_date"] = "Ngày công bố kết quả phải sau hạn chấm thi."
        if not (self.allow_article or self.allow_video):
            errors["allow_article"] = "Cần nhận ít nhất một hình thức bài dự thi."
        if errors:
            raise ValidationError(errors)

    @property
    def judging_open(self) -> bool:
        return self.stage == ContestStage.JUDGING

    @property
    def revealed(self) -> bool:
        """In blind mode authors, units and other judges' scores stay hidden from judges
        until the results are published — not merely until judging closes: judging
        may be reopened (with a logged reason) after it closes, and a judge who had
        seen names and the other scores would re-score knowing them (issue 12)."""
        return not self.blind or self.stage == ContestStage.PUBLISHED

    @property
    def results_ready(self) -> bool:
        """Judging closed (results frozen) or published: what managers need to propose prizes."""
        return self.stage in (ContestStage.CLOSED, ContestStage.PUBLISHED)

    @property
    def formats(self) -> list[str]:
        return [f for f, on in ((EntryFormat.ARTICLE, self.allow_article), (EntryFormat.VIDEO, self.allow_video)) if on]


class RubricCriterion(models.Model):
    contest = models.ForeignKey(ContestSettings, on_delete=models.CASCADE, related_name="rubric")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("tiêu chí chấm", max_length=300)
    description = models.TextField("hướng dẫn chấm", blank=True)
    weight = models.DecimalField("trọng số", max_digits=6, decimal_places=2, default=Decimal("1"))
    max_score = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2, default=Decimal("10"))

    class Meta:
        verbose_name = "tiêu chí chấm thi"
        verbose_name_plural = "tiêu chí chấm thi"
        ordering = ["contest", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": "Trọng số phải lớn hơn 0."})
        if self.max_score is not None and self.max_score <= 0:
            raise ValidationError({"max_score": "Điểm tối đa phải lớn hơn 0."})


class EntryQuerySet(ScopedQuerySet):
    def for_user(self, user: AbstractBaseUser) -> EntryQuerySet:
        """Entries a user may see. Fails closed: no unit → nothing.

        - judges: only entries assigned to them (never by unit, so a judge of a
          commune does not see that commune's entries through the unit scope);
        - officers: every entry of their unit's subtree, drafts included;
        - others: submitted entries of their subtree (staff: also of contests issued
          in their subtree), and drafts only of their own unit.
        """
        # Visibility depends on the role as well as the unit, so ``visible(root)`` is
        # not enough: the fail-closed part is still the base's ``scoped``.
        return scoped(self, user, lambda root: self._visible_from(root, user))

    def _visible_from(self, root: Unit, user: AbstractBaseUser) -> EntryQuerySet:
        role = role_of(user)
        if role == Role.JUDGE:
            return self.filter(assignments__judge=user, status=EntryStatus.SUBMITTED).distinct()
        subtree = Q(unit__path__startswith=root.path)
        if role == Role.OFFICER:
            return self.filter(subtree)
        # A draft belongs to its unit until submitted: staff, council and leaders of a
        # parent unit see only submitted entries (and drafts of their own unit).
        visible = Q(status=EntryStatus.SUBMITTED) & subtree | Q(unit=root)
        if role == Role.STAFF:
            visible |= Q(contest__issuing_unit__path__startswith=root.path, status=EntryStatus.SUBMITTED)
        return self.filter(visible)


def contests_for_user(user: AbstractBaseUser) -> models.QuerySet[Campaign]:
    """Contests a user may open: those in their campaign scope (``Campaign.for_user``),
    plus (for judges) those where they have an assignment. Anonymous: none."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    visible = Campaign.objects.for_user(user).filter(kind=CampaignKind.CONTEST).values("pk")
    return Campaign.objects.filter(
        Q(pk__in=visible) | Q(contest_entries__assignments__judge=user, kind=CampaignKind.CONTEST)
    ).distinct()


def entry_upload_to(instance: Entry, filename: str) -> str:
    """The stripped copy judges download: ``contests/<contest>/<uuid4>.<ext>``. The
    stored name never carries the author's file name (which could reveal them in
    blind mode) and cannot be guessed."""
    return unguessable_name(f"contests/{instance.contest.code}", filename)


def entry_original_upload_to(instance: Entry, filename: str) -> str:
    """The file as uploaded, metadata included: for the contest's managers only."""
    return unguessable_name(f"contests/{instance.contest.code}/goc", filename)


class Entry(models.Model):
    contest = models.ForeignKey(Campaign, verbose_name="cuộc thi", on_delete=models.CASCADE, related_name="contest_entries")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị dự thi", on_delete=models.PROTECT, related_name="contest_entries")
    code = models.CharField("số báo danh", max_length=20)
    title = models.CharField("tiêu đề bài dự thi", max_length=500)
    format = models.CharField("hình thức", max_length=10, choices=EntryFormat.choices)
    file = models.FileField(
        "tệp bài dự thi (đã xóa thông tin tác giả)", upload_to=entry_upload_to, max_length=300,
        help_text="Bản đã xóa siêu dữ liệu nhận dạng (tác giả, cơ quan, tiêu đề, mô tả…): bản giám khảo tải về.",
    )
    original_file = models.FileField(
        "tệp gốc", upload_to=entry_original_upload_to, max_length=300, blank=True,
        help_text="Tệp đúng như khi nộp, còn siêu dữ liệu: chỉ cán bộ quản lý cuộc thi được tải.",
    )
    original_filename = models.CharField("tên tệp gốc", max_length=255, blank=True)
    word_count = models.PositiveIntegerField("số chữ", null=True, blank=True)
    duration_seconds = models.PositiveIntegerField("thời lượng (giây)", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "bài dự thi"
        verbose_name_plural = "bài dự thi"
        ordering = ["contest", "code"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"], name="uniq_contest_entry_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field`` (see ``audit.admin.file_link``)."""
        name = "contests:entry_original" if field == "original_file" else "contests:entry_file"
        return reverse(name, args=[self.contest.code, self.pk])

    @property
    def ext(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if self.file and "." in self.file.name else "bin"

    @property
    def measure_display(self) -> str:
        if self.format == EntryFormat.ARTICLE and self.word_count is not None:
            return f"{formats.number(self.word_count)} chữ"
        if self.format == EntryFormat.VIDEO and self.duration_seconds is not None:
            return duration_text(self.duration_seconds)
        return ""


class EntryAuthor(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="authors")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    full_name = models.CharField("họ và tên", max_length=200)
    position = models.CharField("chức vụ", max_length=200)
    workplace = models.CharField("đơn vị công tác", max_length=255)
    phone = models.CharField("số điện thoại", max_length=30)

    class Meta:
        verbose_name = "tác giả"
        verbose_name_plural = "tác giả"
        ordering = ["entry", "order", "id"]

    def __str__(self) -> str:
        return self.full_name


class JudgeAssignment(models.Model):
    entry = models.ForeignKey(Entry, verbose_name="bài dự thi", on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="giám khảo", on_delete=models.PROTECT, related_name="contest_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("phân công lúc", auto_now_add=True)
    scored_at = models.DateTimeField("chấm xong lúc", null=True, blank=True)
    comment = models.TextField("nhận xét", blank=True)

    class Meta:
        verbose_name = "phân công chấm"
        verbose_name_plural = "phân công chấm"
        ordering = ["entry", "judge__username"]
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="uniq_entry_judge")]

    def __str__(self) -> str:
        return f"{self.entry.code} – {self.judge}"


class Score(models.Model):
    """One judge's score on one rubric criterion. ``value`` NULL means "không áp dụng"."""

    assignment = models.ForeignKey(JudgeAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField("điểm", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "điểm chấm"
        verbose_name_plural = "điểm chấm"
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="uniq_score_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {'không áp dụng' if self.value is None else self.value}"

    @property
    def not_applicable(self) -> bool:
        return self.value is None


class EntryResult(models.Model):
    """The frozen result of an entry, written when judging closes."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result")
    judges = models.PositiveSmallIntegerField("số giám khảo")
    mean = models.DecimalField("điểm trung bình (thang 100)", max_digits=7, decimal_places=2)
    median = models.DecimalField("trung vị", max_digits=7, decimal_places=2)
    spread = models.DecimalField("chênh lệch giữa giám khảo (cao nhất − thấp nhất)", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("xếp hạng")
    computed_at = models.DateTimeField("tính lúc", auto_now=True)

    class Meta:
        verbose_name = "kết quả bài dự thi"
        verbose_name_plural = "kết quả bài dự thi"
        ordering = ["rank", "entry__code"]

    def __str__(self) -> str:
        return f"{self.entry.code}: hạng {self.rank}"


class Prize(models.Model):
    contest = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contest_prizes")
    entry = models.ForeignKey(Entry, verbose_name="bài dự thi", on_delete=models.CASCADE, related_name="prizes")
    award_form = models.ForeignKey(AwardForm, verbose_name="giải", on_delete=models.PROTECT, related_name="contest_prizes")
    amount = models.PositiveIntegerField("tiền thưởng (đồng)", default=0)
    status = models.CharField("trạng thái", max_length=20, choices=PrizeStatus.choices, default=PrizeStatus.PROPOSED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)

    class Meta:
        verbose_name = "giải thưởng"
        verbose_name_plural = "giải thưởng"
        ordering = ["contest", "award_form__rank", "entry__code"]
        constraints = [models.UniqueConstraint(fields=["entry"], name="uniq_prize_entry")]

    def __str__(self) -> str:
        return f"{self.award_form.name}: {self.entry}"
