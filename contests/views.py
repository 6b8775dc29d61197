"""Thin views: load through ``get_<thing>_for_user`` (404 out of scope), call one
service, redirect. Nothing here assigns a status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from campaigns.choices import CampaignKind
from campaigns.models import Campaign
from core import listing
from core.errors import DomainError
from core.files import file_response
from core.numbers import parse_decimal
from core.views import perform
from organization.rules import allowed

from . import results as contest_results
from . import services
from .choices import STAGE_TRANSITIONS, ContestStage, EntryFormat, EntryStatus, PrizeStatus
from .forms import AuthorFormSet, ContestSettingsForm, EntryForm, JudgingDeadlineForm, RubricFormSet
from .models import ContestSettings, Entry, EntryResult, JudgeAssignment, Prize, contests_for_user

STAGE_ACTIONS = {
    ContestStage.SUBMISSION: "Bắt đầu nhận bài dự thi",
    ContestStage.JUDGING: "Chuyển sang chấm thi",
    ContestStage.CLOSED: "Kết thúc chấm thi, tính kết quả",
}


def get_contest_for_user(user: Any, code: str) -> Campaign:
    return get_object_or_404(contests_for_user(user).select_related("issuing_unit"), code=code)


def get_entry_for_user(user: Any, campaign: Campaign, pk: int) -> Entry:
    return get_object_or_404(Entry.objects.for_user(user).select_related("unit", "contest"), contest=campaign, pk=pk)


def _settings_or_none(campaign: Campaign) -> ContestSettings | None:
    return ContestSettings.objects.filter(campaign=campaign).first()


@login_required
def contest_list(request):
    contests = contests_for_user(request.user).select_related("issuing_unit", "contest_settings").order_by("-start_date", "pk")
    page = listing.paginate(request, contests, search_fields=("title", "code", "issuing_unit__name"))
    return render(request, "contests/contest_list.html", {"contests": page.rows, "page": page.page, "listing": page})


@login_required
def contest_detail(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    contest = _settings_or_none(campaign)
    user = request.user
    entries = (
        Entry.objects.for_user(user).filter(contest=campaign).select_related("unit")
        .annotate(n_judges=Count("assignments", distinct=True),
                  n_scored=Count("assignments", filter=Q(assignments__scored_at__isnull=False), distinct=True),
                  my_scored=Count("assignments", filter=Q(assignments__judge=user, assignments__scored_at__isnull=False),
                                  distinct=True))
        .order_by("code")
    )
    context: dict[str, Any] = {
        "campaign": campaign, "contest": contest, "entries": entries, "prize_forms": services.prize_forms(campaign),
    }
    if contest is not None:
        context["rubric"] = list(contest.rubric.all())
        if allowed(user, "contests.manage_contest", campaign):
            context["completeness"] = services.completeness(campaign)
            context["stage_actions"] = [(to, STAGE_ACTIONS.get(to, "Mở lại việc chấm thi")) for to in STAGE_TRANSITIONS[contest.stage]
                                        if to != ContestStage.PUBLISHED]
            context["reopen_reason_min"] = services.REOPEN_REASON_MIN
            if contest.stage == ContestStage.JUDGING:
                context["unscored"] = services.unscored_entries(contest)
            if contest.stage != ContestStage.PUBLISHED:
                context["deadline_form"] = JudgingDeadlineForm(initial={"until": contest.judging_deadline})
            context["judges"] = services.eligible_judges(campaign)
            context["assignable"] = contest.stage in (ContestStage.SUBMISSION, ContestStage.JUDGING)
    return render(request, "contests/contest_detail.html", context)


@login_required
def settings_edit(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    if not allowed(request.user, "contests.manage_contest", campaign):
        raise PermissionDenied(services.MANAGE_REFUSED)
    instance = _settings_or_none(campaign)
    form = ContestSettingsForm(request.POST or None, instance=instance)
    formset = RubricFormSet(request.POST or None, instance=instance or ContestSettings(campaign=campaign), prefix="rubric")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if perform(request, services.save_contest_settings, campaign, form=form, rubric_formset=formset,
                   success="Đã lưu thể lệ cuộc thi."):
            return redirect("contests:detail", campaign.code)
    return render(request, "contests/settings_form.html", {"campaign": campaign, "form": form, "formset": formset})


@login_required
@require_POST
def stage_change(request, code: str):
    campaign = get_contest_for_user(request.user, code)

    def change(campaign: Campaign, *, actor: Any, to: str, reason: str) -> ContestSettings:
        return services.change_stage(services.settings_of(campaign), actor=actor, to=to, reason=reason)

    contest = perform(request, change, campaign, to=request.POST.get("to", ""), reason=request.POST.get("reason", ""))
    if contest is not None:
        messages.success(request, f"Cuộc thi chuyển sang giai đoạn “{contest.get_stage_display()}”.")
    return redirect("contests:detail", campaign.code)


@login_required
@require_POST
def deadline_extend(request, code: str):
    """Extend the judging deadline (any stage before publication), with a reason."""
    campaign = get_contest_for_user(request.user, code)
    form = JudgingDeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Không gia hạn được: " + "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
        return redirect("contests:detail", campaign.code)

    def extend(campaign: Campaign, *, actor: Any, until, reason: str) -> ContestSettings:
        return services.extend_judging_deadline(services.settings_of(campaign), actor=actor, until=until, reason=reason)

    contest = perform(request, extend, campaign, until=form.cleaned_data["until"], reason=form.cleaned_data["reason"])
    if contest is not None:
        messages.success(request, f"Đã gia hạn chấm thi đến hết ngày {contest.judging_deadline:%d/%m/%Y}.")
    return redirect("contests:detail", campaign.code)


@login_required
def entry_create(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    contest = _settings_or_none(campaign)
    units = services.submittable_units(request.user, campaign)
    if contest is None or not units:
        raise PermissionDenied("Bạn không thể nộp bài dự thi cho cuộc thi này.")
    form = EntryForm(request.POST or None, request.FILES or None, units=units, formats=contest.formats)
    authors = AuthorFormSet(request.POST or None, prefix="authors",
                            initial=[{"workplace": units[0].name}] if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        try:
            entry = services.create_entry(
                campaign, actor=request.user, unit=form.cleaned_data["unit"], title=form.cleaned_data["title"],
                fmt=form.cleaned_data["format"], upload=form.cleaned_data["file"],
                authors=[f.cleaned_data for f in authors.forms if f.cleaned_data],
            )
        except DomainError as exc:  # shown on the form, next to what was typed
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã lưu bài dự thi {entry.code} ({entry.measure_display}). Hãy bấm “Nộp bài” để nộp chính thức.")
            return redirect("contests:entry_detail", campaign.code, entry.pk)
    return render(request, "contests/entry_form.html", {"campaign": campaign, "contest": contest, "form": form, "authors": authors})


@login_required
def entry_detail(request, code: str, pk: int):
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    contest = services.settings_of(campaign)
    user = request.user
    show_scores = allowed(user, "contests.see_all_scores", contest)
    summary = contest_results.summarize([entry], list(contest.rubric.all()))[entry.pk] if show_scores else None
    manages = allowed(user, "contests.manage_contest", campaign)
    return render(request, "contests/entry_detail.html", {
        "campaign": campaign, "contest": contest, "entry": entry,
        "authors": entry.authors.all(),
        "summary": summary,
        "assignments": entry.assignments.select_related("judge__profile__unit") if manages else [],
        "my_assignment": JudgeAssignment.objects.filter(entry=entry, judge=user).first(),
    })


@login_required
@require_POST
def entry_submit(request, code: str, pk: int):
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    perform(request, services.submit_entry, entry, success=f"Đã nộp bài dự thi {entry.code}.")
    return redirect("contests:entry_detail", campaign.code, entry.pk)


@login_required
@require_POST
def entry_delete(request, code: str, pk: int):
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    if perform(request, _delete_draft, entry, success="Đã xóa bài dự thi chưa nộp."):
        return redirect("contests:detail", campaign.code)
    return redirect("contests:entry_detail", campaign.code, entry.pk)


def _delete_draft(entry: Entry, *, actor: Any) -> bool:
    """``services.delete_draft`` returning True, so ``perform`` tells success from refusal."""
    services.delete_draft(entry, actor=actor)
    return True


def _file_response(entry: Entry, blind: bool) -> HttpResponse:
    """The stripped copy of the entry (``Entry.file``: no author, company, title or
    description in its metadata), as an attachment (``core.files.file_response``:
    nosniff, a sandbox policy, X-Accel-Redirect where configured)."""
    # In blind mode the download name is the entry number: the original file name
    # often carries the author's name.
    base = entry.code if blind else (slugify(entry.title)[:80] or entry.code)
    return file_response(entry.file, filename=f"{base}.{entry.ext}")


@login_required
def entry_file(request, code: str, pk: int):
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    contest = services.settings_of(campaign)
    return _file_response(entry, blind=not allowed(request.user, "contests.see_identity", contest))


@login_required
def entry_original(request, code: str, pk: int):
    """The file exactly as uploaded, metadata included: the contest's managers only
    (``contests.download_original``); 404 outside the user's scope, 403 inside it."""
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    if not allowed(request.user, "contests.download_original", entry):
        raise PermissionDenied("Chỉ cán bộ quản lý cuộc thi được tải tệp gốc.")
    if not entry.original_file:
        raise Http404("Bài dự thi này không lưu tệp gốc.")
    return file_response(entry.original_file, filename=f"{entry.code}-goc.{entry.original_file.name.rsplit('.', 1)[-1].lower()}")


