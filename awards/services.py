"""State changes of the awards app. Views and forms never assign ``status``.

Every service: guards first (role, scope, transition map, business rules), then
the change inside ``transaction.atomic()``, then an audit event.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record, transition
from campaigns.choices import AwardAuthority, Requirement, Subject
from campaigns.models import AwardForm, Participant, Round
from campaigns.services import round_participation_problem
from core import formats
from core.errors import DomainError, NotAllowed
from core.system import SYSTEM
from core.uploads import EVIDENCE_TYPES, check_upload
from notifications.choices import Kind as Notice
from notifications.services import notify, users_at, users_over
from organization.choices import Role
from organization.models import Person, Unit
from organization.rules import allowed
from organization.scope import scope_unit, unit_in_scope

from .choices import (
    DECISION_TRANSITIONS,
    MEETING_TRANSITIONS,
    NOMINATION_TRANSITIONS,
    PARTICULARS_COLLECTIVE,
    PARTICULARS_INDIVIDUAL,
    QUOTA_APPROVED_STATUSES,
    DecisionStatus,
    DocumentKind,
    DocumentStatus,
    MeetingStatus,
    NominationStatus,
    TallySource,
)
from .documents import agency_initials, document_html, html_to_pdf, is_peoples_committee
from .eligibility import (
    attested_criteria,
    criterion_results,
    deadline_problem,
    eligibility_reasons,
    format_value,
    quota_overflow,
    quota_problems,
)
from .models import (
    Ballot,
    BallotReceipt,
    CouncilMeeting,
    CouncilMember,
    DeadlineException,
    Decision,
    GeneratedDocument,
    Nomination,
    NominationAttachment,
    VoteTally,
)
from .queries import decision_nominations, expand_unit_name, latest_tally, proposal_nominations

S = NominationStatus

#: A higher level's signed decision: a scanned PDF or a photo of it.
SCAN_TYPES = ("pdf", "png", "jpg", "jpeg")

class AwardsError(DomainError):
    """A refused awards operation; the message is shown to the user."""


class AwardsNotAllowed(AwardsError, NotAllowed):
    """The user's role or unit does not allow the awards operation."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AwardsError(message)


def _guard(actor: Any, perm: str, obj: Any, message: str) -> None:
    """Refuse with ``message`` unless ``awards/rules.py`` grants ``perm`` on ``obj`` —
    the same question the page asks before offering the action."""
    if not allowed(actor, perm, obj):
        raise AwardsNotAllowed(message)


def _transition(nomination: Nomination, to: str, *, actor: Any, action: str, comment: str = "",
                data: dict | None = None, update_fields: tuple[str, ...] = ()) -> None:
    # The nomination's refusal names the dossier ("chuyển hồ sơ từ …"), as users have always read it.
    _require(
        to in NOMINATION_TRANSITIONS.get(nomination.status, set()),
        f"Không thể chuyển hồ sơ từ “{S(nomination.status).label}” sang “{S(to).label}”.",
    )
    transition(nomination, to, transitions=NOMINATION_TRANSITIONS, actor=actor, action=action, error=AwardsError,
               labels=S, unit=nomination.proposing_unit, comment=comment, data=data, update_fields=update_fields)


def _locked(nomination: Nomination) -> Nomination:
    """Reload under a row lock of the round so that two concurrent submissions
    cannot both take the last quota place."""
    Round.objects.select_for_update().filter(pk=nomination.round_id).first()
    nomination.refresh_from_db()
    return nomination


# --- achievement report ----------------------------------------------------------


def _particulars(unit: Unit | None, person: Person | None) -> dict[str, str]:
    if person is not None:
        return {
            "full_name": person.full_name,
            "gender": person.get_gender_display(),
            "birth_date": formats.date(person.birth_date),
            "nationality": person.nationality,
            "ethnicity": person.ethnicity,
            "hometown": person.hometown,
            "residence": person.residence,
            "position": person.position,
            "unit": person.unit.name,
            "rank": person.rank,
            "education": person.education,
            "political_theory": person.political_theory,
            "party_join_date": formats.date(person.party_join_date),
        }
    head = Person.objects.filter(unit=unit, is_head=True, is_active=True).first()
    return {
        "name": unit.name,
        "kind": unit.get_kind_display(),
        "parent": unit.parent.name if unit.parent_id else "",
        "head": f"{head.full_name} – {head.position}" if head else "",
        "email": unit.email,
    }


def prefill_report(nomination: Nomination) -> dict[str, Any]:
    """The achievement report pre-filled from the nominee's particulars and the
    round's criterion results (value, met), ready for the officer to edit."""
    achievements = []
    results = criterion_results(nomination.participant, nomination.round) or []
    by_criterion = {r.criterion_id: r for r in results}
    criteria = [c for c in nomination.round.campaign.criteria.filter(subject=nomination.subject).order_by("order", "id")
                if c.binds(nomination.round, unit=nomination.unit, person=nomination.person)]
    for crit in criteria:
        r = by_criterion.get(crit.pk)
        met = None if r is None else r.met
        value = None if r is None else r.value
        content = ""
        if r is not None and value is not None:
            content = f"Kết quả đạt được: {format_value(value)}"
            if crit.target_display:
                content += f" (chỉ tiêu {crit.target_display})"
            content += "."
        explanation = getattr(r, "explanation", "") if r is not None else ""
        if explanation:
            content = f"{content} {explanation}".strip()
        achievements.append({
            "criterion": crit.pk, "code": crit.code, "text": crit.text, "requirement": crit.requirement,
            "target": crit.target_display, "value": None if value is None else format_value(value),
            # "auto": what the portal wrote; a report the officer left at it is not one they wrote.
            "met": met, "content": content, "auto": content,
        })
    return {
        "particulars": _particulars(nomination.unit, nomination.person),
        "duties": "",
        "achievements": achievements,
        "other": "",
        "awards_received": "",
    }


# --- nominations -----------------------------------------------------------------


