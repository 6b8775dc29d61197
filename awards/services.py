"""State changes of the awards app. Views and forms never assign ``status``.

Every service: guards first (role, scope, transition map, business rules), then
the change inside ``transaction.atomic()``, then an audit event.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import record
from campaigns.choices import Subject
from campaigns.models import AwardForm, Participant, Round
from organization.choices import Role
from organization.models import Person, Unit
from organization.scope import has_role, unit_in_scope

from .choices import (
    NOMINATION_TRANSITIONS,
    QUOTA_APPROVED_STATUSES,
    QUOTA_SUBMITTED_STATUSES,
    DecisionStatus,
    DocumentKind,
    MeetingStatus,
    NominationStatus,
)
from .eligibility import (
    criterion_results,
    deadline_problem,
    eligibility_reasons,
    format_value,
    quota_problems,
)
from .models import (
    CouncilMeeting,
    CouncilMember,
    DeadlineException,
    Decision,
    GeneratedDocument,
    Nomination,
    NominationAttachment,
    VoteTally,
)

S = NominationStatus


class AwardsError(Exception):
    """A refused awards operation; the message is shown to the user."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AwardsError(message)


def _is_round_staff(user: Any, round_: Round, *roles: str) -> bool:
    """Staff/leader/council act on a round issued within their subtree."""
    return has_role(user, *roles) and unit_in_scope(user, round_.campaign.issuing_unit)


def _transition(nomination: Nomination, to: str, *, actor: Any, action: str, comment: str = "", data: dict | None = None) -> None:
    from_state = nomination.status
    _require(
        to in NOMINATION_TRANSITIONS.get(from_state, set()),
        f"Không thể chuyển hồ sơ từ “{S(from_state).label}” sang “{S(to).label}”.",
    )
    nomination.status = to
    nomination.save()
    record(actor=actor, action=action, obj=nomination, unit=nomination.proposing_unit,
           from_state=from_state, to_state=to, comment=comment, data=data)


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
            "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
            "nationality": person.nationality,
            "ethnicity": person.ethnicity,
            "hometown": person.hometown,
            "residence": person.residence,
            "position": person.position,
            "unit": person.unit.name,
            "rank": person.rank,
            "education": person.education,
            "political_theory": person.political_theory,
            "party_join_date": person.party_join_date.strftime("%d/%m/%Y") if person.party_join_date else "",
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
    criteria = nomination.round.campaign.criteria.filter(subject=nomination.subject).order_by("order", "id")
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
            "met": met, "content": content,
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
    _require(has_role(actor, Role.OFFICER, Role.STAFF), "Chỉ cán bộ đơn vị hoặc cán bộ thi đua được lập hồ sơ đề nghị.")
    _require((unit is None) != (person is None), "Chọn một tập thể hoặc một cá nhân được đề nghị.")
    _require(award_form.campaign_id == round_.campaign_id, "Hình thức khen thưởng không thuộc phong trào của đợt xét.")
    nominee_home = unit if unit is not None else person.unit
    if proposing_unit is None:
        proposing_unit = actor.profile.unit if hasattr(actor, "profile") and actor.profile.unit_id else nominee_home
    _require(unit_in_scope(actor, proposing_unit), "Bạn chỉ được đề nghị khen thưởng cho đơn vị mình.")
    _require(nominee_home.is_within(proposing_unit), "Tập thể, cá nhân được đề nghị phải thuộc đơn vị đề nghị.")
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


def _require_proposer(nomination: Nomination, actor: Any) -> None:
    _require(
        has_role(actor, Role.OFFICER, Role.STAFF) and unit_in_scope(actor, nomination.proposing_unit),
        "Chỉ đơn vị đề nghị được sửa, gửi hồ sơ này.",
    )


@transaction.atomic
def update_report(nomination: Nomination, *, actor: Any, duties: str, achievements: list[str], other: str,
                  awards_received: str, summary: str) -> Nomination:
    """Save the officer's edits of the achievement report (draft or returned only)."""
    _require_proposer(nomination, actor)
    _require(nomination.is_editable, "Hồ sơ đã gửi, không sửa được. Cần được trả lại để bổ sung.")
    report = dict(nomination.report or {})
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
    nomination.report = fresh
    nomination.save(update_fields=["report", "updated_at"])
    record(actor=actor, action="awards.nomination.refresh_report", obj=nomination, unit=nomination.proposing_unit)
    return nomination


@transaction.atomic
def add_attachment(nomination: Nomination, *, actor: Any, kind: str, title: str, file: Any) -> NominationAttachment:
    """Attach evidence (initiative recognition, proof) while the nomination is editable."""
    _require_proposer(nomination, actor)
    _require(nomination.is_editable, "Hồ sơ đã gửi, không thêm tài liệu được.")
    attachment = NominationAttachment.objects.create(nomination=nomination, kind=kind, title=title, file=file, uploaded_by=actor)
    record(actor=actor, action="awards.nomination.attach", obj=nomination, unit=nomination.proposing_unit,
           comment=title, data={"attachment": attachment.pk})
    return attachment