@login_required
@require_POST
def assign(request, code: str):
    """Assign one judge to the checked entries; each conflict is reported by name,
    the other assignments go through."""
    campaign = get_contest_for_user(request.user, code)
    if not allowed(request.user, "contests.manage_contest", campaign):
        raise PermissionDenied(services.MANAGE_REFUSED)
    judge = get_user_model().objects.filter(pk=request.POST.get("judge") or 0).first()
    if judge is None or judge not in services.eligible_judges(campaign):
        messages.error(request, "Hãy chọn giám khảo.")
        return redirect("contests:detail", campaign.code)
    ids = [int(x) for x in request.POST.getlist("entries") if x.isdigit()]
    entries = Entry.objects.filter(contest=campaign, pk__in=ids).select_related("unit", "contest").order_by("code")
    if not entries:
        messages.error(request, "Hãy chọn ít nhất một bài dự thi.")
    for entry in entries:
        perform(request, services.assign_judge, entry, judge=judge,
                success=f"Đã phân công {judge.get_full_name() or judge.username} chấm bài {entry.code}.")
    return redirect("contests:detail", campaign.code)


@login_required
@require_POST
def unassign(request, code: str, assignment_id: int):
    campaign = get_contest_for_user(request.user, code)
    assignment = get_object_or_404(JudgeAssignment.objects.select_related("entry__contest", "judge"),
                                   pk=assignment_id, entry__contest=campaign)
    perform(request, services.unassign_judge, assignment, success="Đã hủy phân công.")
    return redirect("contests:entry_detail", campaign.code, assignment.entry_id)