@transaction.atomic
def create_nomination(
    round_: Round, *, actor: Any, award_form: AwardForm, unit: Unit | None = None, person: Person | None = None,
    proposing_unit: Unit | None = None,
) -> Nomination:
    """Start a draft nomination of a unit or a person by the officer's unit."""
    _guard(actor, "awards.add_nomination", round_, "Chỉ cán bộ đơn vị hoặc cán bộ thi đua được lập hồ sơ đề nghị.")
    _require((unit is None) != (person is None), "Chọn một tập thể hoặc một cá nhân được đề nghị.")
    _require(award_form.campaign_id == round_.campaign_id, "Hình thức khen thưởng không thuộc phong trào của đợt xét.")
    nominee_home = unit if unit is not None else person.unit
    if proposing_unit is None:
        proposing_unit = actor.profile.unit if hasattr(actor, "profile") and actor.profile.unit_id else nominee_home
    _require(unit_in_scope(actor, proposing_unit), "Bạn chỉ được đề nghị khen thưởng cho đơn vị mình.")
    _require(nominee_home.is_within(proposing_unit), "Tập thể, cá nhân được đề nghị phải thuộc đơn vị đề nghị.")
    ended = round_participation_problem(nominee_home, round_)  # abolished / merged units (issue 11)
    _require(not ended, ended)
    subject = Subject.COLLECTIVE if unit is not None else Subject.INDIVIDUAL
    _require(award_form.subject in (subject, "both"), f"Hình thức “{award_form.name}” không áp dụng cho {Subject(subject).label.lower()}.")
    existing = Nomination.objects.filter(round=round_, award_form=award_form, unit=unit, person=person)
    _require(not existing.exists(), "Đã có hồ sơ đề nghị cho đối tượng này với cùng hình thức trong đợt xét.")
    participant = Participant.objects.filter(campaign=round_.campaign, unit=unit, person=person).select_related("group").first()
    nomination = Nomination.objects.create(
        round=round_, award_form=award_form, subject=subject, unit=unit, person=person, participant=participant,
        group=participant.group if participant else None, proposing_unit=proposing_unit, created_by=actor,
    )
    nomination.report = prefill_report(nomination)
    nomination.save(update_fields=["report"])
    record(actor=actor, action="awards.nomination.create", obj=nomination, unit=proposing_unit, to_state=nomination.status)
    return nomination


def _require_proposer(nomination: Nomination, actor: Any, perm: str = "awards.change_nomination") -> None:
    _guard(actor, perm, nomination, "Chỉ đơn vị đề nghị được sửa, gửi hồ sơ này.")


@transaction.atomic
def update_report(nomination: Nomination, *, actor: Any, duties: str, achievements: list[str], other: str,
                  awards_received: str, summary: str, particulars: dict[str, str] | None = None) -> Nomination:
    """Save the officer's edits of the achievement report (draft or returned only).

    ``particulars``: the sơ lược lý lịch (or a collective's đặc điểm) by key of
    ``PARTICULARS_INDIVIDUAL`` / ``PARTICULARS_COLLECTIVE``; other keys are ignored."""
    _require_proposer(nomination, actor)
    _require(nomination.is_editable, "Hồ sơ đã gửi, không sửa được. Cần được trả lại để bổ sung.")
    report = dict(nomination.report or {})
    if particulars is not None:
        known = PARTICULARS_INDIVIDUAL if nomination.is_individual else PARTICULARS_COLLECTIVE
        merged = dict(report.get("particulars", {}))
        merged.update({k: (v or "").strip() for k, v in particulars.items() if k in known})
        report["particulars"] = merged
    items = list(report.get("achievements", []))
    for item, text in zip(items, achievements, strict=False):
        item["content"] = text.strip()
    report.update({"achievements": items, "duties": duties.strip(), "other": other.strip(),
                   "awards_received": awards_received.strip()})
    nomination.report = report
    nomination.summary = summary.strip()
    nomination.save(update_fields=["report", "summary", "updated_at"])
    record(actor=actor, action="awards.nomination.edit_report", obj=nomination, unit=nomination.proposing_unit)
    return nomination


@transaction.atomic
def refresh_report(nomination: Nomination, *, actor: Any) -> Nomination:
    """Re-read the criterion results into the report, keeping the officer's texts."""
    _require_proposer(nomination, actor)
    _require(nomination.is_editable, "Hồ sơ đã gửi, không sửa được.")
    fresh = prefill_report(nomination)
    old = {a.get("criterion"): a for a in (nomination.report or {}).get("achievements", [])}
    for item in fresh["achievements"]:
        if old.get(item["criterion"], {}).get("content"):
            item["content"] = old[item["criterion"]]["content"]
    for key in ("duties", "other", "awards_received"):
        fresh[key] = (nomination.report or {}).get(key, "")
    # What the officer typed in the particulars stays; only blanks take the registry's value.
    edited = {k: v for k, v in (nomination.report or {}).get("particulars", {}).items() if v}
    fresh["particulars"] = {**fresh["particulars"], **edited}
    nomination.report = fresh
    nomination.save(update_fields=["report", "updated_at"])
    record(actor=actor, action="awards.nomination.refresh_report", obj=nomination, unit=nomination.proposing_unit)
    return nomination


@transaction.atomic
def add_attachment(nomination: Nomination, *, actor: Any, kind: str, title: str, file: Any) -> NominationAttachment:
    """Attach evidence (initiative recognition, proof) while the nomination is editable."""
    _require_proposer(nomination, actor)
    _require(nomination.is_editable, "Hồ sơ đã gửi, không thêm tài liệu được.")
    check_upload(file, allowed=EVIDENCE_TYPES, what="Tài liệu")  # by content: no .html renamed .pdf
    attachment = NominationAttachment.objects.create(nomination=nomination, kind=kind, title=title, file=file,
                                                     original_name=os.path.basename(file.name or "")[:255], uploaded_by=actor)
    record(actor=actor, action="awards.nomination.attach", obj=nomination, unit=nomination.proposing_unit,
           comment=title, data={"attachment": attachment.pk})
    return attachment


#: What a report template leaves for the officer to replace: hints in brackets, dots, dashes.
_PLACEHOLDER = re.compile(r"^\s*(\(.*\)|\[.*\]|[.…\-–_\s]*)\s*$", re.DOTALL)


def report_problems(nomination: Nomination) -> list[str]:
    """The achievement report must say something the officer wrote: a report whose
    achievements (and "thành tích khác") are all empty, template hints ("(Nêu …)",
    "……") or the portal's own pre-filled figures is refused."""
    report = nomination.report or {}
    texts = [(item.get("content") or "", item.get("auto") or "") for item in report.get("achievements", [])]
    texts.append((report.get("other") or "", ""))
    written = [t for t, auto in texts if t.strip() and not _PLACEHOLDER.match(t) and t.strip() != auto.strip()]
    if written:
        return []
    return [f"Báo cáo thành tích của {nomination.nominee_name} chưa có nội dung thành tích (còn trống hoặc còn nguyên "
            "nội dung mẫu): sửa báo cáo, nêu thành tích theo từng tiêu chí rồi gửi lại."]


def submission_problems(nomination: Nomination, today: date | None = None) -> list[str]:
    """Everything that blocks submission: deadline, eligibility errors, an empty
    report. Quotas do not: units may propose more than the places, the council
    chooses and the limit applies at approval and decision."""
    problems = []
    late = deadline_problem(nomination, today)
    if late:
        problems.append(late)
    problems += [r.message for r in eligibility_reasons(nomination) if r.blocking]
    problems += report_problems(nomination)
    return problems