def submission_problems(nomination: Nomination, today: date | None = None) -> list[str]:
    """Everything that blocks submission: deadline, eligibility errors, quotas."""
    problems = []
    late = deadline_problem(nomination, today)
    if late:
        problems.append(late)
    problems += [r.message for r in eligibility_reasons(nomination) if r.blocking]
    problems += quota_problems(nomination, QUOTA_SUBMITTED_STATUSES)
    return problems


@transaction.atomic
def submit_nomination(nomination: Nomination, *, actor: Any, today: date | None = None) -> Nomination:
    """Send the nomination for appraisal; deadline, eligibility and quota are hard."""
    _require_proposer(nomination, actor)
    nomination = _locked(nomination)
    _require(nomination.is_editable, f"Hồ sơ đang ở trạng thái “{nomination.get_status_display()}”, không gửi được.")
    problems = submission_problems(nomination, today)
    _require(not problems, "Không gửi được hồ sơ: " + " ".join(problems))
    nomination.submitted_at = timezone.now()
    nomination.return_reason = ""
    _transition(nomination, S.SUBMITTED, actor=actor, action="awards.nomination.submit")
    return nomination


@transaction.atomic
def appraise_nomination(nomination: Nomination, *, actor: Any, note: str = "") -> Nomination:
    """Emulation staff confirm the dossier is complete and eligible (thẩm định)."""
    _require(_is_round_staff(actor, nomination.round, Role.STAFF), "Chỉ cán bộ thi đua – khen thưởng được thẩm định hồ sơ.")
    nomination.appraisal_note = note.strip()
    _transition(nomination, S.APPRAISED, actor=actor, action="awards.nomination.appraise", comment=note)
    return nomination


@transaction.atomic
def return_nomination(nomination: Nomination, *, actor: Any, reason: str) -> Nomination:
    """Send back to the proposing unit for completion; a reason is required."""
    _require(_is_round_staff(actor, nomination.round, Role.STAFF, Role.LEADER), "Chỉ cán bộ thi đua hoặc lãnh đạo được trả lại hồ sơ.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do trả lại hồ sơ.")
    nomination.return_reason = reason.strip()
    _transition(nomination, S.RETURNED, actor=actor, action="awards.nomination.return", comment=reason.strip())
    return nomination


@transaction.atomic
def send_to_council(nomination: Nomination, *, actor: Any) -> Nomination:
    """Put an appraised nomination on the council's agenda."""
    _require(_is_round_staff(actor, nomination.round, Role.STAFF), "Chỉ cán bộ thi đua – khen thưởng được trình Hội đồng.")
    _transition(nomination, S.TO_COUNCIL, actor=actor, action="awards.nomination.to_council")
    return nomination


def latest_tally(nomination: Nomination) -> VoteTally | None:
    return (
        VoteTally.objects.filter(nomination=nomination)
        .select_related("meeting", "nomination__award_form")
        .prefetch_related("meeting__members")
        .order_by("-meeting__held_at", "-id")
        .first()
    )


def approval_problems(nomination: Nomination) -> list[str]:
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
    _require(_is_round_staff(actor, nomination.round, Role.LEADER), "Chỉ lãnh đạo được duyệt khen thưởng.")
    nomination = _locked(nomination)
    _require(nomination.status == S.TO_COUNCIL, f"Hồ sơ đang ở trạng thái “{nomination.get_status_display()}”, không duyệt được.")
    problems = approval_problems(nomination)
    _require(not problems, "Không duyệt được: " + " ".join(problems))
    _transition(nomination, S.APPROVED, actor=actor, action="awards.nomination.approve", comment=comment)
    return nomination


@transaction.atomic
def reject_nomination(nomination: Nomination, *, actor: Any, reason: str) -> Nomination:
    _require(_is_round_staff(actor, nomination.round, Role.LEADER), "Chỉ lãnh đạo được quyết định không khen thưởng.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do không duyệt.")
    _transition(nomination, S.REJECTED, actor=actor, action="awards.nomination.reject", comment=reason.strip())
    return nomination


BULK_ACTIONS = OrderedDict([
    ("appraise", ("Thẩm định đạt", Role.STAFF)),
    ("to_council", ("Trình Hội đồng", Role.STAFF)),
    ("approve", ("Duyệt khen thưởng", Role.LEADER)),
])