@login_required
def score(request, code: str, pk: int):
    campaign = get_contest_for_user(request.user, code)
    entry = get_entry_for_user(request.user, campaign, pk)
    assignment = get_object_or_404(JudgeAssignment, entry=entry, judge=request.user)
    contest = services.settings_of(campaign)
    criteria = list(contest.rubric.all())
    current = {s.criterion_id: s.value for s in assignment.scores.all()}
    rows = []
    errors = []
    closed_reason = services.scoring_closed_reason(contest)
    posted = request.method == "POST" and not closed_reason  # closed: the stored scores stay on screen
    if posted:
        values: dict[int, Decimal | None] = {}
        for c in criteria:
            if request.POST.get(f"na_{c.pk}"):
                values[c.pk] = None
                continue
            raw = request.POST.get(f"score_{c.pk}", "").strip()
            if not raw:
                continue  # the service names the missing criterion
            try:
                values[c.pk] = parse_decimal(raw)
            except ValueError:
                errors.append(f"“{c.name}”: “{raw}” không phải là số")
        if not errors:
            try:
                services.save_scores(assignment, actor=request.user, values=values, comment=request.POST.get("comment", ""))
            except DomainError as exc:  # listed with the form's own errors
                errors.append(str(exc))
            else:
                messages.success(request, f"Đã lưu điểm bài {entry.code}.")
                return redirect("contests:detail", campaign.code)
        current = {**current, **values}
    for c in criteria:
        v = current.get(c.pk, "")
        rows.append({"criterion": c, "value": v, "na": c.pk in current and current[c.pk] is None,
                     "raw": request.POST.get(f"score_{c.pk}", "") if posted else (v if v is not None else "")})
    return render(request, "contests/score_form.html", {
        "campaign": campaign, "contest": contest, "entry": entry, "assignment": assignment, "rows": rows,
        # shown before anything is typed: after the deadline the form is read-only
        "errors": errors, "closed_reason": closed_reason, "editable": not closed_reason,
    })