@transaction.atomic
def submit_nomination(nomination: Nomination, *, actor: Any, today: date | None = None) -> Nomination:
    """Send the nomination for appraisal; deadline, eligibility and quota are hard."""
    _require_proposer(nomination, actor, "awards.submit_nomination")
    nomination = _locked(nomination)
    _require(nomination.is_editable, f"Hồ sơ đang ở trạng thái “{nomination.get_status_display()}”, không gửi được.")
    problems = submission_problems(nomination, today)
    _require(not problems, "Không gửi được hồ sơ: " + " ".join(problems))
    nomination.submitted_at = timezone.now()
    nomination.return_reason = ""
    _transition(nomination, S.SUBMITTED, actor=actor, action="awards.nomination.submit",
                update_fields=("submitted_at", "return_reason"))
    return nomination


@transaction.atomic
def mark_criteria(nomination: Nomination, *, actor: Any, marks: dict[int, tuple[bool, str]]) -> Nomination:
    """The appraiser marks attested criteria Đạt / Không đạt with a note:
    ``marks`` = {criterion id: (met, note)}; a "Không đạt" needs its note.

    Only while the dossier waits for appraisal; only criteria that are attested and
    bind this nominee. Raises ``AwardsNotAllowed`` (not emulation staff of the round)
    or ``AwardsError`` naming the criterion."""
    _guard(actor, "awards.appraise_nomination", nomination, "Chỉ cán bộ thi đua – khen thưởng được thẩm định hồ sơ.")
    _require(nomination.status == S.SUBMITTED,
             f"Hồ sơ đang ở trạng thái “{nomination.get_status_display()}”, không thẩm định được.")
    criteria = {c.pk: c for c in attested_criteria(nomination)}
    stored = dict(nomination.appraisal_marks or {})
    for crit_id, (met, note) in marks.items():
        crit = criteria.get(int(crit_id))
        _require(crit is not None, "Tiêu chí không thuộc các tiêu chí xác nhận của hồ sơ này.")
        _require(bool(met) or bool(note and note.strip()),
                 f"Tiêu chí “{crit.text.rstrip('.')}” thẩm định Không đạt: cần ghi rõ lý do.")
        stored[str(crit.pk)] = {"met": bool(met), "note": (note or "").strip()}
    nomination.appraisal_marks = stored
    nomination.save(update_fields=["appraisal_marks", "updated_at"])
    record(actor=actor, action="awards.nomination.mark_criteria", obj=nomination, unit=nomination.proposing_unit,
           data={"marks": {k: stored[k] for k in (str(i) for i in marks)}})
    return nomination


@transaction.atomic
def appraise_nomination(nomination: Nomination, *, actor: Any, note: str = "") -> Nomination:
    """Emulation staff confirm the dossier is complete and eligible (thẩm định).

    Refused while a must-meet criterion is marked Không đạt (return the dossier instead)."""
    _guard(actor, "awards.appraise_nomination", nomination, "Chỉ cán bộ thi đua – khen thưởng được thẩm định hồ sơ.")
    failed = [c.text.rstrip(".") for c in attested_criteria(nomination)
              if c.requirement == Requirement.MUST_MEET and (nomination.appraisal_marks or {}).get(str(c.pk), {}).get("met") is False]
    _require(not failed, "Không thẩm định đạt được: tiêu chí bắt buộc được thẩm định Không đạt: " + "; ".join(failed)
             + ". Trả lại hồ sơ cho đơn vị nếu cần bổ sung.")
    nomination.appraisal_note = note.strip()
    _transition(nomination, S.APPRAISED, actor=actor, action="awards.nomination.appraise", comment=note,
                update_fields=("appraisal_note",))
    return nomination


@transaction.atomic
def return_nomination(nomination: Nomination, *, actor: Any, reason: str) -> Nomination:
    """Send back to the proposing unit for completion; a reason is required."""
    _guard(actor, "awards.return_nomination", nomination, "Chỉ cán bộ thi đua hoặc lãnh đạo được trả lại hồ sơ.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do trả lại hồ sơ.")
    nomination.return_reason = reason.strip()
    _transition(nomination, S.RETURNED, actor=actor, action="awards.nomination.return", comment=reason.strip(),
                update_fields=("return_reason",))
    notify(users_at(nomination.proposing_unit, Role.OFFICER), Notice.NOMINATION_RETURNED,  # issue 13
           f"Hồ sơ đề nghị khen thưởng {nomination.nominee_name} bị trả lại", body=f"Lý do: {nomination.return_reason}",
           url=reverse("awards:nomination_detail", args=[nomination.pk]), actor=actor)
    return nomination


@transaction.atomic
def send_to_council(nomination: Nomination, *, actor: Any) -> Nomination:
    """Put an appraised nomination on the council's agenda."""
    _guard(actor, "awards.send_nomination_to_council", nomination, "Chỉ cán bộ thi đua – khen thưởng được trình Hội đồng.")
    _transition(nomination, S.TO_COUNCIL, actor=actor, action="awards.nomination.to_council")
    notify(users_over(nomination.round.campaign.issuing_unit, Role.COUNCIL), Notice.VOTE_REQUESTED,  # issue 13
           f"Hồ sơ {nomination} đã trình Hội đồng, chờ bỏ phiếu",
           url=reverse("awards:round_detail", args=[nomination.round_id]), actor=actor)
    return nomination


def approval_problems(nomination: Nomination) -> list[str]:
    """Everything that blocks the leader's approval: eligibility, the council's vote
    (quorum, threshold) and the quotas of what is already approved."""
    problems = [r.message for r in eligibility_reasons(nomination) if r.blocking]
    tally = latest_tally(nomination)
    if tally is None:
        problems.append("Chưa có kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng.")
    elif not tally.meeting.has_quorum:
        problems.append(
            f"Cuộc họp Hội đồng không đủ số thành viên dự họp (có mặt {tally.meeting.present_count}/"
            f"{tally.meeting.member_count}, cần từ 2/3 trở lên)."
        )
    elif not tally.passed:
        needed, rule = tally.required()
        problems.append(f"Không đạt tỷ lệ phiếu đồng ý: {tally.agree} phiếu, cần {rule}.")
    problems += quota_problems(nomination, QUOTA_APPROVED_STATUSES)
    return problems


@transaction.atomic
def approve_nomination(nomination: Nomination, *, actor: Any, comment: str = "") -> Nomination:
    """The leader approves: council vote passed, still eligible, within quota."""
    _guard(actor, "awards.approve_nomination", nomination, "Chỉ lãnh đạo được duyệt khen thưởng.")
    nomination = _locked(nomination)
    _require(nomination.status == S.TO_COUNCIL, f"Hồ sơ đang ở trạng thái “{nomination.get_status_display()}”, không duyệt được.")
    problems = approval_problems(nomination)
    _require(not problems, "Không duyệt được: " + " ".join(problems))
    _transition(nomination, S.APPROVED, actor=actor, action="awards.nomination.approve", comment=comment)
    return nomination


