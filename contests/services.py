"""State changes of contests. Views call these and nothing else changes contest
data. Every change is permission-checked (``contests/rules.py``, fails closed),
moves along the maps in ``choices.py`` and is audit-logged inside its transaction.
Summaries and the frozen ranking live in ``results.py``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from audit.services import record, transition
from awards.money import award_amount
from campaigns.choices import AwardType, CampaignKind
from campaigns.models import AwardForm, Campaign
from core import formats
from core.errors import DomainError
from core.metadata import strip_identifying_metadata, strip_mp4_in_place
from notifications.choices import Kind as Notice
from notifications.services import notify
from organization.choices import Role
from organization.models import Unit
from organization.rules import allowed, require
from organization.scope import role_of, scope_unit

from . import measure
from .choices import (
    ENTRY_TRANSITIONS,
    PRIZE_TRANSITIONS,
    STAGE_TRANSITIONS,
    ContestStage,
    EntryFormat,
    EntryStatus,
    PrizeStatus,
)
from .models import ContestSettings, Entry, EntryAuthor, EntryResult, JudgeAssignment, Prize, Score
from .results import compute_results

MANAGE_REFUSED = "Bạn không có quyền quản lý cuộc thi này."


class ContestError(DomainError):
    """A refused contest operation; the message (Vietnamese) is shown to the user."""


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _require_manager(actor: Any, campaign: Campaign) -> None:
    """Raise ``NotAllowed`` unless ``actor`` runs ``campaign`` (``contests.manage_contest``)."""
    require(actor, "contests.manage_contest", campaign, MANAGE_REFUSED)


def participant_units(campaign: Campaign) -> list[Unit]:
    """Units registered as (collective) participants: they must enter ≥ N entries."""
    return list(Unit.objects.filter(participations__campaign=campaign).order_by("path").distinct())


def submittable_units(user: Any, campaign: Campaign) -> list[Unit]:
    """Participant units the user may submit entries for (``contests.submit_entry``)."""
    return [u for u in participant_units(campaign)
            if allowed(user, "contests.submit_entry", Entry(contest=campaign, unit=u))]


def settings_of(campaign: Campaign) -> ContestSettings:
    # Always read the row: guards must see the current stage, not a cached relation.
    try:
        return ContestSettings.objects.get(campaign_id=campaign.pk)
    except ContestSettings.DoesNotExist as exc:
        raise ContestError("Cuộc thi chưa được thiết lập (thể lệ, thời gian, tiêu chí chấm).") from exc


# --- set-up ------------------------------------------------------------------------

@transaction.atomic
def save_contest_settings(campaign: Campaign, *, actor: Any, form: Any, rubric_formset: Any) -> ContestSettings:
    """Save the contest's rules and rubric (staff of the issuing unit's scope)."""
    _require_manager(actor, campaign)
    if campaign.kind != CampaignKind.CONTEST:
        raise ContestError("Phong trào này không phải là cuộc thi.")
    existing = ContestSettings.objects.filter(campaign=campaign).first()
    if existing and existing.stage not in (ContestStage.SETUP, ContestStage.SUBMISSION):
        raise ContestError("Không thể sửa thể lệ khi cuộc thi đã chuyển sang chấm thi.")
    settings_obj = form.save(commit=False)
    settings_obj.campaign = campaign
    settings_obj.save()
    rubric_formset.instance = settings_obj
    rubric_formset.save()
    if not settings_obj.rubric.exists():
        raise ContestError("Cần ít nhất một tiêu chí chấm thi.")
    record(actor=actor, action="contest.settings.update" if existing else "contest.settings.create",
           obj=settings_obj, unit=campaign.issuing_unit, data={"fields": sorted(form.changed_data)})
    return settings_obj


#: The shortest reason accepted for reopening judging, closing it with unscored entries
#: or extending its deadline (a word or two is not a reason).
REOPEN_REASON_MIN = 10


@transaction.atomic
def change_stage(contest: ContestSettings, *, actor: Any, to: str, reason: str = "") -> ContestSettings:
    """Move the contest along ``STAGE_TRANSITIONS`` (open submissions, start judging,
    close judging, reopen judging). Closing judging freezes the results.

    Reopening (closed → judging) needs a ``reason`` of at least ``REOPEN_REASON_MIN``
    characters, kept in the audit event; it deletes the frozen results and the
    proposed prizes, so everything is hidden again. Closing judging while entries are
    unscored (a judge did not score, an entry has no judge) is refused with the list
    of those entries, unless a ``reason`` of the same length is given: then it closes,
    the unscored entries are left out of the ranking, and the audit event keeps the
    reason and the list (issue 13: no dead end when a judge never scores). Judges never saw names or the
    other scores in between: in blind mode those appear only at publication
    (``ContestSettings.revealed``), after which no reopening is possible.

    Raises ``NotAllowed`` for anyone but the contest's managers, ``ContestError``
    for a move the map or the contest's state refuses."""
    _require_manager(actor, contest.campaign)
    contest = ContestSettings.objects.select_for_update().get(pk=contest.pk)
    if to not in ContestStage.values:
        raise ContestError("Thao tác không hợp lệ.")
    previous = contest.stage
    reason = reason.strip()
    reopening = previous == ContestStage.CLOSED and to == ContestStage.JUDGING
    if reopening and len(reason) < REOPEN_REASON_MIN:
        raise ContestError(
            f"Cần ghi lý do mở lại việc chấm thi (ít nhất {REOPEN_REASON_MIN} ký tự): lý do được lưu vào nhật ký."
        )
    unscored = unscored_entries(contest) if previous == ContestStage.JUDGING and to == ContestStage.CLOSED else []
    if unscored and len(reason) < REOPEN_REASON_MIN:
        raise ContestError(
            f"Còn bài chưa được chấm: {'; '.join(unscored[:10])}{' …' if len(unscored) > 10 else ''}. "
            f"Để kết thúc chấm thi khi vẫn còn các bài này, ghi lý do (ít nhất {REOPEN_REASON_MIN} ký tự): "
            "bài chưa có điểm không được xếp hạng."
        )
    with_reason = reopening or bool(unscored)
    data = {"reason": reason} if with_reason else None
    if unscored:
        data = {"reason": reason, "unscored": unscored}
    contest.judging_closed_at = timezone.now() if to == ContestStage.CLOSED else None
    # The map is checked first; a later refusal rolls the move back with the transaction.
    transition(contest, to, transitions=STAGE_TRANSITIONS, what="cuộc thi", actor=actor, action="contest.stage", error=ContestError,
               field="stage", labels=ContestStage, unit=contest.campaign.issuing_unit,
               comment=reason if with_reason else "", data=data,
               update_fields=("judging_closed_at",))
    if to == ContestStage.PUBLISHED:
        raise ContestError("Hãy dùng chức năng “Công bố kết quả”.")
    if to == ContestStage.SUBMISSION and not contest.rubric.exists():
        raise ContestError("Cần ít nhất một tiêu chí chấm thi trước khi nhận bài.")
    entries = Entry.objects.filter(contest=contest.campaign, status=EntryStatus.SUBMITTED)
    if to == ContestStage.JUDGING and previous == ContestStage.SUBMISSION and not entries.exists():
        raise ContestError("Chưa có bài dự thi nào được nộp.")
    if to == ContestStage.CLOSED:
        compute_results(contest)
    if reopening:
        if Prize.objects.filter(contest=contest.campaign, status=PrizeStatus.CONFIRMED).exists():
            raise ContestError("Giải thưởng đã được xác nhận: không thể mở lại việc chấm thi.")
        Prize.objects.filter(contest=contest.campaign).delete()
        EntryResult.objects.filter(entry__contest=contest.campaign).delete()
    return contest


