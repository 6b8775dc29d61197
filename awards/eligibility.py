"""Eligibility, quota and deadline checks of a nomination.

Each check returns reasons a user reads (Vietnamese), so that the same list is
shown on the page before submission and enforced by the services at submission
and again at approval.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from campaigns.choices import Comparator, CriterionKind, QuotaKind, Requirement, Subject
from campaigns.models import Criterion, Participant, Quota
from core import formats
from organization.models import PerformanceRating
from scoring.models import CriterionResult
from scoring.services import evaluate_participant

from .choices import Severity
from .models import DeadlineException, Nomination

log = logging.getLogger(__name__)

GOOD_RATINGS = {"excellent", "good"}  # "hoàn thành tốt nhiệm vụ" trở lên


@dataclass(frozen=True)
class Reason:
    severity: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR


def criterion_results(participant: Participant | None, round_: Any) -> list[Any] | None:
    """Criterion results of the scoring app for this participant and round.

    Stored rows are read first (the scoring recompute keeps them current and a
    closed round's must not move); only when none exist is the participant
    evaluated, without storing, through ``scoring.services.evaluate_participant``. None = no results
    could be obtained (shown as a warning, not an error)."""
    if participant is None:
        return None
    rows = list(
        CriterionResult.objects.filter(participant=participant, round=round_)
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id")
    )
    if rows:
        return rows
    try:
        # Not stored here: eligibility is shown on page views, which must not write;
        # the scoring recomputation stores the results.
        return list(evaluate_participant(participant, round_, save=False))
    except Exception:  # the page must still show the other checks
        log.exception("evaluate_participant failed for participant %s", participant.pk)
        return None


def format_value(value: Any) -> str:
    """A criterion's measured value as users read it ("42,5"); no value → "chưa có số liệu"."""
    if value is None:
        return "chưa có số liệu"
    try:
        return formats.number(value)
    except (TypeError, ValueError):
        return str(value)


def _criterion_reasons(results: list[Any] | None, subject: str, prefix: str = "", *, round_: Any = None,
                       unit: Any = None, person: Any = None) -> list[Reason]:
    if results is None:
        return [Reason(Severity.WARNING, f"{prefix}Chưa có kết quả đánh giá tiêu chí của đợt xét; cần thẩm định thủ công.")]
    reasons = []
    for r in results:
        crit = r.criterion
        # A criterion that does not bind this round or nominee is not asked for (a
        # result stored before its applicability was narrowed is ignored too); the
        # yearly rating is checked from the person's rating, below.
        if crit.subject != subject or crit.kind == CriterionKind.RATING or not crit.binds(round_, unit=unit, person=person):
            continue
        target = f"; yêu cầu: {crit.target_display}" if crit.target_display else ""
        label = crit.text.rstrip(".")
        if crit.comparator in (Comparator.IMPROVE, Comparator.IMPROVE_SCORE):
            what = "Chưa tăng điểm hoặc tăng bậc so với năm trước"
        elif crit.requirement == Requirement.MUST_MEET:
            what = "Chưa đạt tiêu chí bắt buộc"
        else:
            what = "Chưa đạt chỉ tiêu"
        if r.met is False:
            severity = Severity.ERROR if crit.requirement == Requirement.MUST_MEET else Severity.WARNING
            reasons.append(Reason(severity, f"{prefix}{what}: {label} (kết quả: {format_value(r.value)}{target})."))
        elif r.met is None and crit.requirement == Requirement.MUST_MEET and crit.kind != CriterionKind.ATTESTATION:
            reasons.append(Reason(Severity.WARNING, f"{prefix}Tiêu chí bắt buộc chưa xác định được từ số liệu, cần thẩm định: {label}."))
    return reasons


def attested_criteria(nomination: Nomination) -> list[Criterion]:
    """The attested (minh chứng) criteria that bind this nominee in its round: what
    the appraiser marks Đạt / Không đạt."""
    return [
        c for c in Criterion.objects.filter(campaign_id=nomination.round.campaign_id, subject=nomination.subject,
                                            kind=CriterionKind.ATTESTATION).order_by("order", "id")
        if (c.group_id is None or c.group_id == nomination.group_id)
        and c.binds(nomination.round, unit=nomination.unit, person=nomination.person)
    ]


def _appraisal_reasons(nomination: Nomination, criteria: list[Criterion]) -> list[Reason]:
    """An attested must-meet criterion the appraiser marked Không đạt blocks; an
    unmarked one is a warning (to be appraised)."""
    marks = nomination.appraisal_marks or {}
    reasons = []
    for crit in criteria:
        mark = marks.get(str(crit.pk))
        label = crit.text.rstrip(".")
        if mark is None:
            if crit.requirement == Requirement.MUST_MEET:
                reasons.append(Reason(Severity.WARNING, f"Tiêu chí bắt buộc xác nhận bằng minh chứng, chờ thẩm định: {label}."))
            continue
        if not mark.get("met"):
            note = f" ({mark['note']})" if mark.get("note") else ""
            severity = Severity.ERROR if crit.requirement == Requirement.MUST_MEET else Severity.WARNING
            reasons.append(Reason(severity, f"Thẩm định Không đạt: {label}{note}."))
    return reasons


def rating_criteria(nomination: Nomination) -> list[Criterion]:
    """The campaign's yearly-rating criteria that bind this person in this round
    (none for a 6-month review or for post-office staff when so configured)."""
    if nomination.person_id is None:
        return []
    return [
        c for c in Criterion.objects.filter(campaign_id=nomination.round.campaign_id, subject=Subject.INDIVIDUAL,
                                            kind=CriterionKind.RATING)
        if (c.group_id is None or c.group_id == nomination.group_id) and c.binds(nomination.round, person=nomination.person)
    ]


def eligibility_reasons(nomination: Nomination) -> list[Reason]:
    """Why this nominee may not (error) or may need a closer look (warning).

    Only criteria that bind the nominee in this round count (``Criterion.binds``):
    the yearly rating is demanded only where a rating criterion applies."""
    reasons: list[Reason] = []
    round_ = nomination.round
    if nomination.participant_id is None:
        reasons.append(Reason(Severity.ERROR, f"{nomination.nominee_name} chưa đăng ký tham gia phong trào thi đua này."))
    else:
        reasons += _criterion_reasons(criterion_results(nomination.participant, round_), nomination.subject,
                                      round_=round_, unit=nomination.unit, person=nomination.person)
    reasons += _appraisal_reasons(nomination, attested_criteria(nomination))
    if nomination.person_id:
        person = nomination.person
        year = round_.period_end.year
        rating = PerformanceRating.objects.filter(person=person, year=year).first()
        if rating_criteria(nomination):
            if rating is None:
                reasons.append(Reason(Severity.ERROR, f"Chưa có kết quả xếp loại mức độ hoàn thành nhiệm vụ năm {year} của {person.full_name}."))
            elif rating.rating not in GOOD_RATINGS:
                reasons.append(Reason(
                    Severity.ERROR,
                    f"Xếp loại năm {year}: {rating.get_rating_display()} – cần từ “Hoàn thành tốt nhiệm vụ” trở lên.",
                ))
        if rating is not None and rating.disciplined:
            note = f" ({rating.discipline_note})" if rating.discipline_note else ""
            reasons.append(Reason(Severity.ERROR, f"Bị kỷ luật trong năm {year}{note}: không xét khen thưởng."))
        if person.is_head:
            # A head of unit's achievement is tied to the unit's result (ND 152 Art. 4).
            unit_participant = Participant.objects.filter(campaign=round_.campaign, unit=person.unit).first()
            if unit_participant is not None:
                unit_reasons = _criterion_reasons(
                    criterion_results(unit_participant, round_), Subject.COLLECTIVE,
                    prefix=f"Người đứng đầu – kết quả của {person.unit.name}: ", round_=round_, unit=person.unit,
                )
                reasons += [r for r in unit_reasons if r.blocking]
    return reasons


def _quota_base(quota: Quota, round_: Any, subject: str) -> int | None:
    if quota.kind != QuotaKind.PERCENTAGE:
        return None
    participants = Participant.objects.filter(campaign=round_.campaign)
    if quota.group_id:
        return participants.filter(group_id=quota.group_id).count()
    return participants.filter(Q(unit__isnull=False) if subject == Subject.COLLECTIVE else Q(person__isnull=False)).count()


def _quota_taken(quota: Quota, statuses: list[str]) -> Any:
    taken = Nomination.objects.filter(round_id=quota.round_id, subject=quota.subject, status__in=statuses)
    if quota.award_form_id:
        taken = taken.filter(award_form_id=quota.award_form_id)
    if quota.group_id:
        taken = taken.filter(group_id=quota.group_id)
    return taken


def quota_problems(nomination: Nomination, statuses: list[str]) -> list[str]:
    """Quotas this nomination would exceed if counted with ``statuses`` nominations
    of the same round × award form × group/subject (hard limits on what is awarded:
    checked at approval and at decision, never at proposal)."""
    problems = []
    quotas = Quota.objects.applicable(nomination.round, nomination.award_form, nomination.subject, nomination.group)
    for quota in quotas:
        limit = quota.limit(_quota_base(quota, nomination.round, nomination.subject))
        count = _quota_taken(quota, statuses).exclude(pk=nomination.pk).count()
        if count + 1 > limit:
            label = quota.label or str(quota)
            problems.append(
                f"Vượt chỉ tiêu “{label}”: đã có {count} hồ sơ trong chỉ tiêu tối đa {limit:02d} "
                f"({nomination.award_form.name}, {nomination.round.name})."
            )
    return problems


def quota_overflow(round_: Any, statuses: list[str]) -> list[str]:
    """Quotas of ``round_`` that the nominations in ``statuses`` exceed together
    (the decision's check: what it would award must fit every quota)."""
    problems = []
    for quota in Quota.objects.filter(round=round_).select_related("award_form", "group"):
        limit = quota.limit(_quota_base(quota, round_, quota.subject))
        count = _quota_taken(quota, statuses).count()
        if count > limit:
            problems.append(f"Vượt chỉ tiêu “{quota.label or quota}”: {count} hồ sơ, tối đa {limit:02d}.")
    return problems


@dataclass(frozen=True)
class QuotaUsage:
    quota: Quota
    proposed: int
    approved: int
    limit: int

    @property
    def display(self) -> str:
        """"5 đề nghị / 3 chỉ tiêu (đã duyệt 2)"."""
        return f"{self.proposed} đề nghị / {self.limit} chỉ tiêu (đã duyệt {self.approved})"

    @property
    def over(self) -> bool:
        return self.proposed > self.limit


def quota_usage(round_: Any, proposed_statuses: list[str], approved_statuses: list[str]) -> list[QuotaUsage]:
    """Each quota of the round with how many nominations propose into it and how
    many are approved: units may propose more than the places; the council chooses."""
    out = []
    for quota in Quota.objects.filter(round=round_).select_related("award_form", "group"):
        limit = quota.limit(_quota_base(quota, round_, quota.subject))
        out.append(QuotaUsage(quota, _quota_taken(quota, proposed_statuses).count(),
                              _quota_taken(quota, approved_statuses).count(), limit))
    return out


def deadline_problem(nomination: Nomination, today: date | None = None) -> str | None:
    today = today or timezone.localdate()
    deadline = nomination.round.last_submission_day  # "trước ngày 10/01" → 09/01
    if deadline is None or today <= deadline:
        return None
    exception = DeadlineException.objects.filter(
        round=nomination.round, unit=nomination.proposing_unit, until__gte=today
    ).first()
    if exception is not None:
        return None
    return (
        f"Đã quá hạn gửi hồ sơ của đợt “{nomination.round.name}” ({nomination.round.deadline_display}). "
        "Liên hệ cán bộ thi đua – khen thưởng để được gia hạn."
    )