@transaction.atomic
def reject_nomination(nomination: Nomination, *, actor: Any, reason: str) -> Nomination:
    """The leader declines a nomination the council reviewed; a reason is required.

    Raises ``AwardsNotAllowed`` for anyone but a leader of the round, ``AwardsError``
    without a reason or outside "Đã trình Hội đồng"."""
    _guard(actor, "awards.reject_nomination", nomination, "Chỉ lãnh đạo được quyết định không khen thưởng.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do không duyệt.")
    _transition(nomination, S.REJECTED, actor=actor, action="awards.nomination.reject", comment=reason.strip())
    return nomination


#: The list page's bulk actions: key → (label, permission asked before offering it, service).
BULK_ACTIONS = OrderedDict([
    ("appraise", ("Thẩm định đạt", "awards.appraise_nomination", appraise_nomination)),
    ("to_council", ("Trình Hội đồng", "awards.send_nomination_to_council", send_to_council)),
    ("approve", ("Duyệt khen thưởng", "awards.approve_nomination", approve_nomination)),
])


def bulk_action(nominations: Iterable[Nomination], action: str, *, actor: Any) -> tuple[int, list[str]]:
    """Apply one action to many nominations; each one in its own transaction so one
    refusal does not undo the others. Returns (done, error messages)."""
    _require(action in BULK_ACTIONS, "Thao tác không hợp lệ.")
    fn = BULK_ACTIONS[action][2]
    done, errors = 0, []
    for nomination in nominations:
        try:
            fn(nomination, actor=actor)
            done += 1
        except AwardsError as exc:
            errors.append(f"{nomination.nominee_name}: {exc}")
    return done, errors


@transaction.atomic
def grant_deadline_exception(round_: Round, *, actor: Any, unit: Unit, until: date, reason: str) -> DeadlineException:
    """Staff allow a unit to submit after the deadline; recorded and audited."""
    _guard(actor, "awards.grant_deadline_exception", round_, "Chỉ cán bộ thi đua – khen thưởng được gia hạn.")
    _require(unit_in_scope(actor, unit), "Đơn vị không thuộc phạm vi quản lý.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do gia hạn.")
    exception = DeadlineException.objects.create(round=round_, unit=unit, until=until, reason=reason.strip(), granted_by=actor)
    record(actor=actor, action="awards.deadline.grant", obj=exception, unit=unit, comment=reason.strip(),
           data={"round": round_.pk, "until": until.isoformat()})
    return exception


# --- council ----------------------------------------------------------------------


#: Council roles in the order the "Lập cuộc họp" form lists them, with the council
#: title it suggests for each (chủ trì: the leader; thư ký: the emulation staff).
MEMBER_ROLES: dict[str, str] = {Role.LEADER: "Chủ tịch Hội đồng", Role.COUNCIL: "Ủy viên", Role.STAFF: "Thư ký"}