def unscored_entries(contest: ContestSettings) -> list[str]:
    """Submitted entries a judge has not scored yet, then those with no judge, as
    "BD-001 (Nguyễn Văn A)" / "BD-004 (chưa phân công giám khảo)", by entry code."""
    pending = (
        JudgeAssignment.objects.filter(entry__contest=contest.campaign, entry__status=EntryStatus.SUBMITTED,
                                       scored_at__isnull=True)
        .select_related("entry", "judge").order_by("entry__code", "pk")
    )
    out = [f"{a.entry.code} ({_name(a.judge)})" for a in pending]
    unjudged = Entry.objects.filter(contest=contest.campaign, status=EntryStatus.SUBMITTED, assignments__isnull=True)
    out += [f"{code} (chưa phân công giám khảo)" for code in unjudged.order_by("code").values_list("code", flat=True)]
    return out


@transaction.atomic
def extend_judging_deadline(contest: ContestSettings, *, actor: Any, until: date, reason: str,
                            today: date | None = None) -> ContestSettings:
    """Move the judging deadline to ``until`` (a date, not before ``today`` nor the end
    of submissions), at any stage before publication — also while judging, when the
    contest's rules can no longer be edited. ``reason`` (≥ ``REOPEN_REASON_MIN``
    characters) and both dates go to the audit event.

    Raises ``NotAllowed`` for anyone but the contest's managers, ``ContestError`` once
    results are published or for a date or reason refused."""
    _require_manager(actor, contest.campaign)
    contest = ContestSettings.objects.select_for_update().get(pk=contest.pk)
    if contest.stage == ContestStage.PUBLISHED:
        raise ContestError("Kết quả đã công bố: không thể gia hạn chấm thi.")
    reason = reason.strip()
    if len(reason) < REOPEN_REASON_MIN:
        raise ContestError(f"Cần ghi lý do gia hạn chấm thi (ít nhất {REOPEN_REASON_MIN} ký tự): lý do được lưu vào nhật ký.")
    today = today or timezone.localdate()
    if until < today:
        raise ContestError(f"Hạn chấm thi mới ({formats.date(until)}) đã qua: chọn từ hôm nay ({formats.date(today)}) trở đi.")
    if until < contest.submission_end:
        raise ContestError(f"Hạn chấm thi mới ({formats.date(until)}) sớm hơn ngày hết nhận bài "
                           f"({formats.date(contest.submission_end)}).")
    before = contest.judging_deadline
    contest.judging_deadline = until
    contest.save(update_fields=["judging_deadline"])
    record(actor=actor, action="contest.judging_deadline.extend", obj=contest, unit=contest.campaign.issuing_unit,
           comment=reason, data={"before": before.isoformat(), "after": until.isoformat(), "reason": reason})
    return contest


