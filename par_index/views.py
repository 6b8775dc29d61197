"""Pages of the PAR index: thin views that load through ``get_<thing>_for_user`` (404
outside the user's scope), call one service and redirect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from organization.models import Unit
from organization.scope import scope_unit

from . import services
from .choices import FINAL, UNIT_EDITABLE, AssessmentStatus, TaskStatus
from .forms import CopyForm, FrameworkForm, ImportForm
from .models import Answer, Assessment, Evidence, Framework, ImprovementPlan, PlanTask

S = AssessmentStatus
ACTION_LABELS = {
    "par.assessment.start": "Mở phiếu tự đánh giá",
    "par.assessment.submit": "Gửi thẩm định",
    "par.assessment.start_appraisal": "Bắt đầu thẩm định",
    "par.assessment.return": "Trả lại tiêu chí để bổ sung",
    "par.assessment.resubmit": "Gửi lại sau bổ sung",
    "par.assessment.finalize": "Hoàn tất thẩm định",
    "par.assessment.publish": "Công bố kết quả",
}


def get_framework_for_user(user: Any, pk: int) -> Framework:
    return get_object_or_404(Framework.objects.for_user(user).select_related("issuing_unit", "copied_from"), pk=pk)


def get_assessment_for_user(user: Any, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(user).select_related("framework__issuing_unit", "unit"), pk=pk
    )


def get_plan_for_user(user: Any, pk: int) -> ImprovementPlan:
    return get_object_or_404(ImprovementPlan.objects.for_user(user).select_related("campaign", "unit", "baseline"), pk=pk)


def _index_results(units: list[Unit], years: list[int]) -> dict[tuple[int, int], Any]:
    """The scoring app's yearly PAR INDEX results for these units and years."""
    from scoring.models import IndexResult

    rows = IndexResult.objects.filter(unit__in=units, year__in=years, index_code=services.INDEX_CODE)
    return {(r.unit_id, r.year): r for r in rows}


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
        startable = [f for f in frameworks if f.level == root.kind and root.is_within(f.issuing_unit)
                     and root.pk != f.issuing_unit_id and f.pk not in taken and f.results_published_at is None]
    return render(request, "par_index/assessment_list.html", {
        "assessments": own.order_by("-framework__year", "unit__path"),
        "frameworks": frameworks,
        "startable": startable,
        "plans": ImprovementPlan.objects.for_user(request.user).select_related("campaign", "unit"),
        "can_create_framework": services.can_manage_framework(request.user) and root is not None,
    })


@login_required
@require_POST
def assessment_start(request, framework_id: int):
    framework = get_framework_for_user(request.user, framework_id)
    unit = scope_unit(request.user)
    if unit is None:
        raise PermissionDenied
    try:
        assessment = services.start_assessment(framework, unit, actor=request.user)
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
        return redirect("par_index:assessment_list")
    messages.success(request, "Đã mở phiếu tự đánh giá chỉ số CCHC.")
    return redirect("par_index:assessment_detail", assessment.pk)


# --- assessment ------------------------------------------------------------------------------


def _tree(assessment: Assessment) -> tuple[list[dict], services.Totals, list]:
    """Rows in tree order with each leaf's answer and evidence; a fixed number of queries."""
    items = list(assessment.framework.items.order_by("order"))
    answers = list(assessment.answers.select_related("item"))
    evidence: dict[int, list[Evidence]] = {}
    for e in Evidence.objects.filter(answer__assessment=assessment).order_by("uploaded_at"):
        evidence.setdefault(e.answer_id, []).append(e)
    by_item = {a.item_id: a for a in answers}
    totals = services.compute_totals(assessment, items, answers)
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
            row["self"], row["appraised"] = services._sum(sub_self.get(item.pk, [])), services._sum(sub_appr.get(item.pk, []))
        rows.append(row)
    return rows, totals, answers


def _par_index_context(assessment: Assessment) -> dict:
    prev_fw = services.previous_framework(assessment.framework)
    change = services.year_over_year(assessment)
    year = assessment.framework.year
    results = _index_results([assessment.unit], [year, year - 1])
    current, previous = results.get((assessment.unit_id, year)), results.get((assessment.unit_id, year - 1))
    index_change = None
    if current and previous:
        index_change = {
            "score": current.score - previous.score,
            "rank": (previous.rank - current.rank) if current.rank and previous.rank else None,
        }
    return {"change": change, "prev_framework": prev_fw, "index_current": current, "index_previous": previous,
            "index_change": index_change}