def bulk_action(nominations: Iterable[Nomination], action: str, *, actor: Any) -> tuple[int, list[str]]:
    """Apply one action to many nominations; each one in its own transaction so one
    refusal does not undo the others. Returns (done, error messages)."""
    fn = {"appraise": appraise_nomination, "to_council": send_to_council, "approve": approve_nomination}.get(action)
    _require(fn is not None, "Thao tác không hợp lệ.")
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
    _require(_is_round_staff(actor, round_, Role.STAFF), "Chỉ cán bộ thi đua – khen thưởng được gia hạn.")
    _require(unit_in_scope(actor, unit), "Đơn vị không thuộc phạm vi quản lý.")
    _require(bool(reason and reason.strip()), "Cần ghi rõ lý do gia hạn.")
    exception = DeadlineException.objects.create(round=round_, unit=unit, until=until, reason=reason.strip(), granted_by=actor)
    record(actor=actor, action="awards.deadline.grant", obj=exception, unit=unit, comment=reason.strip(),
           data={"round": round_.pk, "until": until.isoformat()})
    return exception


# --- council ----------------------------------------------------------------------


@transaction.atomic
def create_meeting(round_: Round, *, actor: Any, held_at: datetime, location: str, members: list[dict[str, Any]],
                   number: str = "", title: str = "") -> CouncilMeeting:
    """Open a council meeting with its members (name, position, council_role,
    is_chair, is_secretary, present, user, person)."""
    _require(_is_round_staff(actor, round_, Role.STAFF), "Chỉ cán bộ thi đua – khen thưởng được lập cuộc họp Hội đồng.")
    _require(bool(members), "Cần nhập danh sách thành viên Hội đồng.")
    meeting = CouncilMeeting.objects.create(round=round_, held_at=held_at, location=location, number=number,
                                            created_by=actor, **({"title": title} if title else {}))
    for order, spec in enumerate(members, start=1):
        _require(bool(spec.get("name", "").strip()), f"Dòng {order}: thiếu họ tên thành viên.")
        CouncilMember.objects.create(meeting=meeting, order=order, **spec)
    record(actor=actor, action="awards.meeting.create", obj=meeting, unit=round_.campaign.issuing_unit,
           to_state=meeting.status, data={"members": len(members)})
    return meeting


def _require_meeting_clerk(meeting: CouncilMeeting, actor: Any) -> None:
    _require(_is_round_staff(actor, meeting.round, Role.STAFF, Role.COUNCIL),
             "Chỉ thư ký (cán bộ thi đua) hoặc thành viên Hội đồng được ghi nhận cuộc họp.")
    _require(meeting.status == MeetingStatus.OPEN, "Cuộc họp đã kết thúc, không sửa được.")


@transaction.atomic
def set_attendance(meeting: CouncilMeeting, *, actor: Any, present_ids: Iterable[int]) -> CouncilMeeting:
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


@transaction.atomic
def close_meeting(meeting: CouncilMeeting, *, actor: Any, ended_at: datetime | None = None) -> CouncilMeeting:
    _require_meeting_clerk(meeting, actor)
    meeting.status = MeetingStatus.CLOSED
    meeting.ended_at = ended_at or timezone.now()
    meeting.save(update_fields=["status", "ended_at"])
    record(actor=actor, action="awards.meeting.close", obj=meeting, unit=meeting.round.campaign.issuing_unit,
           from_state=MeetingStatus.OPEN, to_state=MeetingStatus.CLOSED)
    return meeting


# --- decisions --------------------------------------------------------------------


def proposal_nominations(round_: Round) -> list[Nomination]:
    """What the Tờ trình proposes: nominations the council passed (or already approved)."""
    qs = (
        Nomination.objects.filter(round=round_, status__in=[S.TO_COUNCIL, S.APPROVED, S.DECIDED])
        .select_related("award_form", "person__unit", "unit", "proposing_unit")
        .order_by("subject", "proposing_unit__sort_order", "id")
    )
    out = []
    for n in qs:
        if n.status == S.TO_COUNCIL:
            tally = latest_tally(n)
            if tally is None or not tally.passed:
                continue
        out.append(n)
    return out


