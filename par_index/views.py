"""Pages of the PAR index: thin views that load through ``get_<thing>_for_user`` (404
outside the user's scope), call one service and redirect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import timeline
from core import listing
from core.files import file_response
from core.views import perform
from organization.rules import allowed
from organization.scope import scope_unit

from . import results, services
from .choices import ACTION_LABELS, FINAL, UNIT_EDITABLE, AssessmentStatus, TaskStatus
from .forms import CopyForm, FrameworkForm, ImportForm
from .models import Answer, Assessment, Evidence, Framework, ImprovementPlan, PlanTask

S = AssessmentStatus


def perform_counted(request, service: Any, *args: Any, success: str, **kwargs: Any) -> int | None:
    """``perform`` for a service that returns how many things it changed: ``success``
    names that number as ``{n}``. ``None`` after a refusal (already shown)."""
    n = perform(request, service, *args, **kwargs)
    if n is not None:
        messages.success(request, success.format(n=n))
    return n


def get_framework_for_user(user: Any, pk: int) -> Framework:
    return get_object_or_404(Framework.objects.for_user(user).select_related("issuing_unit", "copied_from"), pk=pk)


def get_assessment_for_user(user: Any, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(user).select_related("framework__issuing_unit", "unit"), pk=pk
    )


def get_plan_for_user(user: Any, pk: int) -> ImprovementPlan:
    return get_object_or_404(ImprovementPlan.objects.for_user(user).select_related("campaign", "unit", "baseline"), pk=pk)


# --- lists -----------------------------------------------------------------------------------


@login_required
def assessment_list(request):
    root = scope_unit(request.user)
    own = Assessment.objects.for_user(request.user).select_related("framework", "unit")
    if not request.user.is_superuser:
        own = own.filter(unit__path__startswith=root.path) if root else own.none()
    frameworks = list(Framework.objects.for_user(request.user).select_related("issuing_unit"))
    startable = []
    if root is not None:
        taken = set(Assessment.objects.filter(unit=root).values_list("framework_id", flat=True))
        startable = [f for f in frameworks
                     if services.applies_to(f, root) and f.pk not in taken and f.results_published_at is None]
    # Paged on the server; ?q= searches unit and framework (core.listing).
    page = listing.paginate(request, own.order_by("-framework__year", "unit__path", "pk"),
                            search_fields=("unit__name", "unit__code", "framework__name"))
    return render(request, "par_index/assessment_list.html", {
        "assessments": page.rows, "page": page.page, "listing": page,
        "frameworks": frameworks,
        "startable": startable,
        "plans": ImprovementPlan.objects.for_user(request.user).select_related("campaign", "unit"),
    })


@login_required
@require_POST
def assessment_start(request, framework_id: int):
    framework = get_framework_for_user(request.user, framework_id)
    unit = scope_unit(request.user)
    if unit is None:
        raise PermissionDenied
    assessment = perform(request, services.start_assessment, framework, unit,
                         success="Đã mở phiếu tự đánh giá chỉ số CCHC.")
    if assessment is None:
        return redirect("par_index:assessment_list")
    return redirect("par_index:assessment_detail", assessment.pk)


# --- assessment ------------------------------------------------------------------------------


def _tree(assessment: Assessment) -> tuple[list[dict], results.Totals, list]:
    """Rows in tree order with each leaf's answer and evidence; a fixed number of queries."""
    items = list(assessment.framework.items.order_by("order"))
    answers = list(assessment.answers.select_related("item"))
    evidence: dict[int, list[Evidence]] = {}
    for e in Evidence.objects.filter(answer__assessment=assessment).order_by("uploaded_at"):
        evidence.setdefault(e.answer_id, []).append(e)
    by_item = {a.item_id: a for a in answers}
    totals = results.compute_totals(assessment, items, answers)
    field_totals = {ft.item.pk: ft for ft in totals.fields}
    # Criterion subtotals add up their leaves.
    sub_self: dict[int, list] = {}
    sub_appr: dict[int, list] = {}
    for a in answers:
        if a.item.parent_id:
            sub_self.setdefault(a.item.parent_id, []).append(a.self_points)
            sub_appr.setdefault(a.item.parent_id, []).append(a.appraised_points)
    rows = []
    for item in items:
        answer = by_item.get(item.pk)
        row = {"item": item, "answer": answer, "evidence": evidence.get(answer.pk, []) if answer else []}
        if item.pk in field_totals:
            row["self"], row["appraised"] = field_totals[item.pk].self_points, field_totals[item.pk].appraised_points
        elif answer is None:
            row["self"], row["appraised"] = results.sum_points(sub_self.get(item.pk, [])), results.sum_points(sub_appr.get(item.pk, []))
        rows.append(row)
    return rows, totals, answers