# --- entries -----------------------------------------------------------------------

def _guard_window(contest: ContestSettings, today: date) -> None:
    if contest.stage != ContestStage.SUBMISSION:
        raise ContestError(f"Cuộc thi không trong giai đoạn nhận bài (hiện tại: {contest.get_stage_display()}).")
    if not (contest.submission_start <= today <= contest.submission_end):
        raise ContestError(
            f"Ngoài thời gian nhận bài dự thi (từ {formats.date(contest.submission_start)} "
            f"đến hết {formats.date(contest.submission_end)})."
        )


def _require_entrant(actor: Any, entry: Entry) -> None:
    """Officers and staff act on their own units' entries (``contests.submit_entry``),
    and only for units registered in the contest."""
    require(actor, "contests.submit_entry", entry, "Bạn chỉ được nộp bài dự thi cho đơn vị của mình.")
    campaign, unit = entry.contest, entry.unit
    if not campaign.participants.filter(unit=unit).exists():
        raise ContestError(f"{unit.name} không thuộc danh sách đơn vị tham gia cuộc thi.")


def check_limits(contest: ContestSettings, fmt: str, upload: Any, filename: str) -> tuple[int | None, int | None]:
    """Measure the file and apply the plan's limits. Returns (words, seconds)."""
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    if fmt not in contest.formats:
        raise ContestError(f"Cuộc thi không nhận hình thức “{EntryFormat(fmt).label}”.")
    upload.seek(0)
    try:
        if fmt == EntryFormat.ARTICLE:
            if ext not in measure.ARTICLE_EXTENSIONS:
                raise ContestError("Bài viết phải là tệp .docx hoặc .pdf.")
            words = measure.article_words(upload, ext)
            if words < contest.article_min_words:
                raise ContestError(
                    f"Bài viết có {formats.number(words)} chữ, ít hơn mức tối thiểu {formats.number(contest.article_min_words)} chữ."
                )
            if words > contest.article_max_words:
                raise ContestError(
                    f"Bài viết có {formats.number(words)} chữ, nhiều hơn mức tối đa {formats.number(contest.article_max_words)} chữ."
                )
            return words, None
        if ext not in measure.VIDEO_EXTENSIONS:
            raise ContestError("Video phải là tệp .mp4, .m4v hoặc .mov.")
        seconds = measure.mp4_duration_seconds(upload)
    except measure.MeasureError as exc:
        raise ContestError(str(exc)) from exc
    finally:
        upload.seek(0)
    whole = int(round(seconds))
    mmss = measure.duration_text
    if whole < contest.video_min_seconds:
        raise ContestError(f"Video dài {mmss(whole)}, ngắn hơn mức tối thiểu {mmss(contest.video_min_seconds)}.")
    if whole > contest.video_max_seconds:
        raise ContestError(f"Video dài {mmss(whole)}, dài hơn mức tối đa {mmss(contest.video_max_seconds)}.")
    return None, whole


