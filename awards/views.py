"""Thin views: load through ``get_<thing>_for_user`` (404 out of scope), call one
service, redirect. Refusals come back as ``AwardsError`` and are shown as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.services import timeline
from campaigns.models import Campaign, Participant, Round
from organization.choices import Role
from organization.models import Person, Unit
from organization.scope import has_role, unit_in_scope

from . import services
from .choices import ACTION_LABELS, DocumentKind, DocumentStatus, NominationStatus
from .eligibility import deadline_problem, eligibility_reasons, quota_problems
from .forms import (
    AttachmentForm,
    DeadlineExceptionForm,
    DecisionCreateForm,
    DecisionIssueForm,
    MeetingForm,
    NominationCreateForm,
    ReasonForm,
    ReportForm,
    TallyForm,
)
from .models import CouncilMeeting, Decision, GeneratedDocument, Nomination, VoteTally

S = NominationStatus


# --- loaders (404 outside the user's scope) ---------------------------------------


def get_round_for_user(user, pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("campaign__issuing_unit")
                             .filter(campaign__in=Campaign.objects.for_user(user)), pk=pk)


def get_managed_round_for_user(user, pk: int, *roles: str) -> Round:
    """A round the user manages (staff/leader/council of the issuing unit's subtree); 404 otherwise."""
    round_ = get_round_for_user(user, pk)
    if not _is_round_manager(user, round_, *(roles or (Role.STAFF, Role.LEADER, Role.COUNCIL))):
        raise Http404("Không tìm thấy.")
    return round_


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


def _is_round_manager(user, round_: Round, *roles: str) -> bool:
    return has_role(user, *roles) and unit_in_scope(user, round_.campaign.issuing_unit)


def _run(request, fn, *args, success: str, **kwargs):
    try:
        result = fn(*args, actor=request.user, **kwargs)
    except services.AwardsError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


# --- nominations --------------------------------------------------------------------


@login_required
def nomination_list(request):
    rounds = list(
        Round.objects.filter(campaign__in=Campaign.objects.for_user(request.user))
        .exclude(campaign__kind="contest").select_related("campaign").order_by("-period_end")
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
    bulk = [(key, label) for key, (label, role) in services.BULK_ACTIONS.items() if has_role(request.user, role)]
    return render(request, "awards/nomination_list.html", {
        "nominations": qs.order_by("round", "status", "id"), "rounds": rounds, "selected": selected,
        "statuses": S.choices, "status": status, "bulk_actions": bulk,
        "can_nominate": has_role(request.user, Role.OFFICER, Role.STAFF),
    })


@login_required
@require_POST
def nomination_bulk(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    nominations = list(Nomination.objects.for_user(request.user).filter(pk__in=ids))
    try:
        done, errors = services.bulk_action(nominations, request.POST.get("action", ""), actor=request.user)
    except services.AwardsError as exc:
        messages.error(request, str(exc))
        return redirect("awards:nomination_list")
    if done:
        messages.success(request, f"Đã thực hiện cho {done} hồ sơ.")
    for error in errors:
        messages.error(request, error)
    return redirect(request.POST.get("next") or "awards:nomination_list")


@login_required
def nomination_create(request, round_id: int):
    round_ = get_round_for_user(request.user, round_id)
    if not has_role(request.user, Role.OFFICER, Role.STAFF):
        raise Http404("Không tìm thấy.")
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
        nomination = _run(
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
    user = request.user
    proposer = has_role(user, Role.OFFICER, Role.STAFF) and unit_in_scope(user, nomination.proposing_unit)
    staff = _is_round_manager(user, nomination.round, Role.STAFF)
    leader = _is_round_manager(user, nomination.round, Role.LEADER)
    reasons = eligibility_reasons(nomination)
    problems = []
    if nomination.is_editable:
        late = deadline_problem(nomination)
        if late:
            problems.append(late)
        problems += quota_problems(nomination, [S.SUBMITTED, S.APPRAISED, S.TO_COUNCIL, S.APPROVED, S.DECIDED])
    elif nomination.status == S.TO_COUNCIL:
        problems += services.approval_problems(nomination)
    return render(request, "awards/nomination_detail.html", {
        "n": nomination, "reasons": reasons, "problems": problems, "timeline": timeline(nomination, ACTION_LABELS, states=S),
        "tally": services.latest_tally(nomination), "attachments": nomination.attachments.all(),
        "documents": nomination.documents.filter(kind__in=[DocumentKind.REPORT, DocumentKind.SUMMARY, DocumentKind.CERTIFICATES]),
        "can_edit": proposer and nomination.is_editable, "can_submit": proposer and nomination.is_editable,
        "can_appraise": staff and nomination.status == S.SUBMITTED,
        "can_return": (staff or leader) and nomination.status in (S.SUBMITTED, S.APPRAISED, S.TO_COUNCIL),
        "can_council": staff and nomination.status == S.APPRAISED,
        "can_decide": leader and nomination.status == S.TO_COUNCIL,
        "reason_form": ReasonForm(),
    })


@login_required
def nomination_edit(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    if not (has_role(request.user, Role.OFFICER, Role.STAFF) and unit_in_scope(request.user, nomination.proposing_unit)):
        raise Http404("Không tìm thấy.")
    report = nomination.report or {}
    achievements = report.get("achievements", [])
    initial = {"duties": report.get("duties", ""), "other": report.get("other", ""),
               "awards_received": report.get("awards_received", ""), "summary": nomination.summary}
    form = ReportForm(request.POST or None, initial=initial, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        done = _run(request, services.update_report, nomination, duties=form.cleaned_data["duties"],
                    achievements=form.achievements(), other=form.cleaned_data["other"],
                    awards_received=form.cleaned_data["awards_received"], summary=form.cleaned_data["summary"],
                    success="Đã lưu báo cáo thành tích.")
        if done is not None:
            return redirect("awards:nomination_detail", nomination.pk)
    return render(request, "awards/nomination_edit.html", {
        "n": nomination, "form": form, "achievements": list(zip(achievements, [form[f] for f in form.achievement_fields], strict=False)),
        "attachment_form": AttachmentForm(), "attachments": nomination.attachments.all(),
    })


@login_required
@require_POST
def nomination_attach(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        _run(request, services.add_attachment, nomination, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
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
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1])


ACTIONS = {
    "submit": (services.submit_nomination, "Đã gửi hồ sơ đề nghị.", False),
    "appraise": (services.appraise_nomination, "Đã thẩm định hồ sơ.", False),
    "to_council": (services.send_to_council, "Đã trình Hội đồng.", False),
    "approve": (services.approve_nomination, "Đã duyệt khen thưởng.", False),
    "return": (services.return_nomination, "Đã trả lại hồ sơ cho đơn vị.", True),
    "reject": (services.reject_nomination, "Đã ghi nhận không duyệt.", True),
    "refresh": (services.refresh_report, "Đã cập nhật kết quả tiêu chí vào báo cáo.", False),
}


@login_required
@require_POST
def nomination_action(request, pk: int, action: str):
    nomination = get_nomination_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404("Không tìm thấy.")
    fn, success, needs_reason = ACTIONS[action]
    kwargs = {}
    if action == "appraise":
        kwargs["note"] = request.POST.get("note", "")
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    _run(request, fn, nomination, success=success, **kwargs)
    return redirect("awards:nomination_detail", nomination.pk)


@login_required
@require_POST
def nomination_documents(request, pk: int):
    nomination = get_nomination_for_user(request.user, pk)
    _run(request, services.request_documents, nomination=nomination, kinds=[DocumentKind.REPORT, DocumentKind.SUMMARY],
         success="Đã tạo báo cáo thành tích và bản tóm tắt.")
    return redirect("awards:nomination_detail", nomination.pk)


# --- round: quotas, deadline, meetings, decisions, budget ----------------------------


@login_required
def round_detail(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id)
    from .money import round_budget

    nominations = Nomination.objects.filter(round=round_)
    counts = dict(nominations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    staff = _is_round_manager(request.user, round_, Role.STAFF)
    return render(request, "awards/round_detail.html", {
        "round": round_, "campaign": round_.campaign,
        "quotas": round_.quotas.select_related("award_form", "group"),
        "counts": [(label, counts.get(value, 0)) for value, label in S.choices],
        "meetings": round_.council_meetings.all(), "decisions": round_.decisions.all(),
        "exceptions": round_.deadline_exceptions.select_related("unit", "granted_by"),
        "budget": round_budget(round_), "staff": staff,
        "exception_form": DeadlineExceptionForm(units=Unit.objects.for_user(request.user)) if staff else None,
        "meeting_form": MeetingForm() if staff else None,
        "decision_form": DecisionCreateForm(initial={"proposal_symbol": "TTr-UBND"}) if staff else None,
    })


@login_required
@require_POST
def round_exception(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id, Role.STAFF)
    form = DeadlineExceptionForm(request.POST, units=Unit.objects.for_user(request.user))
    if form.is_valid():
        _run(request, services.grant_deadline_exception, round_, unit=form.cleaned_data["unit"],
             until=form.cleaned_data["until"], reason=form.cleaned_data["reason"], success="Đã gia hạn gửi hồ sơ.")
    else:
        messages.error(request, "Gia hạn: " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("awards:round_detail", round_.pk)


@login_required
@require_POST
def meeting_create(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id, Role.STAFF)
    form = MeetingForm(request.POST)
    if form.is_valid():
        meeting = _run(request, services.create_meeting, round_, held_at=form.cleaned_data["held_at"],
                       location=form.cleaned_data["location"], number=form.cleaned_data["number"],
                       members=form.cleaned_data["members"], success="Đã lập cuộc họp Hội đồng.")
        if meeting is not None:
            return redirect("awards:meeting_detail", meeting.pk)
    else:
        messages.error(request, "Cuộc họp: " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("awards:round_detail", round_.pk)


@login_required
def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    if not _is_round_manager(request.user, meeting.round, Role.STAFF, Role.LEADER, Role.COUNCIL):
        raise Http404("Không tìm thấy.")
    meeting = CouncilMeeting.objects.prefetch_related("members").get(pk=meeting.pk)
    tallies = {t.nomination_id: t for t in VoteTally.objects.filter(meeting=meeting).select_related("nomination__award_form")}
    for t in tallies.values():
        t.meeting = meeting
    agenda = list(
        Nomination.objects.filter(round=meeting.round, status__in=[S.TO_COUNCIL, S.APPROVED, S.DECIDED, S.REJECTED])
        .select_related("award_form", "person__unit", "unit").order_by("subject", "id")
    )
    rows = [(n, tallies.get(n.pk)) for n in agenda]
    return render(request, "awards/meeting_detail.html", {
        "meeting": meeting, "members": meeting.members.all(), "rows": rows,
        "can_record": _is_round_manager(request.user, meeting.round, Role.STAFF, Role.COUNCIL) and meeting.status == "open",
        "documents": meeting.documents.all(), "can_documents": _is_round_manager(request.user, meeting.round, Role.STAFF, Role.LEADER),
    })


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _run(request, services.set_attendance, meeting, present_ids=[i for i in request.POST.getlist("present") if i.isdigit()],
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
        _run(request, services.record_tally, meeting, nomination, success=f"Đã ghi kết quả bỏ phiếu: {nomination.nominee_name}.", **data)
    else:
        messages.error(request, f"{nomination.nominee_name}: " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_close(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _run(request, services.close_meeting, meeting, success="Đã kết thúc cuộc họp.")
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _run(request, services.request_documents, meeting=meeting, kinds=[DocumentKind.MINUTES], success="Đã tạo biên bản.")
    return redirect("awards:meeting_detail", meeting.pk)


@login_required
@require_POST
def decision_create(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id, Role.STAFF)
    form = DecisionCreateForm(request.POST)
    if form.is_valid():
        decision = _run(request, services.create_decision, round_, success="Đã lập tờ trình và dự thảo quyết định.",
                        **form.cleaned_data)
        if decision is not None:
            return redirect("awards:decision_detail", decision.pk)
    else:
        messages.error(request, "Tờ trình: " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("awards:round_detail", round_.pk)


@login_required
def decision_detail(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    if not _is_round_manager(request.user, decision.round, Role.STAFF, Role.LEADER, Role.COUNCIL):
        raise Http404("Không tìm thấy.")
    from .documents import _amounted, _split

    if decision.status == "issued":
        nominations = list(decision.nominations.select_related("award_form", "person__unit", "unit"))
    else:
        nominations = services.proposal_nominations(decision.round)
    _amounted(nominations, decision.date or decision.proposal_date)
    manager = _is_round_manager(request.user, decision.round, Role.STAFF, Role.LEADER)
    return render(request, "awards/decision_detail.html", {
        "decision": decision, **_split(nominations),
        "documents": decision.documents.select_related("nomination__person", "nomination__unit"),
        "meeting_documents": decision.meeting.documents.all() if decision.meeting_id else [],
        "issue_form": DecisionIssueForm() if manager and decision.status == "draft" else None,
        "can_documents": manager, "kinds": DocumentKind.choices,
    })


@login_required
@require_POST
def decision_issue(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    form = DecisionIssueForm(request.POST)
    if form.is_valid():
        _run(request, services.issue_decision, decision, number=form.cleaned_data["number"],
             decision_date=form.cleaned_data["decision_date"], success="Đã ban hành quyết định khen thưởng.")
    else:
        messages.error(request, "Quyết định: " + "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("awards:decision_detail", decision.pk)


@login_required
@require_POST
def decision_documents(request, pk: int):
    decision = get_decision_for_user(request.user, pk)
    kinds = [k for k in request.POST.getlist("kinds") if k in DocumentKind.values]
    if not kinds:
        messages.error(request, "Chọn ít nhất một loại văn bản.")
    else:
        _run(request, services.request_documents, decision=decision, kinds=kinds, success="Đã tạo văn bản.")
    return redirect("awards:decision_detail", decision.pk)


@login_required
def document_download(request, pk: int):
    doc = get_document_for_user(request.user, pk)
    if doc.status != DocumentStatus.DONE or not doc.file:
        raise Http404("Văn bản chưa được tạo xong.")
    return FileResponse(doc.file.open("rb"), content_type="application/pdf", filename=doc.filename)


@login_required
def round_export(request, round_id: int):
    round_ = get_managed_round_for_user(request.user, round_id)
    from .exports import round_workbook

    data = round_workbook(round_)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="khen-thuong-dot-{round_.pk}.xlsx"'
    return response