def council_candidates(round_: Round) -> list[Any]:
    """The accounts a meeting of ``round_`` may seat, in form order (leader, council,
    staff, then name): council accounts over the issuing unit (its own or an
    ancestor's), and the leaders and emulation staff of the issuing unit itself."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    unit = round_.campaign.issuing_unit
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(profile__role=Role.COUNCIL, profile__unit_id__in=unit.path_ids)
                     | Q(profile__role__in=[Role.LEADER, Role.STAFF], profile__unit_id=unit.pk))
             .select_related("profile__person"))
    order = list(MEMBER_ROLES)
    return sorted(users, key=lambda u: (order.index(u.profile.role), u.get_full_name() or u.username, u.pk))


@transaction.atomic
def create_meeting(round_: Round, *, actor: Any, held_at: datetime, location: str, members: list[dict[str, Any]],
                   number: str = "", title: str = "") -> CouncilMeeting:
    """Open a council meeting with its members (name, position, council_role,
    is_chair, is_secretary, present, user, person). A member linked to an account
    (``user``) votes in the portal; that account must be one of
    ``council_candidates(round_)`` and sit once. Raises ``AwardsNotAllowed`` unless
    the actor is emulation staff of the round, ``AwardsError`` otherwise."""
    _guard(actor, "awards.add_meeting", round_, "Chỉ cán bộ thi đua – khen thưởng được lập cuộc họp Hội đồng.")
    _require(bool(members), "Cần nhập danh sách thành viên Hội đồng.")
    linked = [spec["user"] for spec in members if spec.get("user") is not None]
    if linked:
        allowed_ids = {u.pk for u in council_candidates(round_)}
        for order, spec in enumerate(members, start=1):
            user = spec.get("user")
            _require(user is None or user.pk in allowed_ids,
                     f"Dòng {order}: tài khoản {getattr(user, 'username', '')} không thuộc Hội đồng của "
                     f"{round_.campaign.issuing_unit.name}.")
        _require(len({u.pk for u in linked}) == len(linked), "Một tài khoản chỉ được chọn một lần trong Hội đồng.")
    meeting = CouncilMeeting.objects.create(round=round_, held_at=held_at, location=location, number=number,
                                            created_by=actor, **({"title": title} if title else {}))
    for order, spec in enumerate(members, start=1):
        _require(bool(spec.get("name", "").strip()), f"Dòng {order}: thiếu họ tên thành viên.")
        CouncilMember.objects.create(meeting=meeting, order=order, **spec)
    record(actor=actor, action="awards.meeting.create", obj=meeting, unit=round_.campaign.issuing_unit,
           to_state=meeting.status, data={"members": len(members)})
    notify([*users_over(round_.campaign.issuing_unit, Role.COUNCIL), *(m.user for m in meeting.members.all())],  # issue 13
           Notice.MEETING_OPENED, f"Họp Hội đồng Thi đua – Khen thưởng lúc {timezone.localtime(held_at):%H:%M} ngày {formats.date(timezone.localtime(held_at))}", body=f"Địa điểm: {location}",
           url=reverse("awards:meeting_detail", args=[meeting.pk]), actor=actor)
    return meeting


def _require_meeting_clerk(meeting: CouncilMeeting, actor: Any) -> None:
    _guard(actor, "awards.record_meeting", meeting,
           "Chỉ thư ký cuộc họp hoặc cán bộ thi đua – khen thưởng được ghi nhận cuộc họp; "
           "thành viên Hội đồng bỏ phiếu trên hệ thống.")
    _require(meeting.status == MeetingStatus.OPEN, "Cuộc họp đã kết thúc, không sửa được.")


@transaction.atomic
def set_attendance(meeting: CouncilMeeting, *, actor: Any, present_ids: Iterable[int]) -> CouncilMeeting:
    """Mark the members in ``present_ids`` (CouncilMember ids) present, the others absent.

    Raises ``AwardsNotAllowed`` unless the actor records this meeting (staff or
    council of the round), ``AwardsError`` once the meeting is closed."""
    _require_meeting_clerk(meeting, actor)
    present = {int(i) for i in present_ids}
    for member in meeting.members.all():
        member.present = member.pk in present
        member.save(update_fields=["present"])
    record(actor=actor, action="awards.meeting.attendance", obj=meeting, unit=meeting.round.campaign.issuing_unit,
           data={"present": sorted(present)})
    return meeting


@transaction.atomic
def record_tally(meeting: CouncilMeeting, nomination: Nomination, *, actor: Any, yes: int, no: int, abstain: int = 0,
                 absent_yes: int = 0, absent_no: int = 0, absent_opinions: str = "") -> VoteTally:
    """Record the counted secret ballots for one nomination."""
    _require_meeting_clerk(meeting, actor)
    _require(nomination.round_id == meeting.round_id, "Hồ sơ không thuộc đợt xét của cuộc họp.")
    _require(nomination.status == S.TO_COUNCIL, "Chỉ bỏ phiếu cho hồ sơ đã trình Hội đồng.")
    _require(not Ballot.objects.filter(meeting=meeting, nomination=nomination).exists(),
             f"Thành viên Hội đồng đã bỏ phiếu trên hệ thống cho {nomination.nominee_name}: kết quả được tổng hợp "
             "từ phiếu bầu, không nhập tay.")
    members = list(meeting.members.all())
    present = sum(1 for m in members if m.present)
    absent = len(members) - present
    _require(min(yes, no, abstain, absent_yes, absent_no) >= 0, "Số phiếu không được âm.")
    _require(yes + no + abstain <= present, f"Tổng số phiếu ({yes + no + abstain}) vượt số thành viên có mặt ({present}).")
    _require(absent_yes + absent_no <= absent, f"Số ý kiến bằng văn bản ({absent_yes + absent_no}) vượt số thành viên vắng mặt ({absent}).")
    tally, _ = VoteTally.objects.update_or_create(
        meeting=meeting, nomination=nomination,
        defaults={"yes": yes, "no": no, "abstain": abstain, "absent_yes": absent_yes, "absent_no": absent_no,
                  "absent_opinions": absent_opinions.strip(), "recorded_by": actor},
    )
    record(actor=actor, action="awards.nomination.vote", obj=nomination, unit=nomination.proposing_unit,
           data={"meeting": meeting.pk, "yes": yes, "no": no, "abstain": abstain, "absent_yes": absent_yes,
                 "absent_no": absent_no, "passed": tally.passed})
    return tally


def meeting_agenda(meeting: CouncilMeeting) -> list[Nomination]:
    """The nominations the council votes on at ``meeting``: those of its round on the agenda."""
    return list(Nomination.objects.filter(round_id=meeting.round_id, status=S.TO_COUNCIL)
                .select_related("award_form", "person__unit", "unit").order_by("subject", "id"))


def _ballot_votes(meeting: CouncilMeeting, votes: dict[int, bool]) -> list[Nomination]:
    """The agenda, once ``votes`` has been checked to hold đồng ý / không đồng ý for each item."""
    agenda = meeting_agenda(meeting)
    _require(bool(agenda), "Chưa có hồ sơ nào được trình Hội đồng để bỏ phiếu.")
    ids = {n.pk for n in agenda}
    _require(set(votes) <= ids, "Phiếu có hồ sơ không thuộc danh sách trình Hội đồng.")
    missing = [n.nominee_name for n in agenda if n.pk not in votes]
    _require(not missing, "Phiếu chưa ghi ý kiến đồng ý / không đồng ý cho: " + ", ".join(missing) + ".")
    paper = set(VoteTally.objects.filter(meeting=meeting, nomination_id__in=ids, source=TallySource.PAPER)
                .values_list("nomination_id", flat=True))
    _require(not paper, "Thư ký đã nhập kết quả kiểm phiếu giấy cho hồ sơ này; không bỏ phiếu trên hệ thống được.")
    return agenda


def _tally_ballots(meeting: CouncilMeeting, nominations: Iterable[Nomination], actor: Any) -> None:
    """Rewrite the tallies of ``nominations`` from the ballots cast (the Biên bản prints these)."""
    for nomination in nominations:
        counts = {(w, a): 0 for w in (False, True) for a in (False, True)}
        for written, agree in Ballot.objects.filter(meeting=meeting, nomination=nomination).values_list("written", "agree"):
            counts[(written, agree)] += 1
        VoteTally.objects.update_or_create(
            meeting=meeting, nomination=nomination,
            defaults={"yes": counts[(False, True)], "no": counts[(False, False)], "absent_yes": counts[(True, True)],
                      "absent_no": counts[(True, False)], "source": TallySource.BALLOTS, "recorded_by": actor},
        )


@transaction.atomic
def cast_ballot(meeting: CouncilMeeting, *, actor: Any, votes: dict[int, bool]) -> BallotReceipt:
    """A present council member casts their one ballot: ``votes`` = {nomination id:
    đồng ý (True) / không đồng ý (False)} for every nomination on the agenda.

    The ballot is secret: the votes are stored without the voter, a receipt records
    that the member voted. The tallies are regenerated from the ballots. Raises
    ``AwardsNotAllowed`` unless the actor is a member of this meeting, ``AwardsError``
    (closed, absent, already voted, an item left blank, a paper tally entered)."""
    _guard(actor, "awards.cast_ballot", meeting, "Chỉ thành viên Hội đồng của cuộc họp này được bỏ phiếu.")
    # One ballot each even when the member double-clicks: the meeting row is the lock.
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require(meeting.status == MeetingStatus.OPEN, "Cuộc họp đã kết thúc, không bỏ phiếu được.")
    member = meeting.members.filter(user=actor).first()
    _require(member is not None, "Chỉ thành viên Hội đồng của cuộc họp này được bỏ phiếu.")
    _require(member.present, "Thành viên vắng mặt gửi ý kiến bằng văn bản cho thư ký, không bỏ phiếu tại cuộc họp.")
    _require(not BallotReceipt.objects.filter(meeting=meeting, member=member).exists(),
             "Bạn đã bỏ phiếu tại cuộc họp này; mỗi thành viên chỉ bỏ một phiếu.")
    agenda = _ballot_votes(meeting, votes)
    receipt = BallotReceipt.objects.create(meeting=meeting, member=member, recorded_by=actor)
    Ballot.objects.bulk_create([Ballot(meeting=meeting, nomination=n, agree=bool(votes[n.pk])) for n in agenda])
    _tally_ballots(meeting, agenda, actor)
    # Secret ballot: the audit says who voted and on how many items, never how.
    record(actor=actor, action="awards.meeting.ballot", obj=meeting, unit=meeting.round.campaign.issuing_unit,
           data={"member": member.pk, "nominations": len(agenda)})
    return receipt


@transaction.atomic
def record_written_opinion(meeting: CouncilMeeting, member: CouncilMember, *, actor: Any, votes: dict[int, bool],
                           note: str = "") -> BallotReceipt:
    """The secretary enters an absent member's written opinion (ý kiến bằng văn bản):
    counted with the votes where the award form's threshold counts all members
    ("vắng mặt thì lấy ý kiến bằng văn bản": NĐ 152/2025 Điều 45.4.b; NĐ 98/2023
    Art. 30.7), printed in the Biên bản. One per member; the member must
    be marked absent. Raises ``AwardsNotAllowed`` / ``AwardsError`` as ``cast_ballot``."""
    _require_meeting_clerk(meeting, actor)
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require(member.meeting_id == meeting.pk, "Thành viên không thuộc Hội đồng của cuộc họp này.")
    _require(not member.present, f"{member.name} có mặt: bỏ phiếu tại cuộc họp, không ghi ý kiến bằng văn bản.")
    _require(not BallotReceipt.objects.filter(meeting=meeting, member=member).exists(),
             f"Đã ghi ý kiến của {member.name}; mỗi thành viên chỉ một phiếu.")
    agenda = _ballot_votes(meeting, votes)
    receipt = BallotReceipt.objects.create(meeting=meeting, member=member, written=True, recorded_by=actor)
    Ballot.objects.bulk_create([Ballot(meeting=meeting, nomination=n, agree=bool(votes[n.pk]), written=True) for n in agenda])
    _tally_ballots(meeting, agenda, actor)
    if note.strip():
        for tally in VoteTally.objects.filter(meeting=meeting, nomination__in=agenda):
            tally.absent_opinions = "; ".join(filter(None, [tally.absent_opinions, f"{member.name}: {note.strip()}"]))
            tally.save(update_fields=["absent_opinions"])
    record(actor=actor, action="awards.meeting.written_opinion", obj=meeting, unit=meeting.round.campaign.issuing_unit,
           data={"member": member.pk, "nominations": len(agenda)})
    return receipt


@transaction.atomic
def close_meeting(meeting: CouncilMeeting, *, actor: Any, ended_at: datetime | None = None) -> CouncilMeeting:
    """End the meeting (``ended_at``: now unless given); no more attendance or votes.

    Raises ``AwardsNotAllowed`` unless the actor records this meeting, ``AwardsError``
    when it is already closed, or when the end (given, or now) is not after the start."""
    _require_meeting_clerk(meeting, actor)
    # Present members who cast no ballot are counted "không biểu quyết" in the ballot tallies.
    voted = BallotReceipt.objects.filter(meeting=meeting, written=False).count()
    silent = max(0, meeting.members.filter(present=True).count() - voted)
    VoteTally.objects.filter(meeting=meeting, source=TallySource.BALLOTS).update(abstain=silent)
    # The Biên bản prints the end time the secretary enters, not the moment someone
    # clicked; "now" only stands in when the meeting has already begun.
    start = timezone.localtime(meeting.held_at)
    start_text = f"{start:%H:%M} ngày {formats.date(start)}"
    if ended_at is None:
        ended_at = timezone.now()
        _require(ended_at > meeting.held_at,
                 f"Cuộc họp bắt đầu lúc {start_text}, chưa đến giờ họp: nhập thời gian kết thúc "
                 "(sau thời gian bắt đầu) rồi kết thúc cuộc họp.")
    _require(ended_at > meeting.held_at, f"Thời gian kết thúc phải sau thời gian bắt đầu cuộc họp ({start_text}).")
    meeting.ended_at = ended_at
    transition(meeting, MeetingStatus.CLOSED, transitions=MEETING_TRANSITIONS, actor=actor, action="awards.meeting.close",
               error=AwardsError, labels=MeetingStatus, unit=meeting.round.campaign.issuing_unit,
               update_fields=("ended_at",))
    return meeting


# --- decisions --------------------------------------------------------------------


def _decision_forms(round_: Round, award_forms: Iterable[AwardForm] | None, upward: bool) -> list[AwardForm]:
    """The award forms a decision covers, all of one deciding authority (issue 11).

    Local (``upward`` false): only forms the campaign's issuer decides; default all
    of them. Upward: forms of ONE higher authority (one Tờ trình to one addressee).
    Raises ``AwardsError`` naming the form for a mixed-level attempt."""
    campaign = round_.campaign
    issuer = expand_unit_name(campaign.issuing_unit.name)
    forms = list(award_forms) if award_forms is not None else [
        f for f in campaign.award_forms.select_related("authority_unit")
        if (f.authority == AwardAuthority.HIGHER) == upward and f.authority != AwardAuthority.PARTICIPANT]
    if upward and not forms:
        raise AwardsError("Chọn hình thức khen thưởng của cấp trên cần trình.")
    for form in forms:
        _require(form.campaign_id == campaign.pk, f"Hình thức “{form.name}” không thuộc phong trào của đợt xét.")
        if not upward and form.authority != AwardAuthority.ISSUER:
            who = expand_unit_name(form.authority_name) or "cấp khác"
            raise AwardsError(
                f"Quyết định của {issuer} chỉ gồm các hình thức thuộc thẩm quyền của mình; “{form.name}” do {who} "
                f"quyết định" + (": lập tờ trình đề nghị cấp trên." if form.is_higher else ", không đưa vào quyết định này."))
        if upward and not form.is_higher:
            raise AwardsError(f"“{form.name}” do {issuer} quyết định theo thẩm quyền, không trình cấp trên.")
    if upward:
        keys = {f.authority_key for f in forms}
        _require(len(keys) == 1, "Mỗi tờ trình chỉ đề nghị một cấp có thẩm quyền: "
                 + "; ".join(sorted({f"“{f.name}” do {expand_unit_name(f.authority_name)}" for f in forms})) + ".")
    return forms


@transaction.atomic
def create_decision(round_: Round, *, actor: Any, proposal_date: date, proposal_number: str = "",
                    proposal_symbol: str = "TTr-UBND", addressee: str = "", meeting: CouncilMeeting | None = None,
                    proposal_unit: Unit | None = None, award_forms: Iterable[AwardForm] | None = None,
                    upward: bool = False, **fields: Any) -> Decision:
    """Start a decision of the round (with its Tờ trình: proposing agency, number,
    symbol); staff only.

    ``upward``: a Tờ trình to the higher authority of ``award_forms`` (e.g. Bằng khen
    of the Chủ tịch UBND tỉnh); its decision is recorded later by
    ``record_external_decision``. Otherwise the round's own decision, covering only
    the forms its issuer decides (Luật Thi đua, khen thưởng 2022, Art. 75). Raises
    ``AwardsError`` for a mixed-level set of forms, ``AwardsNotAllowed`` off scope."""
    _guard(actor, "awards.add_decision", round_, "Chỉ cán bộ thi đua – khen thưởng được lập tờ trình, dự thảo quyết định.")
    campaign = round_.campaign
    forms = _decision_forms(round_, award_forms, upward)
    # A superuser has no profile: the campaign's issuing unit presents the Tờ trình then.
    proposal_unit = proposal_unit or scope_unit(actor) or campaign.issuing_unit
    _require(unit_in_scope(actor, proposal_unit), "Cơ quan trình không thuộc phạm vi quản lý.")
    if proposal_symbol.strip() == "TTr-UBND" and not is_peoples_committee(proposal_unit):
        # The symbol is the proposing agency's own (ND 30/2020 Phụ lục III: "TTr-" and the
        # agency's abbreviation): a Tờ trình of Phòng Nội vụ is "TTr-PNV", never "TTr-UBND"
        # (second new-user trial).
        proposal_symbol = "TTr-" + agency_initials(proposal_unit.short_name or proposal_unit.name)
    if meeting is None:
        meeting = round_.council_meetings.order_by("-held_at").first()
    signer_lines = (campaign.signer_title or "").splitlines()
    issuers = [f.issuer_title or f.name for f in forms]
    if issuers and all("chủ tịch" in i.lower() for i in issuers):
        # Giấy khen of the Chủ tịch is the Chủ tịch's own decision: signed "CHỦ TỊCH"
        # (or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), not "TM. ỦY BAN NHÂN DÂN" as the plan is.
        signer_lines = [line for line in signer_lines if not line.strip().upper().startswith("TM.")]
    authority = expand_unit_name(forms[0].authority_name) if upward else ""
    default_addressee = authority if upward else f"Chủ tịch {expand_unit_name(campaign.issuing_unit.name)}"
    decision = Decision.objects.create(
        round=round_, meeting=meeting, proposal_number=proposal_number.strip().split("/", 1)[0].strip(),
        proposal_symbol=proposal_symbol.strip(), proposal_date=proposal_date, proposal_unit=proposal_unit,
        addressee=addressee.strip() or default_addressee, upward=upward, authority=authority,
        signer_title="" if upward else (fields.pop("signer_title", "") or "\n".join(signer_lines) or "CHỦ TỊCH"),
        signer_name="" if upward else (fields.pop("signer_name", "") or campaign.signer_name),
        funding_source=fields.pop("funding_source", "") or campaign.funding_source,
        created_by=actor, **{k: v for k, v in fields.items() if k not in ("signer_title", "signer_name")},
    )
    decision.award_forms.set(forms)
    record(actor=actor, action="awards.decision.create", obj=decision, unit=campaign.issuing_unit, to_state=decision.status,
           data={"award_forms": [f.pk for f in forms], "upward": upward})
    return decision


def _decide(decision: Decision, *, actor: Any, number: str, decision_date: date, action: str) -> list[Nomination]:
    """Make the round's approved nominations of the decision's forms decided, with
    amounts from the dated configuration on ``decision_date``; returns them."""
    from .money import MoneyConfigError, amount_breakdown

    _require(bool(number and number.strip()), "Cần nhập số quyết định.")
    form_ids = list(decision.award_forms.values_list("id", flat=True))
    approved = list(Nomination.objects.select_for_update(of=("self",))
                    .filter(round=decision.round, status=S.APPROVED, award_form_id__in=form_ids)
                    .select_related("award_form", "person", "unit", "proposing_unit"))
    _require(bool(approved), "Chưa có hồ sơ nào được lãnh đạo duyệt với hình thức của quyết định này.")
    over = quota_overflow(decision.round, QUOTA_APPROVED_STATUSES)  # quotas cap what is awarded (H6, issue 11)
    _require(not over, "Không ban hành được: " + " ".join(over))
    for nomination in approved:
        try:
            breakdown = amount_breakdown(nomination.award_form, decision_date, nomination.subject,
                                         submitted_on=nomination.submitted_at)  # NĐ 152 Điều 60.3
        except MoneyConfigError as exc:
            raise AwardsError(str(exc)) from exc
        nomination.decision = decision
        nomination.amount = breakdown.amount
        nomination.coefficient = breakdown.coefficient
        nomination.base_salary = breakdown.base_salary
        _transition(nomination, S.DECIDED, actor=actor, action=action,
                    comment=f"Quyết định số {Decision.format_code(number.strip(), decision.symbol)}",
                    data={"amount": breakdown.amount},
                    update_fields=("decision", "amount", "coefficient", "base_salary"))
    return approved


@transaction.atomic
def issue_decision(decision: Decision, *, actor: Any, number: str, decision_date: date) -> Decision:
    """Issue the round's own decision: the approved nominations of its award forms
    (only forms its issuer decides) become decided, amounts computed on ``decision_date``.
    An upward proposal is not issued here: see ``record_external_decision``."""
    _guard(actor, "awards.issue_decision", decision, "Chỉ lãnh đạo hoặc cán bộ thi đua được ban hành quyết định.")
    _require(decision.status == DecisionStatus.DRAFT, "Quyết định đã ban hành.")
    _require(not decision.upward, f"Hình thức này do {decision.authority} quyết định: ghi nhận quyết định của cấp trên "
                                  "khi nhận được, không ban hành tại đây.")
    _decision_forms(decision.round, list(decision.award_forms.all()), upward=False)  # a mixed set is never issued
    approved = _decide(decision, actor=actor, number=number, decision_date=decision_date, action="awards.nomination.decide")
    decision.number = number.strip().split("/", 1)[0].strip()
    decision.date = decision_date
    decision.issued_at = timezone.now()
    transition(decision, DecisionStatus.ISSUED, transitions=DECISION_TRANSITIONS, actor=actor, action="awards.decision.issue",
               error=AwardsError, labels=DecisionStatus, unit=decision.round.campaign.issuing_unit,
               data={"nominations": [n.pk for n in approved]}, update_fields=("number", "date", "issued_at"))
    notify(users_at({n.proposing_unit for n in approved}, Role.OFFICER), Notice.DECISION_ISSUED,  # issue 13
           f"Quyết định khen thưởng số {Decision.format_code(decision.number, decision.symbol)} đã ban hành",
           url=reverse("awards:nomination_list") + f"?round={decision.round_id}", actor=actor)
    return decision


@transaction.atomic
def record_external_decision(decision: Decision, *, actor: Any, number: str, symbol: str, decision_date: date,
                             signer_title: str, signer_name: str, scan: Any) -> Decision:
    """Record the higher authority's decision returned for an upward Tờ trình: its
    number, symbol, date, signer and the scanned signed copy (PDF or image, checked
    by content, stored under a random name, served only through the checked view).
    The proposed nominations that the leader approved become decided with amounts
    on ``decision_date``. Raises ``AwardsError`` (not upward, already recorded, no
    number, no scan) or ``AwardsNotAllowed``."""
    _guard(actor, "awards.issue_decision", decision, "Chỉ lãnh đạo hoặc cán bộ thi đua được ghi nhận quyết định của cấp trên.")
    _require(decision.upward, "Chỉ ghi nhận quyết định của cấp trên cho tờ trình đề nghị cấp trên.")
    _require(decision.status == DecisionStatus.DRAFT, "Đã ghi nhận quyết định của cấp trên cho tờ trình này.")
    _require(bool(symbol and symbol.strip()), "Cần nhập ký hiệu quyết định của cấp trên (ví dụ: QĐ-UBND, QĐ-TTg).")
    _require(bool(signer_name and signer_name.strip()), "Cần nhập người ký quyết định của cấp trên.")
    _require(scan is not None, "Cần tải lên bản chụp quyết định đã ký của cấp trên.")
    check_upload(scan, allowed=SCAN_TYPES, what="Bản chụp quyết định")
    decision.symbol = symbol.strip()
    approved = _decide(decision, actor=actor, number=number, decision_date=decision_date, action="awards.nomination.decide")
    decision.number = number.strip().split("/", 1)[0].strip()
    decision.date = decision_date
    decision.signer_title = signer_title.strip()
    decision.signer_name = signer_name.strip()
    decision.scan = scan
    decision.scan_name = os.path.basename(scan.name or "")[:255]
    decision.issued_at = timezone.now()
    transition(decision, DecisionStatus.ISSUED, transitions=DECISION_TRANSITIONS, actor=actor,
               action="awards.decision.record_external", error=AwardsError, labels=DecisionStatus,
               unit=decision.round.campaign.issuing_unit, comment=f"{decision.authority}: {decision.document_code}",
               data={"nominations": [n.pk for n in approved]},
               update_fields=("number", "symbol", "date", "signer_title", "signer_name", "scan", "scan_name", "issued_at"))
    notify(users_at({n.proposing_unit for n in approved}, Role.OFFICER), Notice.DECISION_ISSUED,  # issue 13
           f"Quyết định khen thưởng số {decision.document_code} ({decision.authority}) đã ban hành",
           url=reverse("awards:nomination_list") + f"?round={decision.round_id}", actor=actor)
    return decision


# --- documents ------------------------------------------------------------------


@transaction.atomic
def request_documents(*, actor: Any, decision: Decision | None = None, meeting: CouncilMeeting | None = None,
                      nomination: Nomination | None = None, kinds: Iterable[str]) -> list[GeneratedDocument]:
    """Queue PDF renders (one Celery task per document, run after commit)."""
    from .tasks import render_document

    kinds = list(kinds)
    target_round = (decision or meeting or nomination).round
    if nomination is not None and decision is None and meeting is None:
        _guard(actor, "awards.print_nomination", nomination, "Bạn không có quyền tạo văn bản này.")
    else:
        _guard(actor, "awards.request_documents", target_round, "Chỉ cán bộ thi đua hoặc lãnh đạo được tạo văn bản.")
    docs = []
    if decision is not None and decision.upward:
        # The higher level prints its own Quyết định and Bằng khen; the portal records them.
        _require(not {DocumentKind.DECISION, DocumentKind.CERTIFICATES} & set(kinds),
                 f"Quyết định và bằng khen do {decision.authority} ban hành; ở đây chỉ in tờ trình, hồ sơ kèm theo "
                 "và ghi nhận quyết định của cấp trên.")
    for kind in kinds:
        targets: list[dict[str, Any]]
        if kind in (DocumentKind.REPORT, DocumentKind.SUMMARY):
            if nomination is not None:
                noms = [nomination]
            elif decision is not None:
                noms = decision_nominations(decision)
            else:
                noms = proposal_nominations(target_round)
            targets = [{"nomination": n} for n in noms]
        elif kind == DocumentKind.CERTIFICATES:
            _require(decision is not None and decision.status == DecisionStatus.ISSUED, "Giấy khen chỉ in sau khi quyết định đã ban hành.")
            targets = [{"nomination": n} for n in decision.nominations.all()]
        elif kind == DocumentKind.MINUTES:
            m = meeting or (decision.meeting if decision else None)
            _require(m is not None, "Chưa có cuộc họp Hội đồng để lập biên bản.")
            targets = [{"meeting": m}]
        elif kind == DocumentKind.DECISION:
            _require(decision is not None and decision.status == DecisionStatus.ISSUED, "Quyết định chưa ban hành.")
            targets = [{}]
        elif kind == DocumentKind.PROPOSAL:
            _require(decision is not None, "Cần lập tờ trình trước.")
            targets = [{}]
        else:
            raise AwardsError("Loại văn bản không hợp lệ.")
        for target in targets:
            doc = GeneratedDocument.objects.create(round=target_round, kind=kind, decision=decision if kind != DocumentKind.MINUTES else None,
                                                  created_by=actor, **target)
            docs.append(doc)
            render_document.delay_on_commit(doc.pk)
    record(actor=actor, action="awards.documents.request", obj=decision or meeting or nomination,
           unit=target_round.campaign.issuing_unit, data={"kinds": list(kinds), "documents": [d.pk for d in docs]})
    return docs


def render_document(doc: GeneratedDocument) -> GeneratedDocument:
    """Render and store one queued document (called by the Celery task); idempotent:
    a done document with its file is kept as is.

    A failure is stored on the row (status "failed", the error shown on the page)
    and re-raised; each outcome is an audit event of the system."""
    if doc.status == DocumentStatus.DONE and doc.file:
        return doc
    from_state = doc.status
    try:
        html, name, form_title = document_html(doc)
        pdf = html_to_pdf(html)
    except Exception as exc:
        doc.status = DocumentStatus.FAILED
        doc.error = str(exc)[:2000]
        doc.save(update_fields=["status", "error"])
        record(actor=SYSTEM, action="awards.documents.fail", obj=doc, from_state=from_state, to_state=doc.status,
               comment=doc.error)
        raise
    doc.file.save(name, ContentFile(pdf), save=False)
    doc.file_name = name
    doc.status = DocumentStatus.DONE
    doc.form_title = form_title
    doc.error = ""
    doc.rendered_at = timezone.now()
    doc.save(update_fields=["file", "file_name", "status", "form_title", "error", "rendered_at"])
    record(actor=SYSTEM, action="awards.documents.render", obj=doc, from_state=from_state, to_state=doc.status)
    return doc


def requeue_documents(*, decision: int | None = None) -> list[int]:
    """Put the still queued or failed documents (of one decision, when given) back in
    the render queue; returns their ids. Failed ones become queued again (recorded)."""
    from .tasks import render_document as render_task

    docs = GeneratedDocument.objects.filter(status__in=[DocumentStatus.QUEUED, DocumentStatus.FAILED])
    if decision:
        docs = docs.filter(decision_id=decision)
    ids = list(docs.values_list("id", flat=True))
    for doc in GeneratedDocument.objects.filter(pk__in=ids, status=DocumentStatus.FAILED):
        doc.status, doc.error = DocumentStatus.QUEUED, ""
        doc.save(update_fields=["status", "error"])
        record(actor=SYSTEM, action="awards.documents.requeue", obj=doc, from_state=DocumentStatus.FAILED,
               to_state=DocumentStatus.QUEUED)
    for pk in ids:
        render_task.delay(pk)
    return ids