AUTHOR_FIELDS = {"full_name": "Họ và tên", "position": "Chức vụ", "workplace": "Đơn vị công tác", "phone": "Số điện thoại"}


def _clean_authors(authors: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for i, author in enumerate(authors, start=1):
        values = {k: (author.get(k) or "").strip() for k in AUTHOR_FIELDS}
        if not any(values.values()):
            continue
        missing = [label for k, label in AUTHOR_FIELDS.items() if not values[k]]
        if missing:
            raise ContestError(f"Tác giả dòng {i}: thiếu {', '.join(missing)}.")
        cleaned.append(values)
    if not cleaned:
        raise ContestError("Cần ghi ít nhất một tác giả (họ và tên, chức vụ, đơn vị công tác, số điện thoại).")
    return cleaned


def _store_files(entry: Entry, upload: UploadedFile) -> None:
    """Store the upload twice: as sent (``original_file``, managers only) and with its
    identifying metadata stripped (``file``, what judges and the public download).
    Stripping comes first, so a file that cannot be cleaned is refused
    (``core.metadata.MetadataError``) and nothing is stored."""
    ext = os.path.splitext(upload.name)[1].lower().lstrip(".")
    upload.seek(0)
    if ext in measure.VIDEO_EXTENSIONS:
        # Videos are large: strip a temporary copy in place, never the whole file in memory.
        stripped: File = File(tempfile.TemporaryFile(), name=f"bai-du-thi.{ext}")
        for chunk in upload.chunks():
            stripped.file.write(chunk)
        strip_mp4_in_place(stripped.file)
    else:
        stripped = ContentFile(strip_identifying_metadata(upload.read(), ext), name=f"bai-du-thi.{ext}")
    upload.seek(0)
    try:
        entry.original_file.save(upload.name, upload, save=False)
        entry.file.save(stripped.name, stripped, save=False)
    finally:
        stripped.close()


@transaction.atomic
def create_entry(
    campaign: Campaign, *, actor: Any, unit: Unit, title: str, fmt: str, upload: UploadedFile,
    authors: list[dict[str, str]], today: date | None = None,
) -> Entry:
    """Register a draft entry of ``unit``. The file is measured now so that an
    out-of-limit entry is refused with its reason and nothing is stored."""
    contest = settings_of(campaign)
    _require_entrant(actor, Entry(contest=campaign, unit=unit))
    _guard_window(contest, today or timezone.localdate())
    if not title.strip():
        raise ContestError("Cần nhập tiêu đề bài dự thi.")
    clean_authors = _clean_authors(authors)
    words, seconds = check_limits(contest, fmt, upload, upload.name)
    # Lock the settings row: entry numbers (số báo danh) are handed out in order.
    locked = ContestSettings.objects.select_for_update().get(pk=contest.pk)
    number = locked.next_entry_number
    locked.next_entry_number = number + 1
    locked.save(update_fields=["next_entry_number"])
    entry = Entry(
        contest=campaign, unit=unit, code=f"BD-{number:03d}", title=title.strip(), format=fmt,
        original_filename=os.path.basename(upload.name)[:255], word_count=words, duration_seconds=seconds,
        created_by=actor,
    )
    _store_files(entry, upload)
    entry.save()
    EntryAuthor.objects.bulk_create(EntryAuthor(entry=entry, order=i, **a) for i, a in enumerate(clean_authors, start=1))
    record(actor=actor, action="contest.entry.create", obj=entry, unit=unit, to_state=EntryStatus.DRAFT,
           data={"format": fmt, "words": words, "seconds": seconds})
    return entry


@transaction.atomic
def submit_entry(entry: Entry, *, actor: Any, today: date | None = None) -> Entry:
    """Submit a draft entry (inside the window, officer/staff of the entry's unit)
    along ``ENTRY_TRANSITIONS``. Raises ``NotAllowed`` or ``ContestError``."""
    contest = settings_of(entry.contest)
    _require_entrant(actor, entry)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.SUBMITTED:
        raise ContestError("Bài dự thi đã được nộp.")
    _guard_window(contest, today or timezone.localdate())
    entry.submitted_at = timezone.now()
    transition(entry, EntryStatus.SUBMITTED, transitions=ENTRY_TRANSITIONS, actor=actor, action="contest.entry.submit",
               error=ContestError, labels=EntryStatus, unit=entry.unit, update_fields=("submitted_at",))
    return entry


@transaction.atomic
def delete_draft(entry: Entry, *, actor: Any) -> None:
    """An officer removes their unit's draft (never a submitted entry)."""
    _require_entrant(actor, entry)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.DRAFT:
        raise ContestError("Chỉ xóa được bài dự thi chưa nộp.")
    record(actor=actor, action="contest.entry.delete", obj=entry, unit=entry.unit, from_state=entry.status)
    entry.file.delete(save=False)
    entry.original_file.delete(save=False)
    entry.delete()


@dataclass
class UnitCompleteness:
    unit: Unit
    submitted: int
    drafts: int
    required: int

    @property
    def complete(self) -> bool:
        return self.submitted >= self.required


def completeness(campaign: Campaign) -> list[UnitCompleteness]:
    """Per participant unit: submitted entries versus the plan's minimum."""
    contest = settings_of(campaign)
    counts = {
        row["unit"]: row
        for row in Entry.objects.filter(contest=campaign).values("unit").annotate(
            submitted=Count("id", filter=Q(status=EntryStatus.SUBMITTED)),
            drafts=Count("id", filter=Q(status=EntryStatus.DRAFT)),
        )
    }
    return [
        UnitCompleteness(u, counts.get(u.pk, {}).get("submitted", 0), counts.get(u.pk, {}).get("drafts", 0),
                         contest.min_entries_per_unit)
        for u in participant_units(campaign)
    ]


# --- judging -----------------------------------------------------------------------

def eligible_judges(campaign: Campaign) -> list[Any]:
    """Accounts with the judge role working inside the issuing unit's subtree."""
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, profile__role=Role.JUDGE,
                            profile__unit__path__startswith=campaign.issuing_unit.path)
        .select_related("profile__unit").order_by("last_name", "first_name", "username")
    )