@transaction.atomic
def create_decision(round_: Round, *, actor: Any, proposal_date: date, proposal_number: str = "",
                    proposal_symbol: str = "TTr-UBND", addressee: str = "", meeting: CouncilMeeting | None = None,
                    proposal_unit: Unit | None = None, **fields: Any) -> Decision:
    """Start the round's decision (with its Tờ trình numbers); staff only."""
    _require(_is_round_staff(actor, round_, Role.STAFF), "Chỉ cán bộ thi đua – khen thưởng được lập tờ trình, dự thảo quyết định.")
    campaign = round_.campaign
    proposal_unit = proposal_unit or actor.profile.unit
    _require(unit_in_scope(actor, proposal_unit), "Cơ quan trình không thuộc phạm vi quản lý.")
    if meeting is None:
        meeting = round_.council_meetings.order_by("-held_at").first()
    signer_lines = (campaign.signer_title or "").splitlines()
    issuers = [f.issuer_title or f.name for f in campaign.award_forms.all()]
    if issuers and all("chủ tịch" in i.lower() for i in issuers):
        # Giấy khen of the Chủ tịch is the Chủ tịch's own decision: signed "CHỦ TỊCH"
        # (or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), not "TM. ỦY BAN NHÂN DÂN" as the plan is.
        signer_lines = [line for line in signer_lines if not line.strip().upper().startswith("TM.")]
    decision = Decision.objects.create(
        round=round_, meeting=meeting, proposal_number=proposal_number.strip(), proposal_symbol=proposal_symbol.strip(),
        proposal_date=proposal_date, proposal_unit=proposal_unit,
        addressee=addressee.strip() or f"Chủ tịch {expand_unit_name(campaign.issuing_unit.name)}",
        signer_title=fields.pop("signer_title", "") or "\n".join(signer_lines) or "CHỦ TỊCH",
        signer_name=fields.pop("signer_name", "") or campaign.signer_name,
        funding_source=fields.pop("funding_source", "") or campaign.funding_source,
        created_by=actor, **fields,
    )
    record(actor=actor, action="awards.decision.create", obj=decision, unit=campaign.issuing_unit, to_state=decision.status)
    return decision


@transaction.atomic
def issue_decision(decision: Decision, *, actor: Any, number: str, decision_date: date) -> Decision:
    """Issue the decision: every approved nomination of the round becomes decided,
    with its amount computed from the dated legal configuration on ``decision_date``."""
    from .money import MoneyConfigError, amount_breakdown

    _require(_is_round_staff(actor, decision.round, Role.STAFF, Role.LEADER), "Chỉ lãnh đạo hoặc cán bộ thi đua được ban hành quyết định.")
    _require(decision.status == DecisionStatus.DRAFT, "Quyết định đã ban hành.")
    _require(bool(number and number.strip()), "Cần nhập số quyết định.")
    approved = list(Nomination.objects.select_for_update(of=("self",)).filter(round=decision.round, status=S.APPROVED)
                    .select_related("award_form", "person", "unit", "proposing_unit"))
    _require(bool(approved), "Chưa có hồ sơ nào được lãnh đạo duyệt trong đợt xét.")
    for nomination in approved:
        try:
            breakdown = amount_breakdown(nomination.award_form, decision_date, nomination.subject)
        except MoneyConfigError as exc:
            raise AwardsError(str(exc)) from exc
        nomination.decision = decision
        nomination.amount = breakdown.amount
        nomination.coefficient = breakdown.coefficient
        nomination.base_salary = breakdown.base_salary
        _transition(nomination, S.DECIDED, actor=actor, action="awards.nomination.decide",
                    comment=f"Quyết định số {Decision._code(number.strip(), decision.symbol)}",
                    data={"amount": breakdown.amount})
    decision.number = number.strip()
    decision.date = decision_date
    decision.status = DecisionStatus.ISSUED
    decision.issued_at = timezone.now()
    decision.save()
    record(actor=actor, action="awards.decision.issue", obj=decision, unit=decision.round.campaign.issuing_unit,
           from_state=DecisionStatus.DRAFT, to_state=DecisionStatus.ISSUED,
           data={"nominations": [n.pk for n in approved]})
    return decision


# --- documents ------------------------------------------------------------------


def expand_unit_name(name: str) -> str:
    """"UBND huyện Tam Nông" → "Ủy ban nhân dân huyện Tam Nông" (as printed)."""
    return name.replace("UBND", "Ủy ban nhân dân", 1) if name.startswith("UBND") else name


@transaction.atomic
def request_documents(*, actor: Any, decision: Decision | None = None, meeting: CouncilMeeting | None = None,
                      nomination: Nomination | None = None, kinds: Iterable[str]) -> list[GeneratedDocument]:
    """Queue PDF renders (one Celery task per document, run after commit)."""
    from .tasks import render_document

    kinds = list(kinds)
    target_round = (decision or meeting or nomination).round
    if nomination is not None and decision is None and meeting is None:
        _require(
            _is_round_staff(actor, target_round, Role.STAFF, Role.LEADER, Role.COUNCIL)
            or (has_role(actor, Role.OFFICER) and unit_in_scope(actor, nomination.proposing_unit)),
            "Bạn không có quyền tạo văn bản này.",
        )
    else:
        _require(_is_round_staff(actor, target_round, Role.STAFF, Role.LEADER), "Chỉ cán bộ thi đua hoặc lãnh đạo được tạo văn bản.")
    docs = []
    for kind in kinds:
        targets: list[dict[str, Any]]
        if kind in (DocumentKind.REPORT, DocumentKind.SUMMARY):
            if nomination is not None:
                noms = [nomination]
            elif decision is not None and decision.status == DecisionStatus.ISSUED:
                noms = list(decision.nominations.all())
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