def _par_index_context(assessment: Assessment) -> dict:
    prev_fw = results.previous_framework(assessment.framework)
    change = results.year_over_year(assessment)
    year = assessment.framework.year
    index = results.index_results([assessment.unit], [year, year - 1])
    current, previous = index.get((assessment.unit_id, year)), index.get((assessment.unit_id, year - 1))
    index_change = None
    if current and previous:
        index_change = {
            "score": current.score - previous.score,
            "rank": (previous.rank - current.rank) if current.rank and previous.rank else None,
        }
    return {"change": change, "prev_framework": prev_fw, "index_current": current, "index_previous": previous,
            "index_change": index_change}


def _answer_ids(assessment: Assessment) -> list[int]:
    return list(assessment.answers.values_list("pk", flat=True))


def _posted(request, assessment: Assessment, points: str, text: str) -> dict[int, tuple[str, str]]:
    """``{answer id: (points, text)}`` for the answers whose ``<points>_<id>`` field was posted."""
    return {i: (request.POST.get(f"{points}_{i}", ""), request.POST.get(f"{text}_{i}", ""))
            for i in _answer_ids(assessment) if f"{points}_{i}" in request.POST}


@login_required
def assessment_detail(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    editable = allowed(request.user, "par_index.self_assess", assessment) and assessment.status in UNIT_EDITABLE
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Bạn không được sửa kết quả tự đánh giá này.")
        posted = _posted(request, assessment, "points", "explanation")
        if perform_counted(request, services.save_self_assessment, assessment, values=posted,
                           success="Đã lưu điểm tự chấm ({n} tiêu chí thay đổi).") is not None:
            return redirect("par_index:assessment_detail", assessment.pk)
    rows, totals, answers = _tree(assessment)
    for row in rows:
        answer = row["answer"]
        if answer is not None:
            row["editable"] = editable and (assessment.status == S.DRAFT or answer.is_returned)
            row["posted"] = posted.get(answer.pk)
    return render(request, "par_index/assessment_detail.html", {
        "assessment": assessment, "framework": assessment.framework, "rows": rows, "totals": totals,
        "editable": editable,
        "returned": [a for a in answers if a.is_returned],
        "history": timeline(assessment, ACTION_LABELS, states=S, newest_first=True, limit=20),
        **_par_index_context(assessment),
    })


@login_required
@require_POST
def assessment_submit(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    service = services.resubmit_assessment if assessment.status == S.RETURNED else services.submit_assessment
    perform(request, service, assessment, success="Đã gửi kết quả tự đánh giá đến cấp thẩm định.")
    return redirect("par_index:assessment_detail", assessment.pk)


@login_required
@require_POST
def evidence_upload(request, pk: int, answer_id: int):
    assessment = get_assessment_for_user(request.user, pk)
    answer = get_object_or_404(Answer.objects.select_related("item", "assessment"), pk=answer_id, assessment=assessment)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, f"Chưa chọn tệp tài liệu kiểm chứng cho {answer.item.label}.")
    else:
        perform(request, services.add_evidence, answer, file=upload, description=request.POST.get("description", ""),
                success=f"Đã tải lên “{upload.name}” cho tiêu chí {answer.item.code}.")
    return redirect(reverse("par_index:assessment_detail", args=[assessment.pk]) + f"#muc-{answer.item.code}")


def _get_evidence_for_user(user: Any, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("answer__assessment", "answer__item"),
        pk=pk, answer__assessment__in=Assessment.objects.for_user(user),
    )


@login_required
def evidence_download(request, pk: int):
    evidence = _get_evidence_for_user(request.user, pk)
    return file_response(evidence.file, filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = _get_evidence_for_user(request.user, pk)
    assessment_id = evidence.answer.assessment_id
    perform(request, services.remove_evidence, evidence, success="Đã xóa tài liệu kiểm chứng.")
    return redirect("par_index:assessment_detail", assessment_id)


@login_required
def assessment_appraise(request, pk: int):
    """The appraising level's page: appraised points and comments, send back, finalize."""
    assessment = get_assessment_for_user(request.user, pk)
    if not allowed(request.user, "par_index.appraise_assessment", assessment):
        raise PermissionDenied("Chỉ cán bộ thi đua của cấp thẩm định mới được thẩm định.")
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        posted = _posted(request, assessment, "appraised", "comment")
        action = request.POST.get("action", "save")
        if action == "return":
            reasons = {i: request.POST.get(f"reason_{i}", "") for i in _answer_ids(assessment)
                       if request.POST.get(f"return_{i}")}
            done = perform(request, services.return_items, assessment, reasons=reasons, values=posted,
                           success=f"Đã trả lại {len(reasons)} tiêu chí cho đơn vị bổ sung.")
        elif action == "accept":
            done = perform_counted(request, services.accept_self_points, assessment,
                                   success="Đã ghi điểm thẩm định bằng điểm tự chấm cho {n} tiêu chí chưa thẩm định.")
        elif action == "finalize":
            if perform(request, services.finalize_assessment, assessment, values=posted,
                       success="Đã hoàn tất thẩm định; kết quả được ghi vào chỉ số PAR INDEX của đơn vị."):
                return redirect("par_index:assessment_detail", assessment.pk)
            done = None
        else:
            done = perform_counted(request, services.appraise_answers, assessment, values=posted,
                                   success="Đã lưu điểm thẩm định ({n} tiêu chí thay đổi).")
        if done is not None:
            return redirect("par_index:assessment_appraise", assessment.pk)
    rows, totals, _ = _tree(assessment)
    for row in rows:
        if row["answer"] is not None:
            row["posted"] = posted.get(row["answer"].pk)
    return render(request, "par_index/assessment_appraise.html", {
        "assessment": assessment, "framework": assessment.framework, "rows": rows, "totals": totals,
        "open": assessment.status in (S.SUBMITTED, S.UNDER_APPRAISAL, S.RESUBMITTED),
    })


# --- frameworks ------------------------------------------------------------------------------


@login_required
def framework_list(request):
    form = FrameworkForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not allowed(request.user, "par_index.create_framework"):
            raise PermissionDenied
        if form.is_valid():
            framework = perform(request, services.create_framework, **form.cleaned_data,
                                success="Đã tạo bộ chỉ số; hãy nhập danh mục tiêu chí từ tệp Excel.")
            if framework is not None:
                return redirect("par_index:framework_detail", framework.pk)
    return render(request, "par_index/framework_list.html", {
        "frameworks": Framework.objects.for_user(request.user).select_related("issuing_unit"), "form": form,
    })


@login_required
def framework_detail(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    manages = allowed(request.user, "par_index.manage_framework", framework)
    assessments = (Assessment.objects.for_user(request.user).filter(framework=framework)
                   .select_related("unit").order_by("unit__path"))
    return render(request, "par_index/framework_detail.html", {
        "framework": framework, "items": framework.items.order_by("order"), "bands": framework.bands.all(),
        "assessments": assessments,
        "import_form": ImportForm(), "copy_form": CopyForm(initial={"year": framework.year + 1}),
        "has_assessments": framework.assessments.exists(),
        "eligible": services.eligible_units(framework).count() if manages else None,
        "has_finalized": framework.assessments.filter(status=S.FINALIZED).exists(),
    })


@login_required
def framework_export(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    response = HttpResponse(
        services.export_framework(framework),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bo-chi-so-cchc-{framework.year}-{framework.pk}.xlsx"'
    return response


@login_required
@require_POST
def framework_import(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa chọn tệp Excel (.xlsx).")
    else:
        perform_counted(request, services.import_framework, framework, form.cleaned_data["file"],
                        success="Đã nhập {n} mục của bộ chỉ số.")
    return redirect("par_index:framework_detail", framework.pk)


@login_required
@require_POST
def framework_copy(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Năm không hợp lệ.")
        return redirect("par_index:framework_detail", framework.pk)
    year = form.cleaned_data["year"]
    copy = perform(request, services.copy_framework, framework, year=year,
                   success=f"Đã sao chép bộ chỉ số sang năm {year}.")
    return redirect("par_index:framework_detail", (copy or framework).pk)


def _for_units(request, pk: int, service: Any, success: str, then: str):
    """Run a framework-wide ``service`` that returns a number of units; back to ``then``."""
    framework = get_framework_for_user(request.user, pk)
    perform_counted(request, service, framework, success=success)
    return redirect(then, framework.pk)


@login_required
@require_POST
def framework_open(request, pk: int):
    return _for_units(request, pk, services.start_assessments, "Đã mở phiếu tự đánh giá cho {n} đơn vị.",
                      "par_index:framework_detail")


@login_required
@require_POST
def framework_publish(request, pk: int):
    return _for_units(request, pk, services.publish_results, "Đã công bố kết quả của {n} đơn vị.",
                      "par_index:framework_results")


@login_required
def framework_results(request, pk: int):
    """Ranking of final results: staff of the issuer see every final result; units see
    the published ones (and their own)."""
    framework = get_framework_for_user(request.user, pk)
    visible = Assessment.objects.for_user(request.user).filter(framework=framework)
    if allowed(request.user, "par_index.manage_framework", framework):  # the issuer's staff see every final one
        visible = visible.filter(status__in=FINAL)
    else:
        visible = visible.filter(status=S.PUBLISHED)
    assessments = list(visible.select_related("unit").order_by("rank", "unit__name"))
    fields = list(framework.items.filter(parent__isnull=True).order_by("order"))
    per_field: dict[tuple[int, int], Decimal] = {
        (r["assessment_id"], r["item__field_id"]): r["s"]
        for r in Answer.objects.filter(assessment__in=assessments).values("assessment_id", "item__field_id")
        .annotate(s=Sum("appraised_points"))
    }
    prev_fw = results.previous_framework(framework)
    previous = {}
    if prev_fw is not None:
        previous = {a.unit_id: a for a in Assessment.objects.filter(
            framework=prev_fw, unit__in=[a.unit for a in assessments], status__in=FINAL)}
    index = results.index_results([a.unit for a in assessments], [framework.year])
    rows = []
    for a in assessments:
        change = results.year_over_year(a, previous.get(a.unit_id), lookup=False)
        rows.append({"a": a, "fields": [per_field.get((a.pk, f.pk)) for f in fields], "change": change,
                     "index": index.get((a.unit_id, framework.year))})
    return render(request, "par_index/framework_results.html", {
        "framework": framework, "fields": fields, "rows": rows, "prev_framework": prev_fw,
    })


# --- improvement plans -----------------------------------------------------------------------


@login_required
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    tasks = list(plan.tasks.select_related("content", "lead_section").prefetch_related("supporting_sections"))
    contents = list(plan.campaign.contents.all())
    baseline_fields: dict[int, Any] = {}
    if plan.baseline_id:
        baseline = plan.baseline
        items = list(baseline.framework.items.filter(parent__isnull=True).order_by("order"))
        answers = list(baseline.answers.select_related("item"))
        totals = results.compute_totals(baseline, items, answers)
        baseline_fields = {int(ft.item.code): ft for ft in totals.fields}
    groups = [{"content": c, "baseline": baseline_fields.get(c.order), "tasks": [t for t in tasks if t.content_id == c.pk]}
              for c in contents]
    return render(request, "par_index/plan_detail.html", {
        "plan": plan, "groups": groups, "targets": results.plan_targets(plan), "statuses": TaskStatus.choices,
    })


@login_required
@require_POST
def plan_task_status(request, pk: int):
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=pk,
                             plan__in=ImprovementPlan.objects.for_user(request.user))
    perform(request, services.set_task_status, task, status=request.POST.get("status", ""),
            success="Đã cập nhật trạng thái nhiệm vụ.")
    return redirect(reverse("par_index:plan_detail", args=[task.plan_id]) + f"#nv-{task.pk}")