def conflict_reason(judge: Any, entry: Entry) -> str | None:
    """A judge may not score an entry of their own unit (or a unit they work under)."""
    judge_unit = scope_unit(judge)
    if judge_unit is not None and judge_unit.is_within(entry.unit):
        return (f"Không thể phân công giám khảo {_name(judge)} chấm bài {entry.code}: giám khảo công tác tại "
                f"{judge_unit.name}, cùng đơn vị với bài dự thi (xung đột lợi ích).")
    return None


@transaction.atomic
def assign_judge(entry: Entry, *, actor: Any, judge: Any) -> JudgeAssignment:
    """Assign a judge to a submitted entry; conflicts of interest are refused here,
    before the judge ever sees the entry (HotCRP checks at invitation)."""
    _require_manager(actor, entry.contest)
    contest = settings_of(entry.contest)
    if contest.stage not in (ContestStage.SUBMISSION, ContestStage.JUDGING):
        raise ContestError("Chỉ phân công giám khảo khi đang nhận bài hoặc đang chấm thi.")
    if entry.status != EntryStatus.SUBMITTED:
        raise ContestError(f"Bài {entry.code} chưa được nộp.")
    if role_of(judge) != Role.JUDGE or scope_unit(judge) is None or not judge.is_active:
        raise ContestError(f"{_name(judge)} không phải là giám khảo.")
    if judge.pk == actor.pk:
        raise ContestError("Không thể tự phân công mình chấm bài.")
    reason = conflict_reason(judge, entry)
    if reason:
        raise ContestError(reason)
    if JudgeAssignment.objects.filter(entry=entry, judge=judge).exists():
        raise ContestError(f"Giám khảo {_name(judge)} đã được phân công chấm bài {entry.code}.")
    assignment = JudgeAssignment.objects.create(entry=entry, judge=judge, assigned_by=actor)
    record(actor=actor, action="contest.judge.assign", obj=assignment, unit=entry.unit,
           data={"entry": entry.code, "judge": judge.get_username()})
    notify(judge, Notice.JUDGE_ASSIGNED, f"Được phân công chấm bài dự thi {entry.code} – {entry.contest.title}",  # issue 13
           url=reverse("contests:score", args=[entry.contest.code, entry.pk]), actor=actor)
    return assignment