@login_required
def assessment_detail(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    can_edit = services.can_self_assess(request.user, assessment) and assessment.status in UNIT_EDITABLE
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Bạn không được sửa kết quả tự đánh giá này.")
        ids = assessment.answers.values_list("pk", flat=True)
        posted = {i: (request.POST.get(f"points_{i}", ""), request.POST.get(f"explanation_{i}", ""))
                  for i in ids if f"points_{i}" in request.POST}
        try:
            changed = services.save_self_assessment(assessment, actor=request.user, values=posted)
        except services.ParIndexError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã lưu điểm tự chấm ({changed} tiêu chí thay đổi).")
            return redirect("par_index:assessment_detail", assessment.pk)
    rows, totals, answers = _tree(assessment)
    for row in rows:
        answer = row["answer"]
        if answer is not None:
            row["editable"] = can_edit and (assessment.status == S.DRAFT or answer.is_returned)
            row["posted"] = posted.get(answer.pk)
    history = [
        {"event": e, "label": ACTION_LABELS.get(e.action, e.action),
         "state": S(e.to_state).label if e.to_state in S.values else e.to_state}
        for e in AuditEvent.objects.for_object(assessment).order_by("-created_at", "-id")[:20]
    ]
    return render(request, "par_index/assessment_detail.html", {
        "assessment": assessment, "framework": assessment.framework, "rows": rows, "totals": totals,
        "can_edit": can_edit,
        "can_submit": services.can_self_assess(request.user, assessment) and assessment.status == S.DRAFT,
        "can_resubmit": services.can_self_assess(request.user, assessment) and assessment.status == S.RETURNED,
        "can_appraise": services.can_appraise(request.user, assessment),
        "returned": [a for a in answers if a.is_returned],
        "history": history,
        **_par_index_context(assessment),
    })


@login_required
@require_POST
def assessment_submit(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    service = services.resubmit_assessment if assessment.status == S.RETURNED else services.submit_assessment
    try:
        service(assessment, actor=request.user)
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã gửi kết quả tự đánh giá đến cấp thẩm định.")
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
        try:
            services.add_evidence(answer, actor=request.user, file=upload, description=request.POST.get("description", ""))
        except services.ParIndexError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã tải lên “{upload.name}” cho tiêu chí {answer.item.code}.")
    return redirect(reverse("par_index:assessment_detail", args=[assessment.pk]) + f"#muc-{answer.item.code}")


def _get_evidence_for_user(user: Any, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("answer__assessment", "answer__item"),
        pk=pk, answer__assessment__in=Assessment.objects.for_user(user),
    )


@login_required
def evidence_download(request, pk: int):
    evidence = _get_evidence_for_user(request.user, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = _get_evidence_for_user(request.user, pk)
    assessment_id = evidence.answer.assessment_id
    try:
        services.remove_evidence(evidence, actor=request.user)
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã xóa tài liệu kiểm chứng.")
    return redirect("par_index:assessment_detail", assessment_id)


@login_required
def assessment_appraise(request, pk: int):
    """The appraising level's page: appraised points and comments, send back, finalize."""
    assessment = get_assessment_for_user(request.user, pk)
    if not services.can_appraise(request.user, assessment):
        raise PermissionDenied("Chỉ cán bộ thi đua của cấp thẩm định mới được thẩm định.")
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        ids = list(assessment.answers.values_list("pk", flat=True))
        posted = {i: (request.POST.get(f"appraised_{i}", ""), request.POST.get(f"comment_{i}", ""))
                  for i in ids if f"appraised_{i}" in request.POST}
        action = request.POST.get("action", "save")
        try:
            if action == "return":
                reasons = {i: request.POST.get(f"reason_{i}", "") for i in ids if request.POST.get(f"return_{i}")}
                services.return_items(assessment, actor=request.user, reasons=reasons, values=posted)
                messages.success(request, f"Đã trả lại {len(reasons)} tiêu chí cho đơn vị bổ sung.")
            elif action == "accept":
                n = services.accept_self_points(assessment, actor=request.user)
                messages.success(request, f"Đã ghi điểm thẩm định bằng điểm tự chấm cho {n} tiêu chí chưa thẩm định.")
            elif action == "finalize":
                services.finalize_assessment(assessment, actor=request.user, values=posted)
                messages.success(request, "Đã hoàn tất thẩm định; kết quả được ghi vào chỉ số PAR INDEX của đơn vị.")
                return redirect("par_index:assessment_detail", assessment.pk)
            else:
                n = services.appraise_answers(assessment, actor=request.user, values=posted)
                messages.success(request, f"Đã lưu điểm thẩm định ({n} tiêu chí thay đổi).")
        except services.ParIndexError as exc:
            messages.error(request, str(exc))
        else:
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
        if not services.can_manage_framework(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                framework = services.create_framework(actor=request.user, **form.cleaned_data)
            except services.ParIndexError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Đã tạo bộ chỉ số; hãy nhập danh mục tiêu chí từ tệp Excel.")
                return redirect("par_index:framework_detail", framework.pk)
    return render(request, "par_index/framework_list.html", {
        "frameworks": Framework.objects.for_user(request.user).select_related("issuing_unit"),
        "form": form, "can_create": services.can_manage_framework(request.user) and scope_unit(request.user) is not None,
    })


@login_required
def framework_detail(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    can_manage = services.can_manage_framework(request.user, framework)
    assessments = (Assessment.objects.for_user(request.user).filter(framework=framework)
                   .select_related("unit").order_by("unit__path"))
    return render(request, "par_index/framework_detail.html", {
        "framework": framework, "items": framework.items.order_by("order"), "bands": framework.bands.all(),
        "assessments": assessments, "can_manage": can_manage,
        "import_form": ImportForm(), "copy_form": CopyForm(initial={"year": framework.year + 1}),
        "has_assessments": framework.assessments.exists(),
        "eligible": services.eligible_units(framework).count() if can_manage else None,
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
        try:
            n = services.import_framework(framework, form.cleaned_data["file"], actor=request.user)
        except services.ParIndexError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã nhập {n} mục của bộ chỉ số.")
    return redirect("par_index:framework_detail", framework.pk)


@login_required
@require_POST
def framework_copy(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Năm không hợp lệ.")
        return redirect("par_index:framework_detail", framework.pk)
    try:
        copy = services.copy_framework(framework, actor=request.user, year=form.cleaned_data["year"])
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
        return redirect("par_index:framework_detail", framework.pk)
    messages.success(request, f"Đã sao chép bộ chỉ số sang năm {copy.year}.")
    return redirect("par_index:framework_detail", copy.pk)


@login_required
@require_POST
def framework_open(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    try:
        n = services.start_assessments(framework, actor=request.user)
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã mở phiếu tự đánh giá cho {n} đơn vị.")
    return redirect("par_index:framework_detail", framework.pk)


@login_required
@require_POST
def framework_publish(request, pk: int):
    framework = get_framework_for_user(request.user, pk)
    try:
        n = services.publish_results(framework, actor=request.user)
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã công bố kết quả của {n} đơn vị.")
    return redirect("par_index:framework_results", framework.pk)


@login_required
def framework_results(request, pk: int):
    """Ranking of final results: staff of the issuer see every final result; units see
    the published ones (and their own)."""
    framework = get_framework_for_user(request.user, pk)
    visible = Assessment.objects.for_user(request.user).filter(framework=framework)
    if services.can_manage_framework(request.user, framework):
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
    prev_fw = services.previous_framework(framework)
    previous = {}
    if prev_fw is not None:
        previous = {a.unit_id: a for a in Assessment.objects.filter(
            framework=prev_fw, unit__in=[a.unit for a in assessments], status__in=FINAL)}
    index = _index_results([a.unit for a in assessments], [framework.year])
    rows = []
    for a in assessments:
        change = services.year_over_year(a, previous.get(a.unit_id), lookup=False)
        rows.append({"a": a, "fields": [per_field.get((a.pk, f.pk)) for f in fields], "change": change,
                     "index": index.get((a.unit_id, framework.year))})
    return render(request, "par_index/framework_results.html", {
        "framework": framework, "fields": fields, "rows": rows, "prev_framework": prev_fw,
        "can_manage": services.can_manage_framework(request.user, framework),
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
        totals = services.compute_totals(baseline, items, answers)
        baseline_fields = {int(ft.item.code): ft for ft in totals.fields}
    groups = [{"content": c, "baseline": baseline_fields.get(c.order), "tasks": [t for t in tasks if t.content_id == c.pk]}
              for c in contents]
    return render(request, "par_index/plan_detail.html", {
        "plan": plan, "groups": groups, "targets": services.plan_targets(plan),
        "can_edit": services.can_edit_plan(request.user, plan), "statuses": TaskStatus.choices,
    })


@login_required
@require_POST
def plan_task_status(request, pk: int):
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=pk,
                             plan__in=ImprovementPlan.objects.for_user(request.user))
    try:
        services.set_task_status(task, actor=request.user, status=request.POST.get("status", ""))
    except services.ParIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã cập nhật trạng thái nhiệm vụ.")
    return redirect(reverse("par_index:plan_detail", args=[task.plan_id]) + f"#nv-{task.pk}")
