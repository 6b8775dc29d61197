"""Thin views: load through ``get_<thing>_for_user`` (404 out of scope), call one
service through ``core.views.perform`` (a refusal is shown as a message, as is).
What a page offers is asked of ``awards/rules.py`` (``allowed`` / ``{% can %}``), the
same permissions the services guard with."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.services import timeline
from campaigns.choices import CampaignKind
from campaigns.models import Campaign, Participant, Round
from core import listing
from core.files import file_response
from core.views import perform
from organization.choices import Role
from organization.models import Person, Unit
from organization.rules import allowed
from organization.scope import has_role

from . import services
from .choices import (
    ACTION_LABELS,
    QUOTA_APPROVED_STATUSES,
    QUOTA_SUBMITTED_STATUSES,
    DecisionStatus,
    DocumentKind,
    DocumentStatus,
    MeetingStatus,
    NominationStatus,
    TallySource,
)
from .documents import amounted, split_by_subject
from .eligibility import attested_criteria, deadline_problem, eligibility_reasons, quota_usage
from .forms import (
    AttachmentForm,
    BallotForm,
    DeadlineExceptionForm,
    DecisionCreateForm,
    DecisionIssueForm,
    ExternalDecisionForm,
    MeetingForm,
    NominationCreateForm,
    ReasonForm,
    ReportForm,
    TallyForm,
    WrittenOpinionForm,
)
from .models import (
    CouncilMeeting,
    Decision,
    GeneratedDocument,
    Nomination,
    VoteTally,
    vote_requirement,
)
from .queries import decision_nominations, latest_tally

S = NominationStatus


# --- loaders (404 outside the user's scope) ---------------------------------------


def get_round_for_user(user, pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("campaign__issuing_unit")
                             .filter(campaign__in=Campaign.objects.for_user(user)), pk=pk)


def get_managed_round_for_user(user, pk: int, perm: str = "awards.manage_round") -> Round:
    """A round on which the user holds ``perm`` (by default: staff/leader/council of the
    issuing unit's subtree); 404 otherwise."""
    round_ = get_round_for_user(user, pk)
    _require_or_404(user, perm, round_)
    return round_


def _require_or_404(user, perm: str, obj) -> None:
    """404 rather than 403: pages the user may not act on do not reveal they exist."""
    if not allowed(user, perm, obj):
        raise Http404("Không tìm thấy.")


def get_nomination_for_user(user, pk: int) -> Nomination:
    return get_object_or_404(
        Nomination.objects.for_user(user).select_related(
            "round__campaign__issuing_unit", "award_form", "person__unit", "unit", "proposing_unit", "group", "participant",
            "decision",
        ),
        pk=pk,
    )


def get_meeting_for_user(user, pk: int) -> CouncilMeeting:
    return get_object_or_404(CouncilMeeting.objects.for_user(user).select_related("round__campaign"), pk=pk)


def get_decision_for_user(user, pk: int) -> Decision:
    return get_object_or_404(Decision.objects.for_user(user).select_related("round__campaign", "proposal_unit", "meeting"), pk=pk)


def get_document_for_user(user, pk: int) -> GeneratedDocument:
    return get_object_or_404(GeneratedDocument.objects.for_user(user), pk=pk)


def _form_refused(request, prefix: str, form) -> None:
    """One message listing a form's errors: "<prefix>: <label>: <errors>; …"."""
    messages.error(request, prefix + ": " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))


# --- nominations --------------------------------------------------------------------


@login_required
def nomination_list(request):
    rounds = list(
        Round.objects.filter(campaign__in=Campaign.objects.for_user(request.user))
        .exclude(campaign__kind=CampaignKind.CONTEST).select_related("campaign").order_by("-period_end")
    )
    qs = Nomination.objects.for_user(request.user).select_related(
        "round__campaign", "award_form", "person__unit", "unit", "proposing_unit"
    )
    round_id = request.GET.get("round")
    selected = None
    if round_id and round_id.isdigit():
        selected = next((r for r in rounds if r.pk == int(round_id)), None)
        if selected is None:
            raise Http404("Không tìm thấy đợt xét.")
        qs = qs.filter(round=selected)
    status = request.GET.get("status")
    if status in S.values:
        qs = qs.filter(status=status)
    bulk = [(key, label) for key, (label, perm, _service) in services.BULK_ACTIONS.items() if allowed(request.user, perm)]
    # Paged on the server (issue 14): ?q= searches nominee, proposing unit and form.
    page = listing.paginate(request, qs.order_by("round", "status", "id"), search_fields=(
        "person__full_name", "unit__name", "proposing_unit__name", "award_form__name"))
    return render(request, "awards/nomination_list.html", {
        "nominations": page.rows, "page": page.page, "listing": page, "rounds": rounds, "selected": selected,
        "statuses": S.choices, "status": status, "bulk_actions": bulk,
    })