@transaction.atomic
def unassign_judge(assignment: JudgeAssignment, *, actor: Any) -> None:
    """Withdraw an assignment that has no scores yet."""
    _require_manager(actor, assignment.entry.contest)
    if assignment.scores.exists():
        raise ContestError("Giám khảo đã chấm bài này: không thể hủy phân công.")
    record(actor=actor, action="contest.judge.unassign", obj=assignment, unit=assignment.entry.unit,
           data={"entry": assignment.entry.code, "judge": assignment.judge.get_username()})
    assignment.delete()


def scoring_closed_reason(contest: ContestSettings, *, today: date | None = None) -> str:
    """Why a judge cannot save scores now ("" when they can): the contest is not in
    its judging stage, or ``today`` is after ``judging_deadline`` (staff extend it on
    the contest page, ``extend_judging_deadline``). The score form shows it before
    anything is typed; ``save_scores`` refuses with it."""
    if contest.stage != ContestStage.JUDGING:
        return "Cuộc thi không trong giai đoạn chấm thi."
    if (today or timezone.localdate()) > contest.judging_deadline:
        return (f"Đã hết hạn chấm thi ({formats.date(contest.judging_deadline)}). "
                "Đề nghị cán bộ thi đua gia hạn hạn chấm thi trên trang cuộc thi.")
    return ""


@transaction.atomic
def save_scores(
    assignment: JudgeAssignment, *, actor: Any, values: dict[int, Decimal | None], comment: str = "",
    today: date | None = None,
) -> JudgeAssignment:
    """Record one judge's scores for one entry; ``None`` = "không áp dụng".
    Every criterion must be scored or marked N/A; at least one must be scored.
    Refused after the judging deadline: staff extend it on the contest page
    (``extend_judging_deadline``)."""
    require(actor, "contests.score_entry", assignment, "Chỉ giám khảo được phân công mới được chấm bài này.")
    contest = settings_of(assignment.entry.contest)
    closed = scoring_closed_reason(contest, today=today)
    if closed:
        raise ContestError(closed)
    criteria = list(contest.rubric.all())
    errors = []
    for c in criteria:
        if c.pk not in values:
            errors.append(f"“{c.name}”: chưa nhập điểm (hoặc chọn Không áp dụng)")
            continue
        v = values[c.pk]
        if v is not None and not (Decimal(0) <= v <= c.max_score):
            errors.append(f"“{c.name}”: điểm {formats.number(v)} phải từ 0 đến {formats.number(c.max_score)}")
    if errors:
        raise ContestError("Không lưu được điểm: " + "; ".join(errors) + ".")
    if all(values[c.pk] is None for c in criteria):
        raise ContestError("Không lưu được điểm: cần chấm ít nhất một tiêu chí.")
    assignment = JudgeAssignment.objects.select_for_update().get(pk=assignment.pk)
    previous = {str(s.criterion_id): (str(s.value) if s.value is not None else None) for s in assignment.scores.all()}
    for c in criteria:
        Score.objects.update_or_create(assignment=assignment, criterion=c, defaults={"value": values[c.pk]})
    assignment.scored_at = timezone.now()
    assignment.comment = comment.strip()
    assignment.save(update_fields=["scored_at", "comment"])
    record(actor=actor, action="contest.score.save", obj=assignment, unit=assignment.entry.unit,
           data={"entry": assignment.entry.code, "before": previous,
                 "after": {str(c.pk): (str(values[c.pk]) if values[c.pk] is not None else None) for c in criteria}})
    return assignment


# --- results -----------------------------------------------------------------------

def prize_amount(award_form: AwardForm, decision_date: date) -> int:
    """The prize money in đồng by the awards app's dated money rules (a fixed prize: its amount)."""
    return int(award_amount(award_form, decision_date))


def prize_forms(campaign: Campaign) -> list[AwardForm]:
    return list(campaign.award_forms.filter(award_type=AwardType.PRIZE, rank__isnull=False).order_by("rank", "order"))


