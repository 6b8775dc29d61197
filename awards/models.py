"""Awards: nominations, council meetings, decisions, generated dossiers and the
dated legal configuration (regimes, bonus coefficients, base salary).

Status fields change only in ``awards.services``; every change writes an audit event.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from campaigns.choices import AwardLevel, AwardType, Subject
from campaigns.models import AwardForm, Participant, ParticipantGroup, Round
from core import formats
from core.files import unguessable_name
from organization.models import Person, Unit
from organization.scope import ScopedQuerySet

from .choices import (
    EDITABLE_STATUSES,
    NOMINATION_TRANSITIONS,
    AttachmentKind,
    DecisionStatus,
    DocumentKind,
    DocumentStatus,
    MeetingStatus,
    NominationStatus,
    TallySource,
)

# --- dated legal configuration ------------------------------------------------


class LegalRegime(models.Model):
    """A decree period that decides bonus coefficients, rounding and the report form.

    ``valid_until`` is the last day it governs (NĐ 152/2025 ceases on 01/03/2027
    unless extended, Điều 60 khoản 1: last day 28/02/2027). Transitional rules:
    dossiers submitted before ``valid_from`` follow ``prior_dossiers_regime``
    (NĐ 152 Điều 60 khoản 3); where the delegated rules are missing the
    predecessor keeps applying to those matters until ``no_delegated_rules_until``
    (Điều 60 khoản 2)."""

    code = models.SlugField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=200)
    decree = models.CharField("số hiệu nghị định", max_length=60)
    valid_from = models.DateField("áp dụng từ ngày")
    valid_from_basis = models.CharField("căn cứ ngày áp dụng", max_length=300, blank=True,
                                        help_text="Điều khoản quy định hiệu lực, ví dụ “Điều 59 khoản 1”")
    valid_until = models.DateField("đến hết ngày", null=True, blank=True)
    valid_until_basis = models.CharField("căn cứ ngày hết áp dụng", max_length=300, blank=True,
                                         help_text="Ví dụ “NĐ 152/2025/NĐ-CP Điều 60 khoản 1”")
    report_form_title = models.CharField(
        "mẫu báo cáo thành tích", max_length=300,
        help_text="Dòng ghi trên đầu báo cáo thành tích cho quyết định trong giai đoạn này",
    )
    rounding_step = models.PositiveIntegerField(
        "làm tròn lên đến (đồng)", default=10_000,
        help_text="Tiền thưởng sau khi nhân hệ số với mức lương cơ sở được làm tròn lên hàng chục nghìn đồng "
                  "(NĐ 152/2025/NĐ-CP Điều 49 khoản 2). 1 = không làm tròn.",
    )
    rounding_article = models.CharField("căn cứ làm tròn", max_length=200, blank=True)
    prior_dossiers_regime = models.ForeignKey(
        "self", verbose_name="hồ sơ gửi trước ngày áp dụng theo", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="Hồ sơ đã gửi trước ngày áp dụng được thẩm định, trình và quyết định theo văn bản này",
    )
    prior_dossiers_article = models.CharField("căn cứ chuyển tiếp hồ sơ", max_length=200, blank=True)
    no_delegated_rules_until = models.DateField(
        "văn bản trước còn áp dụng (nơi chưa ban hành quy định phân cấp) đến hết ngày", null=True, blank=True)
    no_delegated_rules_article = models.CharField("căn cứ áp dụng chuyển tiếp", max_length=200, blank=True)
    note = models.TextField(
        "nguồn, mức độ chắc chắn", blank=True,
        help_text="Nguồn đã đối chiếu và các giá trị còn cần kiểm chứng",
    )

    class Meta:
        verbose_name = "giai đoạn pháp lý"
        verbose_name_plural = "giai đoạn pháp lý (nghị định)"
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        """"NĐ 152/2025/NĐ-CP" – the decree as cited next to an amount."""
        return f"NĐ {self.decree}"


class BonusKind(models.TextChoices):
    """What a coefficient row pays for: the award types an ``AwardForm`` can carry
    plus the other titles and forms of the decrees' money articles, so the
    "Mức tiền thưởng" table lists them all."""

    GIAY_KHEN = AwardType.GIAY_KHEN.value, AwardType.GIAY_KHEN.label
    BANG_KHEN_PROVINCE = AwardType.BANG_KHEN_PROVINCE.value, AwardType.BANG_KHEN_PROVINCE.label
    BANG_KHEN_PM = AwardType.BANG_KHEN_PM.value, AwardType.BANG_KHEN_PM.label
    LDTT = AwardType.LDTT.value, AwardType.LDTT.label
    CSTDCS = AwardType.CSTDCS.value, AwardType.CSTDCS.label
    TLDXS = AwardType.TLDXS.value, AwardType.TLDXS.label
    CSTD_PROVINCE = "cstd_tinh", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh"
    CSTD_NATIONAL = "cstd_toan_quoc", "Chiến sĩ thi đua toàn quốc"
    FLAG_PROVINCE = "co_thi_dua_tinh", "Cờ thi đua của bộ, ban, ngành, tỉnh"
    FLAG_GOVERNMENT = "co_thi_dua_cp", "Cờ thi đua của Chính phủ"
    MODEL_COMMUNE = "xa_tieu_bieu", "Xã, phường, đặc khu tiêu biểu"
    CULTURAL_HAMLET = "thon_van_hoa", "Thôn, tổ dân phố văn hóa"


class BonusCoefficient(models.Model):
    """One coefficient × base salary, with the decree article that sets it.

    An empty ``coefficient`` records that the law gives NO amount for this award
    (e.g. a Giấy khen of an authority outside Luật TĐKT Điều 75.1 a, b, c, đ that
    NĐ 152 Điều 54.1.e pays): the amount is then ``None`` with ``note``, never guessed."""

    regime = models.ForeignKey(LegalRegime, verbose_name="nghị định", on_delete=models.CASCADE, related_name="coefficients")
    award_type = models.CharField("loại hình thức", max_length=30, choices=BonusKind.choices)
    subject = models.CharField("đối tượng", max_length=20, choices=Subject.choices)
    level = models.CharField(
        "cấp khen thưởng", max_length=20, choices=AwardLevel.choices, blank=True,
        help_text="Để trống: áp dụng cho mọi cấp (dòng có cấp cụ thể được ưu tiên)",
    )
    coefficient = models.DecimalField("hệ số × mức lương cơ sở", max_digits=5, decimal_places=2, null=True, blank=True,
                                      help_text="Để trống khi pháp luật không quy định mức tiền thưởng (ghi rõ ở ghi chú)")
    article = models.CharField("điều khoản", max_length=200,
                               help_text="Ví dụ “Điều 54 khoản 1 điểm e”; số hiệu nghị định lấy theo giai đoạn pháp lý")
    label = models.CharField("tên hiển thị", max_length=200, blank=True)
    verified = models.BooleanField("đã đối chiếu văn bản gốc", default=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    note = models.CharField(
        "nguồn, ghi chú", max_length=500, blank=True,
        help_text="\"cần kiểm chứng\" khi chưa đối chiếu được văn bản gốc",
    )

    class Meta:
        verbose_name = "hệ số tiền thưởng"
        verbose_name_plural = "hệ số tiền thưởng"
        ordering = ["regime__valid_from", "order", "award_type", "subject", "level"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "award_type", "subject", "level"], name="awards_coefficient_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} {self.award_type} {self.subject} {self.level or '*'}: {self.coefficient}"

    @property
    def decree(self) -> str:
        return self.regime.decree

    @property
    def source(self) -> str:
        """"NĐ 152/2025/NĐ-CP, Điều 54 khoản 1 điểm e"."""
        return f"{self.regime.short_name}, {self.article}" if self.article else self.regime.short_name

    @property
    def display_label(self) -> str:
        if self.label:
            return self.label
        kind = self.get_award_type_display()
        return f"{kind} ({self.get_level_display().lower()})" if self.level else kind


class BaseSalary(models.Model):
    valid_from = models.DateField("áp dụng từ ngày", unique=True)
    amount = models.PositiveIntegerField("mức lương cơ sở (đồng/tháng)")
    legal_basis = models.CharField("căn cứ", max_length=300, blank=True)
    needs_verification = models.BooleanField(
        "cần kiểm chứng", default=False, help_text="Đánh dấu khi mức lương chỉ có từ nguồn chưa chính thức"
    )

    class Meta:
        verbose_name = "mức lương cơ sở"
        verbose_name_plural = "mức lương cơ sở"
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{formats.money(self.amount)} từ {formats.date(self.valid_from)}"


# --- nominations --------------------------------------------------------------


class NominationQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> NominationQuerySet:
        """Nominations proposed within the user's subtree, or in a campaign issued
        within it (district staff see their communes'). No unit → nothing (``for_user``)."""
        # Two id sets, each from its own indexed path lookup, rather than an OR across
        # the joins: with 3,000 communes PostgreSQL planned the OR as a join discarding
        # 9.1 M rows (issue 14: the staff home took 4.2 s).
        units = Unit.objects.filter(path__startswith=root.path).values("pk")
        rounds = Round.objects.filter(campaign__issuing_unit__path__startswith=root.path).values("pk")
        return self.filter(Q(proposing_unit_id__in=units) | Q(round_id__in=rounds))


class Nomination(models.Model):
    """A proposal to award one collective (unit) or one individual (person)."""

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.PROTECT, related_name="nominations")
    award_form = models.ForeignKey(AwardForm, verbose_name="hình thức khen thưởng", on_delete=models.PROTECT, related_name="nominations")
    subject = models.CharField("đối tượng", max_length=20, choices=Subject.choices)
    unit = models.ForeignKey(Unit, verbose_name="tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="award_nominations")
    person = models.ForeignKey(Person, verbose_name="cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="award_nominations")
    participant = models.ForeignKey(Participant, verbose_name="đối tượng tham gia", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    group = models.ForeignKey(ParticipantGroup, verbose_name="nhóm đối tượng", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposing_unit = models.ForeignKey(Unit, verbose_name="đơn vị đề nghị", on_delete=models.PROTECT, related_name="proposed_nominations")
    status = models.CharField("trạng thái", max_length=20, choices=NominationStatus.choices, default=NominationStatus.DRAFT, db_index=True)
    report = models.JSONField(
        "báo cáo thành tích", default=dict, blank=True,
        help_text="Sơ lược lý lịch, thành tích theo từng tiêu chí (điền sẵn từ kết quả chấm, cán bộ sửa), nội dung khác",
    )
    summary = models.TextField("tóm tắt thành tích", blank=True)
    return_reason = models.TextField("lý do trả lại", blank=True)
    appraisal_note = models.TextField("ý kiến thẩm định", blank=True)
    appraisal_marks = models.JSONField(
        "thẩm định từng tiêu chí", default=dict, blank=True,
        help_text="{mã tiêu chí (id): {\"met\": true/false, \"note\": \"…\"}}: tiêu chí xác nhận được cán bộ thẩm định đánh dấu Đạt / Không đạt",
    )
    decision = models.ForeignKey("Decision", verbose_name="quyết định", null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations")
    coefficient = models.DecimalField("hệ số", max_digits=5, decimal_places=2, null=True, blank=True)
    base_salary = models.PositiveIntegerField("mức lương cơ sở áp dụng", null=True, blank=True)
    amount = models.PositiveIntegerField("số tiền thưởng (đồng)", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = "hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "hồ sơ đề nghị khen thưởng"
        ordering = ["round", "award_form", "subject", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False, person__isnull=True) | Q(unit__isnull=True, person__isnull=False)),
                name="awards_nomination_unit_xor_person",
            ),
            models.UniqueConstraint(fields=["round", "award_form", "unit"], condition=Q(unit__isnull=False), name="awards_nomination_uniq_unit"),
            models.UniqueConstraint(fields=["round", "award_form", "person"], condition=Q(person__isnull=False), name="awards_nomination_uniq_person"),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name} – {self.award_form.name}"

    @property
    def nominee_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def nominee_detail(self) -> str:
        """Position and unit of an individual, as printed in lists and certificates."""
        if self.person_id:
            parts = [p for p in (self.person.position, self.person.unit.name) if p]
            return ", ".join(parts)
        return ""

    @property
    def is_individual(self) -> bool:
        return self.subject == Subject.INDIVIDUAL

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def next_states(self) -> set[str]:
        """The states the workflow map allows from here: which buttons a page offers."""
        return NOMINATION_TRANSITIONS.get(self.status, set())


def attachment_path(instance: NominationAttachment, filename: str) -> str:
    """``awards/nominations/<uuid4>.<ext>``: nothing on disk says whose evidence it is."""
    return unguessable_name("awards/nominations", filename)


class NominationAttachment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("loại tài liệu", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.EVIDENCE)
    title = models.CharField("tên tài liệu", max_length=300)
    file = models.FileField("tệp", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kèm theo"
        verbose_name_plural = "tài liệu kèm theo"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field`` (see ``audit.admin.file_link``)."""
        return reverse("awards:attachment_download", args=[self.nomination_id, self.pk])

    @property
    def filename(self) -> str:
        """The name the file had when uploaded (the stored name is a random one)."""
        return self.original_name or (self.file.name.rsplit("/", 1)[-1] if self.file else "")


class DeadlineException(models.Model):
    """Staff allow one proposing unit to nominate after the round's deadline."""

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.CASCADE, related_name="deadline_exceptions")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    until = models.DateField("được gửi đến hết ngày")
    reason = models.TextField("lý do")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField("cho phép lúc", auto_now_add=True)

    class Meta:
        verbose_name = "gia hạn gửi hồ sơ"
        verbose_name_plural = "gia hạn gửi hồ sơ"
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.unit} đến {formats.date(self.until)}"


# --- council ------------------------------------------------------------------


class MeetingQuerySet(ScopedQuerySet):
    """Meetings of rounds whose campaign was issued within the user's subtree."""

    unit_field = "round__campaign__issuing_unit"


class CouncilMeeting(models.Model):
    """A session of the Hội đồng Thi đua – Khen thưởng reviewing a round."""

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.PROTECT, related_name="council_meetings")
    title = models.CharField("tên cuộc họp", max_length=300, default="Họp Hội đồng Thi đua – Khen thưởng xét khen thưởng")
    number = models.CharField("số biên bản", max_length=20, blank=True)
    symbol = models.CharField("ký hiệu biên bản", max_length=40, default="BB-HĐTĐKT")
    held_at = models.DateTimeField("thời gian bắt đầu")
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    location = models.CharField("địa điểm", max_length=300, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "cuộc họp Hội đồng TĐKT"
        verbose_name_plural = "cuộc họp Hội đồng TĐKT"
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.title} ({formats.date(self.held_at)})"

    @property
    def member_count(self) -> int:
        return len(self.members.all())

    @property
    def present_count(self) -> int:
        return sum(1 for m in self.members.all() if m.present)

    @property
    def has_quorum(self) -> bool:
        """At least two thirds of all members attend (ND 98 Art. 30.7)."""
        total = self.member_count
        return total > 0 and self.present_count * 3 >= total * 2

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.OPEN

    @property
    def chair(self) -> CouncilMember | None:
        return next((m for m in self.members.all() if m.is_chair), None)

    @property
    def secretary(self) -> CouncilMember | None:
        return next((m for m in self.members.all() if m.is_secretary), None)

    @property
    def document_code(self) -> str:
        return Decision.format_code(self.number, self.symbol)


class CouncilMember(models.Model):
    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("họ và tên", max_length=200)
    position = models.CharField("chức vụ", max_length=300, blank=True)
    council_role = models.CharField("chức danh trong Hội đồng", max_length=100, default="Ủy viên")
    is_chair = models.BooleanField("chủ trì", default=False)
    is_secretary = models.BooleanField("thư ký", default=False)
    present = models.BooleanField("có mặt", default=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)

    class Meta:
        verbose_name = "thành viên Hội đồng"
        verbose_name_plural = "thành viên Hội đồng"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.name


def vote_requirement(meeting: CouncilMeeting, award_form: AwardForm) -> tuple[int, str]:
    """(votes needed, rule text in Vietnamese) for ``award_form`` at ``meeting``.

    A threshold on the award form counts ALL members, an absent member's written
    opinion counting as their vote: the rule NĐ 152/2025/NĐ-CP Điều 45 khoản 4 điểm b
    states for the central council ("từ 90% trở lên số phiếu đồng ý của các Ủy viên
    Hội đồng (nếu Ủy viên Hội đồng vắng mặt thì lấy ý kiến bằng văn bản)", quorum 2/3),
    and NĐ 98/2023 Art. 30.7 set for local councils (≥ 80% for Chiến sĩ thi đua cơ sở;
    under NĐ 152 Điều 6 khoản 2 điểm đ, e each bộ/tỉnh sets its councils' rules, so the
    percentage is the award form's configuration). Otherwise a simple majority of the
    members present (no legal threshold for Lao động tiên tiến / Giấy khen)."""
    total = meeting.member_count
    percent = award_form.vote_threshold_percent
    if percent is not None:
        needed = (Decimal(total) * percent / 100).to_integral_value(rounding=ROUND_CEILING)
        return int(needed), f"từ {formats.number(percent)}% tổng số thành viên Hội đồng trở lên ({int(needed)}/{total})"
    present = meeting.present_count
    needed = present // 2 + 1
    return needed, f"quá bán số thành viên dự họp ({needed}/{present})"


class VoteTally(models.Model):
    """Counted ballots for one nomination at one meeting (secret ballot: counts only)."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="tallies")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="tallies")
    yes = models.PositiveSmallIntegerField("đồng ý", default=0)
    no = models.PositiveSmallIntegerField("không đồng ý", default=0)
    abstain = models.PositiveSmallIntegerField("không biểu quyết / phiếu trắng", default=0)
    absent_yes = models.PositiveSmallIntegerField("ý kiến bằng văn bản đồng ý (vắng mặt)", default=0)
    absent_no = models.PositiveSmallIntegerField("ý kiến bằng văn bản không đồng ý (vắng mặt)", default=0)
    absent_opinions = models.TextField("ý kiến bằng văn bản của thành viên vắng mặt", blank=True)
    source = models.CharField("nguồn kết quả", max_length=10, choices=TallySource.choices, default=TallySource.PAPER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kết quả bỏ phiếu"
        verbose_name_plural = "kết quả bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["meeting", "nomination"], name="awards_tally_uniq")]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.yes}/{self.no}/{self.abstain}"

    @property
    def agree(self) -> int:
        return self.yes + self.absent_yes

    def required(self) -> tuple[int, str]:
        """(votes needed, rule text): ``vote_requirement`` of the meeting and award form."""
        return vote_requirement(self.meeting, self.nomination.award_form)

    @property
    def passed(self) -> bool:
        needed, _ = self.required()
        votes = self.agree if self.nomination.award_form.vote_threshold_percent is not None else self.yes
        return self.meeting.has_quorum and votes >= needed

    @property
    def percent_of_members(self) -> Decimal:
        total = self.meeting.member_count
        return (Decimal(self.agree) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)


class BallotReceipt(models.Model):
    """That a member has voted at a meeting (one ballot each); what they voted is in
    ``Ballot`` rows that do not name them (secret ballot). ``written``: an absent
    member's written opinion, entered by the secretary."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="ballot_receipts")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="ballot_receipts")
    written = models.BooleanField("ý kiến bằng văn bản (vắng mặt)", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField("bỏ phiếu lúc", auto_now_add=True)

    class Meta:
        verbose_name = "đã bỏ phiếu"
        verbose_name_plural = "danh sách đã bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="awards_ballot_receipt_uniq")]

    def __str__(self) -> str:
        return f"{self.member} ({self.meeting_id})"


class Ballot(models.Model):
    """One vote on one nomination (đồng ý / không đồng ý), unlinked from the voter."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="ballots")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="ballots")
    agree = models.BooleanField("đồng ý")
    written = models.BooleanField("ý kiến bằng văn bản (vắng mặt)", default=False)

    class Meta:
        verbose_name = "phiếu bầu"
        verbose_name_plural = "phiếu bầu"
        indexes = [models.Index(fields=["meeting", "nomination"], name="awards_ballot_meeting_nom")]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {'đồng ý' if self.agree else 'không đồng ý'}"


# --- decisions and documents -----------------------------------------------------


def decision_scan_path(instance: Decision, filename: str) -> str:
    """``awards/decisions/<uuid4>.<ext>``: a higher level's signed decision, stored privately."""
    return unguessable_name("awards/decisions", filename)


class DecisionQuerySet(ScopedQuerySet):
    """Decisions of rounds whose campaign was issued within the user's subtree."""

    unit_field = "round__campaign__issuing_unit"


class Decision(models.Model):
    """The award decision of a round (Quyết định khen thưởng) and the proposal
    (Tờ trình) that precedes it."""

    round = models.ForeignKey(Round, verbose_name="đợt xét", on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(CouncilMeeting, verbose_name="cuộc họp Hội đồng", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    proposal_number = models.CharField("số tờ trình", max_length=20, blank=True)
    proposal_symbol = models.CharField("ký hiệu tờ trình", max_length=40, default="TTr-UBND")
    proposal_date = models.DateField("ngày tờ trình")
    proposal_unit = models.ForeignKey(Unit, verbose_name="cơ quan trình", on_delete=models.PROTECT, related_name="+")
    addressee = models.CharField("kính gửi", max_length=300)
    number = models.CharField("số quyết định", max_length=20, blank=True)
    symbol = models.CharField("ký hiệu quyết định", max_length=40, default="QĐ-UBND")
    date = models.DateField("ngày quyết định", null=True, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    proposal_signer_title = models.CharField("chức vụ người ký tờ trình", max_length=200, blank=True)
    proposal_signer_name = models.CharField("người ký tờ trình", max_length=200, blank=True)
    funding_source = models.CharField("nguồn kinh phí", max_length=300, blank=True)
    gold_book_from = models.PositiveIntegerField("số sổ vàng bắt đầu", null=True, blank=True)
    # Which forms this decision covers: only forms of ONE deciding authority (issue 11).
    award_forms = models.ManyToManyField(AwardForm, verbose_name="hình thức khen thưởng", blank=True, related_name="decisions")
    upward = models.BooleanField(
        "trình cấp trên", default=False,
        help_text="Tờ trình đề nghị cấp trên khen thưởng; quyết định do cấp trên ban hành và được ghi nhận lại",
    )
    authority = models.CharField("cấp có thẩm quyền quyết định", max_length=300, blank=True)
    scan = models.FileField("bản chụp quyết định của cấp trên", upload_to=decision_scan_path, blank=True, max_length=300)
    scan_name = models.CharField("tên tệp bản chụp", max_length=255, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Quyết định {self.document_code}"

    @staticmethod
    def format_code(number: str, symbol: str) -> str:
        """"05/QĐ-UBND" (a number below 10 padded), or a blank number to fill in by hand.

        ``number`` is the number only; one typed with its symbol ("02/BB-HĐTĐKT") keeps
        its number part, so the symbol is never printed twice."""
        number = (number or "").split("/", 1)[0].strip()
        number = number.zfill(2) if number.isdigit() else number
        return f"{number}/{symbol}" if number else f"     /{symbol}"

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field`` (see ``audit.admin.file_link``)."""
        return reverse("awards:decision_scan", args=[self.pk])

    @property
    def scan_filename(self) -> str:
        return self.scan_name or (self.scan.name.rsplit("/", 1)[-1] if self.scan else "")

    @property
    def document_code(self) -> str:
        return self.format_code(self.number, self.symbol)

    @property
    def proposal_code(self) -> str:
        return self.format_code(self.proposal_number, self.proposal_symbol)


def document_path(instance: GeneratedDocument, filename: str) -> str:
    """``awards/documents/<uuid4>.pdf``; the readable name is kept in ``file_name``."""
    return unguessable_name("awards/documents", filename)


class DocumentQuerySet(ScopedQuerySet):
    def visible(self, root: Unit) -> DocumentQuerySet:
        """Documents of rounds issued within the subtree, or of nominations proposed in it."""
        return self.filter(
            Q(round__campaign__issuing_unit__path__startswith=root.path) | Q(nomination__proposing_unit__path__startswith=root.path)
        )


class GeneratedDocument(models.Model):
    """A rendered PDF, stored so that the signed version can be downloaded again."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="award_documents")
    kind = models.CharField("loại văn bản", max_length=20, choices=DocumentKind.choices)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(CouncilMeeting, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    status = models.CharField("trạng thái", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    file = models.FileField("tệp PDF", upload_to=document_path, blank=True, max_length=300)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    form_title = models.CharField("mẫu áp dụng", max_length=300, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản đã tạo"
        verbose_name_plural = "văn bản đã tạo"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        target = self.nomination or self.decision or self.meeting or ""
        return f"{self.get_kind_display()} {target}".strip()

    def download_url(self, field: str) -> str:
        """The checked view that serves ``field`` (see ``audit.admin.file_link``)."""
        return reverse("awards:document_download", args=[self.pk])

    @property
    def filename(self) -> str:
        """The name a user downloads (``to-trinh-12.pdf``); the stored name is random."""
        return self.file_name or (self.file.name.rsplit("/", 1)[-1] if self.file else "")