@login_required
@require_POST
def nomination_bulk(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    nominations = list(Nomination.objects.for_user(request.user).filter(pk__in=ids))
    result = perform(request, services.bulk_action, nominations, request.POST.get("action", ""))
    if result is None:
        return redirect("awards:nomination_list")
    done, errors = result
    if done:
        messages.success(request, f"Đã thực hiện cho {done} hồ sơ.")
    for error in errors:
        messages.error(request, error)
    return redirect(request.POST.get("next") or "awards:nomination_list")


@login_required
def nomination_create(request, round_id: int):
    round_ = get_round_for_user(request.user, round_id)
    _require_or_404(request.user, "awards.add_nomination", round_)
    participants = list(
        Participant.objects.for_user(request.user).filter(campaign=round_.campaign)
        .select_related("unit", "person__unit").order_by("unit__path", "person__unit__path", "person__full_name")
    )
    form = NominationCreateForm(request.POST or None, round_=round_, participants=participants)
    if request.method == "POST" and form.is_valid():
        unit_id, person_id = form.nominee_ids()
        allowed_units = {p.unit_id for p in participants if p.unit_id}
        allowed_people = {p.person_id for p in participants if p.person_id}
        if (unit_id and unit_id not in allowed_units) or (person_id and person_id not in allowed_people):
            raise Http404("Không tìm thấy.")
        nomination = perform(
            request, services.create_nomination, round_, award_form=form.cleaned_data["award_form"],
            unit=Unit.objects.filter(pk=unit_id).first(), person=Person.objects.filter(pk=person_id).first(),
            success="Đã lập hồ sơ đề nghị. Hãy hoàn thiện báo cáo thành tích rồi gửi.",
        )
        if nomination is not None:
            return redirect("awards:nomination_edit", nomination.pk)
    return render(request, "awards/nomination_create.html", {"form": form, "round": round_})


@login_required
def nomination_detail(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    reasons = eligibility_reasons(nomination)
    problems = []
    if nomination.is_editable:
        late = deadline_problem(nomination)
        if late:
            problems.append(late)
        problems += services.report_problems(nomination)
    elif nomination.status == S.TO_COUNCIL:
        problems += services.approval_problems(nomination)
    # A member of an open meeting with this dossier on its agenda votes from here too.
    ballot_meeting = None
    if nomination.status == S.TO_COUNCIL:
        ballot_meeting = (CouncilMeeting.objects.filter(round=nomination.round, status=MeetingStatus.OPEN,
                                                        members__user_id=request.user.pk, members__present=True)
                          .exclude(ballot_receipts__member__user_id=request.user.pk).order_by("-held_at").first())
    # Proposals beyond the places are accepted: the page says how many compete for them.
    quotas = [u for u in quota_usage(nomination.round, QUOTA_SUBMITTED_STATUSES, QUOTA_APPROVED_STATUSES)
              if u.quota.subject == nomination.subject and u.quota.award_form_id in (None, nomination.award_form_id)
              and u.quota.group_id in (None, nomination.group_id)]
    marks = nomination.appraisal_marks or {}
    attested = [(c, marks.get(str(c.pk))) for c in attested_criteria(nomination)]
    return render(request, "awards/nomination_detail.html", {
        "quotas": quotas, "attested": attested,
        "can_mark": nomination.status == S.SUBMITTED and allowed(request.user, "awards.appraise_nomination", nomination),
        "n": nomination, "reasons": reasons, "problems": problems, "timeline": timeline(nomination, ACTION_LABELS, states=S),
        "tally": latest_tally(nomination), "attachments": nomination.attachments.all(),
        "documents": nomination.documents.filter(kind__in=[DocumentKind.REPORT, DocumentKind.SUMMARY, DocumentKind.CERTIFICATES]),
        "reason_form": ReasonForm(), "ballot_meeting": ballot_meeting,
        "ballot_waiting": nomination.status == S.TO_COUNCIL and ballot_meeting is None
        and has_role(request.user, Role.COUNCIL),
        # The leader's "Duyệt khen thưởng" only when it can succeed; otherwise the page says why.
        "approval_blocked": nomination.status == S.TO_COUNCIL and bool(problems),
    })


@login_required
def nomination_edit(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    _require_or_404(request.user, "awards.change_nomination", nomination)
    report = nomination.report or {}
    achievements = report.get("achievements", [])
    initial = {"duties": report.get("duties", ""), "other": report.get("other", ""),
               "awards_received": report.get("awards_received", ""), "summary": nomination.summary}
    form = ReportForm(request.POST or None, initial=initial, achievements=achievements,
                      particulars=report.get("particulars", {}), individual=nomination.is_individual)
    if request.method == "POST" and form.is_valid():
        done = perform(request, services.update_report, nomination, particulars=form.particulars(),
                       duties=form.cleaned_data["duties"],
                    achievements=form.achievements(), other=form.cleaned_data["other"],
                    awards_received=form.cleaned_data["awards_received"], summary=form.cleaned_data["summary"],
                    success="Đã lưu báo cáo thành tích.")
        if done is not None:
            return redirect("awards:nomination_detail", nomination.pk)
    return render(request, "awards/nomination_edit.html", {
        "n": nomination, "form": form, "achievements": list(zip(achievements, [form[f] for f in form.achievement_fields], strict=False)),
        "particular_fields": [form[f] for f in form.particular_fields],
        "attachment_form": AttachmentForm(), "attachments": nomination.attachments.all(),
    })


@login_required
@require_POST
def nomination_attach(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        perform(request, services.add_attachment, nomination, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
             file=form.cleaned_data["file"], success="Đã đính kèm tài liệu.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect("awards:nomination_edit", nomination.pk)


@login_required
def attachment_download(request, pk: int, attachment_id: int):
    nomination = get_nomination_for_user(request.user, pk)
    attachment = get_object_or_404(nomination.attachments, pk=attachment_id)
    return file_response(attachment.file, filename=attachment.filename)


ACTIONS = {
    "submit": (services.submit_nomination, "Đã gửi hồ sơ đề nghị.", False),
    "appraise": (services.appraise_nomination, "Đã thẩm định hồ sơ.", False),
    "to_council": (services.send_to_council, "Đã trình Hội đồng.", False),
    "approve": (services.approve_nomination, "Đã duyệt khen thưởng.", False),
    "return": (services.return_nomination, "Đã trả lại hồ sơ cho đơn vị.", True),
    "reject": (services.reject_nomination, "Đã ghi nhận không duyệt.", True),
    "refresh": (services.refresh_report, "Đã cập nhật kết quả tiêu chí vào báo cáo.", False),
    "mark": (services.mark_criteria, "Đã ghi kết quả thẩm định từng tiêu chí.", False),
}


@login_required
@require_POST
def nomination_action(request, pk: int, action: str):
    nomination = get_nomination_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404("Không tìm thấy.")
    fn, success, needs_reason = ACTIONS[action]
    kwargs = {}
    if action == "mark":
        # mark_<criterion id> = "1" Đạt / "0" Không đạt (blank: not marked), note_<id>.
        kwargs["marks"] = {int(key[5:]): (value == "1", request.POST.get(f"note_{key[5:]}", ""))
                           for key, value in request.POST.items()
                           if key.startswith("mark_") and key[5:].isdigit() and value in ("0", "1")}
    if action == "appraise":
        kwargs["note"] = request.POST.get("note", "")
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    perform(request, fn, nomination, success=success, **kwargs)
    return redirect("awards:nomination_detail", nomination.pk)


@login_required
@require_POST
def nomination_documents(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    perform(request, services.request_documents, nomination=nomination, kinds=[DocumentKind.REPORT, DocumentKind.SUMMARY],
         success="Đã tạo báo cáo thành tích và bản tóm tắt.")
    return redirect("awards:nomination_detail", nomination.pk)


# --- round: quotas, deadline, meetings, decisions, budget ----------------------------


@login_required
def round_detail(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id)
    from .money import round_budget

    nominations = Nomination.objects.filter(round=round_)
    counts = dict(nominations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return render(request, "awards/round_detail.html", {
        "round": round_, "campaign": round_.campaign,
        "quotas": quota_usage(round_, QUOTA_SUBMITTED_STATUSES, QUOTA_APPROVED_STATUSES),
        "counts": [(label, counts.get(value, 0)) for value, label in S.choices],
        "meetings": round_.council_meetings.all(), "decisions": round_.decisions.all(),
        "exceptions": round_.deadline_exceptions.select_related("unit", "granted_by"),
        "budget": round_budget(round_),
        "exception_form": DeadlineExceptionForm(units=Unit.objects.for_user(request.user))
        if allowed(request.user, "awards.grant_deadline_exception", round_) else None,
        "meeting_form": MeetingForm(candidates=services.council_candidates(round_))
        if allowed(request.user, "awards.add_meeting", round_) else None,
        "decision_form": DecisionCreateForm(round_=round_, user=request.user, initial={"proposal_symbol": "TTr-UBND"})
        if allowed(request.user, "awards.add_decision", round_) else None,
    })


def _round_form_post(request, round_id: int, perm: str, form, prefix: str, service, success: str, detail: str = ""):
    """A round page's form posted: ``service(round, **form data)``; then the created
    object's page (``detail``) or back to the round, the form's errors as one message."""
    round_ = get_managed_round_for_user(request.user, round_id, perm)
    if form.is_valid():
        created = perform(request, service, round_, success=success, **form.cleaned_data)
        if created is not None and detail:
            return redirect(detail, created.pk)
    else:
        _form_refused(request, prefix, form)
    return redirect("awards:round_detail", round_.pk)


@login_required
@require_POST
def round_exception(request, round_id: int):
    form = DeadlineExceptionForm(request.POST, units=Unit.objects.for_user(request.user))
    return _round_form_post(request, round_id, "awards.grant_deadline_exception", form, "Gia hạn",
                            services.grant_deadline_exception, "Đã gia hạn gửi hồ sơ.")


@login_required
@require_POST
def meeting_create(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id, "awards.add_meeting")
    form = MeetingForm(request.POST, candidates=services.council_candidates(round_))
    return _round_form_post(request, round_id, "awards.add_meeting", form, "Cuộc họp",
                            services.create_meeting, "Đã lập cuộc họp Hội đồng.", "awards:meeting_detail")


@login_required
def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _require_or_404(request.user, "awards.manage_round", meeting)
    meeting = CouncilMeeting.objects.prefetch_related("members").get(pk=meeting.pk)
    tallies = {t.nomination_id: t for t in VoteTally.objects.filter(meeting=meeting).select_related("nomination__award_form")}
    for t in tallies.values():
        t.meeting = meeting
    # This meeting's agenda: what it voted on, and while open what waits for the council
    # (not the dossiers an earlier meeting already settled).
    on_agenda = Q(pk__in=tallies) | (Q(status=S.TO_COUNCIL) if meeting.is_open else Q(pk__in=[]))
    agenda = list(
        Nomination.objects.filter(on_agenda, round=meeting.round)
        .select_related("award_form", "person__unit", "unit").order_by("subject", "id")
    )
    rows = [(n, tallies.get(n.pk)) for n in agenda]
    receipts = {r.member_id: r for r in meeting.ballot_receipts.all()}
    members = list(meeting.members.all())
    for m in members:
        m.receipt = receipts.get(m.pk)
        # "(Thư ký)" once, whether the title already says it or only the flag does.
        role = m.council_role or ""
        m.role_label = ", ".join([role, *(flag for flag, on in (("chủ trì", m.is_chair), ("thư ký", m.is_secretary))
                                          if on and flag not in role.lower())]).strip(", ")
    can_record = allowed(request.user, "awards.record_meeting", meeting)
    absent_left = [m for m in members if not m.present and m.pk not in receipts]
    me = next((m for m in members if request.user.pk and m.user_id == request.user.pk), None)
    return render(request, "awards/meeting_detail.html", {
        "meeting": meeting, "members": members, "rows": rows, "documents": meeting.documents.all(),
        # One count per channel, so "n/m" never contradicts the results beside it.
        "voted": sum(1 for r in receipts.values() if not r.written),
        "written": sum(1 for r in receipts.values() if r.written),
        "absent": sum(1 for m in members if not m.present),
        "paper": sum(1 for t in tallies.values() if t.source == TallySource.PAPER),
        "is_member": me is not None, "me": me,
        "written_form": WrittenOpinionForm(members=absent_left, agenda=services.meeting_agenda(meeting))
        if can_record and meeting.is_open and absent_left else None,
    })


def get_meeting_to_vote(user, pk: int) -> CouncilMeeting:
    """A meeting the user is a member of (a member may work outside the issuer's
    unit); 404 otherwise."""
    meeting = get_object_or_404(CouncilMeeting.objects.select_related("round__campaign__issuing_unit"), pk=pk)
    _require_or_404(user, "awards.cast_ballot", meeting)
    return meeting


@login_required
def meeting_vote(request, pk: int):
    """The member's ballot: đồng ý / không đồng ý per nomination, the threshold shown."""
    meeting = get_meeting_to_vote(request.user, pk)
    agenda = services.meeting_agenda(meeting)
    member = meeting.members.filter(user=request.user).first()
    receipt = meeting.ballot_receipts.filter(member=member).first()
    form = BallotForm(request.POST or None, agenda=agenda)
    if request.method == "POST":
        if form.is_valid():
            done = perform(request, services.cast_ballot, meeting, votes=form.votes(),
                           success="Đã ghi nhận phiếu bầu của bạn. Cảm ơn.")
            if done is not None:
                return redirect("awards:meeting_vote", meeting.pk)
        else:
            _form_refused(request, "Phiếu bầu", form)
    rows = [(n, form[f"vote_{n.pk}"], vote_requirement(meeting, n.award_form)[1]) for n in agenda]
    return render(request, "awards/meeting_vote.html", {
        "meeting": meeting, "member": member, "receipt": receipt, "rows": rows, "form": form,
    })


@login_required
@require_POST
def meeting_written(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    members = list(meeting.members.filter(present=False))
    form = WrittenOpinionForm(request.POST, members=members, agenda=services.meeting_agenda(meeting))
    if form.is_valid():
        perform(request, services.record_written_opinion, meeting, form.cleaned_data["member"], votes=form.votes(),
                note=form.cleaned_data["note"], success="Đã ghi ý kiến bằng văn bản của thành viên vắng mặt.")
    else:
        _form_refused(request, "Ý kiến bằng văn bản", form)
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    perform(request, services.set_attendance, meeting, present_ids=[i for i in request.POST.getlist("present") if i.isdigit()],
         success="Đã cập nhật điểm danh.")
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_tally(request, pk: int, nomination_id: int):
    meeting = get_meeting_for_user(request.user, pk)
    nomination = get_object_or_404(Nomination.objects.for_user(request.user), pk=nomination_id, round=meeting.round)
    form = TallyForm(request.POST)
    if form.is_valid():
        data = {k: (v or 0) if k != "absent_opinions" else v for k, v in form.cleaned_data.items()}
        perform(request, services.record_tally, meeting, nomination, success=f"Đã ghi kết quả bỏ phiếu: {nomination.nominee_name}.", **data)
    else:
        _form_refused(request, nomination.nominee_name, form)
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_close(request, pk: int):
    """End the meeting at the time the secretary enters (``ended_at``, local time;
    blank: now), which the Biên bản prints."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    meeting = get_meeting_for_user(request.user, pk)
    raw = request.POST.get("ended_at", "").strip()
    ended_at = parse_datetime(raw) if raw else None
    if raw and ended_at is None:
        messages.error(request, f"Thời gian kết thúc không hợp lệ: “{raw}”.")
        return redirect("awards:meeting_detail", meeting.pk)
    if ended_at is not None and timezone.is_naive(ended_at):
        ended_at = timezone.make_aware(ended_at)
    perform(request, services.close_meeting, meeting, ended_at=ended_at, success="Đã kết thúc cuộc họp.")
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    perform(request, services.request_documents, meeting=meeting, kinds=[DocumentKind.MINUTES], success="Đã tạo biên bản.")
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def decision_create(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id, "awards.add_decision")
    form = DecisionCreateForm(request.POST, round_=round_, user=request.user)
    return _round_form_post(request, round_id, "awards.add_decision", form, "Tờ trình",
                            services.create_decision, "Đã lập tờ trình.", "awards:decision_detail")


@login_required
def decision_detail(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    _require_or_404(request.user, "awards.manage_round", decision)
    nominations = decision_nominations(decision)
    amounted(nominations, decision.date or decision.proposal_date)
    return render(request, "awards/decision_detail.html", {
        "decision": decision, **split_by_subject(nominations),
        "documents": decision.documents.select_related("nomination__person", "nomination__unit"),
        "meeting_documents": decision.meeting.documents.all() if decision.meeting_id else [],
        "issue_form": DecisionIssueForm()
        if decision.status == DecisionStatus.DRAFT and not decision.upward
        and allowed(request.user, "awards.issue_decision", decision) else None,
        "external_form": ExternalDecisionForm()
        if decision.status == DecisionStatus.DRAFT and decision.upward
        and allowed(request.user, "awards.issue_decision", decision) else None,
        "award_forms": decision.award_forms.all(),
        # The higher level prints its own Quyết định and Bằng khen.
        "kinds": [(k, label) for k, label in DocumentKind.choices
                  if not (decision.upward and k in (DocumentKind.DECISION, DocumentKind.CERTIFICATES))],
    })


@login_required
@require_POST
def decision_issue(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    form = DecisionIssueForm(request.POST)
    if form.is_valid():
        perform(request, services.issue_decision, decision, number=form.cleaned_data["number"],
             decision_date=form.cleaned_data["decision_date"], success="Đã ban hành quyết định khen thưởng.")
    else:
        _form_refused(request, "Quyết định", form)
    return redirect("awards:decision_detail", decision.pk)


@login_required
@require_POST
def decision_documents(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    kinds = [k for k in request.POST.getlist("kinds") if k in DocumentKind.values]
    if not kinds:
        messages.error(request, "Chọn ít nhất một loại văn bản.")
    else:
        perform(request, services.request_documents, decision=decision, kinds=kinds, success="Đã tạo văn bản.")
    return redirect("awards:decision_detail", decision.pk)


@login_required
def document_download(request, pk: int):
    doc = get_document_for_user(request.user, pk)
    if doc.status != DocumentStatus.DONE or not doc.file:
        raise Http404("Văn bản chưa được tạo xong.")
    return file_response(doc.file, filename=doc.filename, produced=True)


@login_required
@require_POST
def decision_record(request, pk: int):
    """The higher level's decision for an upward Tờ trình: number, date, signer, scan."""
    decision = get_decision_for_user(request.user, pk)
    form = ExternalDecisionForm(request.POST, request.FILES)
    if form.is_valid():
        perform(request, services.record_external_decision, decision, success="Đã ghi nhận quyết định của cấp trên.",
                **form.cleaned_data)
    else:
        _form_refused(request, "Quyết định của cấp trên", form)
    return redirect("awards:decision_detail", decision.pk)


@login_required
def decision_scan(request, pk: int):
    """The stored scan of a higher level's decision (checked like every file)."""
    decision = get_decision_for_user(request.user, pk)
    _require_or_404(request.user, "awards.manage_round", decision)
    return file_response(decision.scan, filename=decision.scan_filename)


@login_required
def round_export(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id)
    from .exports import round_workbook

    data = round_workbook(round_)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="khen-thuong-dot-{round_.pk}.xlsx"'
    return response


# --- "Mức tiền thưởng" (issue 11, money): the bonus table staff look up ------------


@login_required
def award_amounts(request):
    """For a decision date (``?date=YYYY-MM-DD``, default today): the regime, the base
    salary and every award form's and title's individual and collective amount with
    decree and article (``awards.money.amount_table``). A date no regime covers shows
    the refusal telling staff what to configure. Emulation staff, leaders and council."""
    from datetime import date

    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from .models import LegalRegime
    from .money import MoneyConfigError, amount_table

    if not allowed(request.user, "awards.manage_round"):
        raise PermissionDenied
    raw = request.GET.get("date", "").strip()
    day, table, error = timezone.localdate(), None, ""
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            error = f"Ngày không hợp lệ: “{raw}”. Chọn ngày theo lịch."
    if not error:
        try:
            table = amount_table(day)
        except MoneyConfigError as exc:
            error = str(exc)
    regimes = LegalRegime.objects.select_related("prior_dossiers_regime").order_by("valid_from")
    return render(request, "awards/award_amounts.html",
                  {"day": day, "table": table, "error": error, "regimes": regimes})