@transaction.atomic
def propose_prizes(campaign: Campaign, *, actor: Any) -> list[str]:
    """Propose prizes from the frozen ranking: the prize of rank r goes to the entries
    ranked r. With 1-2-2-4 two entries tied at 2 both receive the second prize and
    nobody is ranked 3, so the third prize stays unawarded; the returned warnings
    tell staff, who decide before confirming."""
    _require_manager(actor, campaign)
    contest = settings_of(campaign)
    if contest.stage != ContestStage.CLOSED:
        raise ContestError("Chỉ xét giải sau khi kết thúc chấm thi.")
    if Prize.objects.filter(contest=campaign, status=PrizeStatus.CONFIRMED).exists():
        raise ContestError("Giải thưởng đã được xác nhận.")
    forms = prize_forms(campaign)
    if not forms:
        raise ContestError("Cuộc thi chưa khai báo giải thưởng (hình thức “Giải thưởng cuộc thi” có thứ hạng).")
    Prize.objects.filter(contest=campaign).delete()
    results = list(EntryResult.objects.filter(entry__contest=campaign).select_related("entry"))
    warnings: list[str] = []
    created = []
    for form in forms:
        winners = [r for r in results if r.rank == form.rank]
        if not winners:
            warnings.append(f"Không có bài xếp hạng {form.rank}: {form.name} không được trao (quy tắc 1-2-2-4).")
        if len(winners) > 1:
            codes = ", ".join(r.entry.code for r in winners)
            warnings.append(f"{len(winners)} bài đồng hạng {form.rank} ({codes}) cùng được đề xuất {form.name}.")
        for r in winners:
            created.append(Prize(contest=campaign, entry=r.entry, award_form=form,
                                 amount=prize_amount(form, contest.results_date)))
    Prize.objects.bulk_create(created)
    record(actor=actor, action="contest.prizes.propose", obj=contest, unit=campaign.issuing_unit,
           data={"prizes": [(p.entry.code, p.award_form.name, p.amount) for p in created], "warnings": warnings})
    return warnings


@transaction.atomic
def confirm_prizes(campaign: Campaign, *, actor: Any) -> int:
    """Staff confirm the proposed prizes, each along ``PRIZE_TRANSITIONS``; one more
    event on the contest counts them."""
    _require_manager(actor, campaign)
    contest = settings_of(campaign)
    if contest.stage != ContestStage.CLOSED:
        raise ContestError("Chỉ xác nhận giải sau khi kết thúc chấm thi.")
    proposed = list(Prize.objects.select_for_update().select_related("entry__unit")
                    .filter(contest=campaign, status=PrizeStatus.PROPOSED))
    if not proposed:
        raise ContestError("Chưa có giải thưởng nào được đề xuất.")
    now = timezone.now()
    for prize in proposed:
        prize.confirmed_by, prize.confirmed_at = actor, now
        transition(prize, PrizeStatus.CONFIRMED, transitions=PRIZE_TRANSITIONS, actor=actor,
                   action="contest.prize.confirm", error=ContestError, labels=PrizeStatus, unit=prize.entry.unit,
                   update_fields=("confirmed_by", "confirmed_at"))
    count = len(proposed)
    record(actor=actor, action="contest.prizes.confirm", obj=contest, unit=campaign.issuing_unit,
           from_state=PrizeStatus.PROPOSED, to_state=PrizeStatus.CONFIRMED, data={"count": count})
    return count


@transaction.atomic
def publish_results(campaign: Campaign, *, actor: Any) -> ContestSettings:
    """Publish the results on the public page (after prizes are confirmed), the last
    move of ``STAGE_TRANSITIONS``."""
    _require_manager(actor, campaign)
    contest = ContestSettings.objects.select_for_update().get(campaign=campaign)
    if contest.stage != ContestStage.CLOSED:
        raise ContestError("Chỉ công bố kết quả sau khi kết thúc chấm thi và xác nhận giải.")
    prizes = Prize.objects.filter(contest=campaign)
    if not prizes.exists() or prizes.filter(status=PrizeStatus.PROPOSED).exists():
        raise ContestError("Cần xác nhận giải thưởng trước khi công bố kết quả.")
    contest.published_at = timezone.now()
    transition(contest, ContestStage.PUBLISHED, transitions=STAGE_TRANSITIONS, what="cuộc thi", actor=actor, action="contest.publish",
               error=ContestError, field="stage", labels=ContestStage, unit=campaign.issuing_unit,
               update_fields=("published_at",))
    return contest