@login_required
def results(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    contest = services.settings_of(campaign)
    user = request.user
    if not allowed(user, "contests.see_all_scores", contest):
        raise PermissionDenied("Điểm chấm được ẩn cho đến khi công bố kết quả (chấm thi ẩn danh).")
    entries = list(Entry.objects.for_user(user).filter(contest=campaign, status=EntryStatus.SUBMITTED).select_related("unit"))
    criteria = list(contest.rubric.all())
    summaries = contest_results.summarize(entries, criteria)
    frozen = {r.entry_id: r for r in EntryResult.objects.filter(entry__in=entries)}
    prizes = {p.entry_id: p for p in Prize.objects.filter(contest=campaign).select_related("award_form")}
    rows = sorted(
        ({"summary": summaries[e.pk], "result": frozen.get(e.pk), "prize": prizes.get(e.pk)} for e in entries),
        key=lambda r: (r["result"].rank if r["result"] else 10_000, r["summary"].entry.code),
    )
    return render(request, "contests/results.html", {
        "campaign": campaign, "contest": contest, "rows": rows, "criteria": criteria,
        "has_proposed": any(p.status == PrizeStatus.PROPOSED for p in prizes.values()),
        "has_prizes": bool(prizes),
    })


@login_required
def prize_document(request, code: str, kind: str):
    """The Quyết định trao giải or the prize certificates (issue 11) as a PDF, for the
    contest's managers once prizes are confirmed; ``?so=`` the decision's number,
    ``?ngay=YYYY-MM-DD`` its date (default: the plan's results date)."""
    from datetime import date

    from . import documents

    campaign = get_contest_for_user(request.user, code)
    if kind not in documents.TEMPLATES or not allowed(request.user, "contests.manage_contest", campaign):
        raise Http404("Không tìm thấy.")
    day = services.settings_of(campaign).results_date
    raw = request.GET.get("ngay", "").strip()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, f"Ngày quyết định không hợp lệ: “{raw}”.")
            return redirect("contests:results", campaign.code)
    try:
        pdf = documents.render(kind, campaign, number=request.GET.get("so", "").strip()[:20], decision_date=day)
    except documents.NoConfirmedPrizes as exc:
        messages.error(request, str(exc))
        return redirect("contests:results", campaign.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{campaign.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def prizes_propose(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    warnings = perform(request, services.propose_prizes, campaign,
                       success="Đã đề xuất giải thưởng theo xếp hạng. Kiểm tra và bấm “Xác nhận giải thưởng”.")
    for w in warnings or []:
        messages.warning(request, w)
    return redirect("contests:results", campaign.code)


@login_required
@require_POST
def prizes_confirm(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    perform(request, services.confirm_prizes, campaign, success="Đã xác nhận giải thưởng.")
    return redirect("contests:results", campaign.code)


@login_required
@require_POST
def publish(request, code: str):
    campaign = get_contest_for_user(request.user, code)
    if perform(request, services.publish_results, campaign, success="Đã công bố kết quả cuộc thi."):
        return redirect("contests:public_results", campaign.code)
    return redirect("contests:results", campaign.code)


# --- public (no sign-in) -----------------------------------------------------------

def _published_contest(code: str) -> tuple[Campaign, ContestSettings]:
    contest = get_object_or_404(
        ContestSettings.objects.select_related("campaign__issuing_unit"),
        campaign__code=code, campaign__kind=CampaignKind.CONTEST,
    )
    return contest.campaign, contest


def public_results(request, code: str):
    """Winners with prizes, once published; before that the page says so and shows nothing else."""
    campaign, contest = _published_contest(code)
    published = contest.stage == ContestStage.PUBLISHED
    prizes = []
    if published:
        prizes = list(
            Prize.objects.filter(contest=campaign, status=PrizeStatus.CONFIRMED)
            .select_related("award_form", "entry__unit", "entry__result").prefetch_related("entry__authors")
            .order_by("award_form__rank", "entry__code")
        )
    return render(request, "contests/public_results.html", {
        "campaign": campaign, "contest": contest, "published": published, "prizes": prizes,
        "article": EntryFormat.ARTICLE,
    })


def public_file(request, code: str, pk: int):
    """A winning article, downloadable by anyone once results are published."""
    campaign, contest = _published_contest(code)
    if contest.stage != ContestStage.PUBLISHED:
        raise Http404("Kết quả chưa được công bố.")
    prize = get_object_or_404(Prize.objects.select_related("entry"), contest=campaign, entry_id=pk,
                              status=PrizeStatus.CONFIRMED)
    return _file_response(prize.entry, blind=False)
