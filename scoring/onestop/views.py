"""Pages of the one-stop upload: history, upload, batch preview/confirm, templates,
completeness grid and month locks. Thin views: load in scope (404), call one
service, redirect."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from organization.choices import Role
from organization.models import Unit
from organization.scope import has_role, scope_unit

from . import services
from .forms import LockForm, UploadForm
from .models import Dossier, ImportBatch, ImportKind, ImportStatus, MonthLock, MonthlyReport
from .xlsx import FILE_NAMES, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_batch_for_user(user, pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.for_user(user).select_related("unit", "uploaded_by"), pk=pk)


def get_unit_for_user(user, code: str) -> Unit:
    return get_object_or_404(Unit.objects.for_user(user), code=code)


@login_required
def upload_list(request):
    """Upload history: who, when, file, SHA-256 and outcome, per unit in scope."""
    batches = ImportBatch.objects.for_user(request.user).select_related("unit", "uploaded_by").order_by("-created_at")
    unit = None
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
        batches = batches.filter(unit__path__startswith=unit.path)
    return render(request, "onestop/upload_list.html", {
        "batches": batches[:200], "unit": unit,
        "units": Unit.objects.for_user(request.user).order_by("path").only("code", "name", "depth"),
        "can_upload": has_role(request.user, *services.UPLOAD_ROLES),
        "kinds": ImportKind.choices,
    })


@login_required
def upload_new(request):
    if not has_role(request.user, *services.UPLOAD_ROLES):
        raise PermissionDenied("Bạn không có quyền tải số liệu.")
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = get_unit_for_user(request.user, request.GET["unit"])
    elif scope_unit(request.user) is not None:
        initial["unit"] = scope_unit(request.user)
    if request.GET.get("kind") in ImportKind.values:
        initial["kind"] = request.GET["kind"]
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.create_batch(
                form.cleaned_data["unit"], form.cleaned_data["kind"], form.cleaned_data["file"],
                actor=request.user, month=form.cleaned_data["month"],
            )
        except services.AlreadyImported as exc:
            messages.info(request, str(exc))
            return redirect("onestop:batch_detail", pk=exc.batch.pk)
        except services.ImportRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("onestop:batch_detail", pk=batch.pk)
    return render(request, "onestop/upload_new.html", {"form": form, "kinds": ImportKind.choices})


def _batch_context(request, batch: ImportBatch) -> dict:
    running = batch.status in (ImportStatus.UPLOADED, ImportStatus.PARSING)
    return {
        "batch": batch, "running": running,
        "can_act": services.can_upload(request.user, batch.unit),
        "errors": batch.errors, "more_errors": max(0, batch.error_count - len(batch.errors)),
        "summary": services.summary_text(batch.kind, batch.counts) if batch.counts else "",
    }


@login_required
def batch_detail(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    return render(request, "onestop/batch_detail.html", _batch_context(request, batch))


@login_required
def batch_progress(request, pk: int):
    """Polled by htmx while the file is being checked; asks for a full reload when done."""
    batch = get_batch_for_user(request.user, pk)
    ctx = _batch_context(request, batch)
    if not ctx["running"]:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "onestop/_progress.html", ctx)


@login_required
@require_POST
def batch_confirm(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    try:
        services.confirm_batch(batch, actor=request.user)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã ghi nhận số liệu; các chỉ số đang được tính lại.")
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_cancel(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    try:
        services.cancel_batch(batch, actor=request.user)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, "Đã hủy lượt tải; không có số liệu nào được ghi nhận.")
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
def batch_file(request, pk: int):
    """The original file as uploaded (kept for history)."""
    batch = get_batch_for_user(request.user, pk)
    if not batch.file:
        raise Http404("Không còn tệp gốc.")
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.file_name)


@login_required
def template_download(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404("Không có mẫu này.")
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAMES[kind]}"'
    return response


def _months_of(year: int) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in range(1, 13)]


def _latest_data_year(root: Unit, today: datetime.date) -> int:
    """The grid opens on the latest year the subtree has data for, not blindly on
    this year: in January, last December's gaps are what staff chase."""
    from scoring.models import UnitMonthData

    last = (UnitMonthData.objects.filter(unit__path__startswith=root.path, month__lte=today)
            .order_by("-month").values_list("month", flat=True).first())
    return last.year if last else today.year


@login_required
def completeness(request):
    """Unit × month grid: uploaded / zero / missing / locked. A fixed number of
    queries whatever the number of units (units, reports, dossier counts, locks)."""
    root = scope_unit(request.user)
    if request.GET.get("unit"):
        root = get_unit_for_user(request.user, request.GET["unit"])
    elif request.user.is_superuser and root is None:
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or _latest_data_year(root, today))
    except ValueError:
        year = today.year
    months = _months_of(year)
    units = list(Unit.objects.subtree(root).only("id", "code", "name", "depth", "path").order_by("path"))
    reports = {
        (u, m): total
        for u, m, total in MonthlyReport.objects.filter(unit__path__startswith=root.path, month__year=year)
        .values_list("unit_id", "month", "received_total")
    }
    dossiers = {
        (row["unit_id"], _as_date(row["m"])): row["n"]
        for row in Dossier.objects.filter(unit__path__startswith=root.path, received_on__year=year)
        .annotate(m=TruncMonth("received_on")).values("unit_id", "m").annotate(n=Count("id")).order_by()
    }
    locks = {
        (lk.unit_id, lk.month): lk
        for lk in MonthLock.objects.filter(unit__path__startswith=root.path, month__year=year, is_locked=True)
    }
    this_month = today.replace(day=1)
    rows = []
    totals = defaultdict(int)
    for u in units:
        cells = []
        for m in months:
            lock = locks.get((u.id, m))
            n_dossiers = dossiers.get((u.id, m), 0)
            report_total = reports.get((u.id, m))
            if m > this_month:
                state, label = "future", ""
            elif n_dossiers or (report_total or 0) > 0:
                state, label = "uploaded", f"{max(n_dossiers, report_total or 0)}"
            elif report_total == 0:
                state, label = "zero", "0"
            else:
                state, label = "missing", "thiếu"
            totals[state] += 1
            cells.append({"month": m, "state": state, "label": label, "lock": lock})
        rows.append({"unit": u, "cells": cells, "indent": max(0, u.depth - root.depth)})
    years = list(range(today.year, today.year - 5, -1))
    return render(request, "onestop/completeness.html", {
        "root": root, "year": year, "years": years, "months": months, "rows": rows, "totals": dict(totals),
        "can_lock": has_role(request.user, Role.STAFF),
        "lock_form": LockForm(user=request.user, initial={"unit": root}),
        "units": Unit.objects.for_user(request.user).order_by("path").only("code", "name", "depth"),
    })


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _back_to_grid(request, unit: Unit | None = None, month: datetime.date | None = None):
    url = reverse("onestop:completeness")
    params = []
    if request.POST.get("root"):
        params.append(f"unit={request.POST['root']}")
    year = request.POST.get("year") or (month.year if month else "")
    if year:
        params.append(f"year={year}")
    return redirect(url + ("?" + "&".join(params) if params else ""))


def _change_month_lock(request, change, done: str):
    """Lock or reopen a unit-month from the completeness grid (the service checks who may)."""
    form = LockForm(request.POST, user=request.user)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return _back_to_grid(request)
    unit, month = form.cleaned_data["unit"], form.cleaned_data["month"]
    try:
        change(unit, month, actor=request.user, reason=form.cleaned_data["reason"])
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã {done} số liệu tháng {month:%m/%Y} của {unit.name}.")
    return _back_to_grid(request, unit, month)


@login_required
@require_POST
def month_lock(request):
    return _change_month_lock(request, services.lock_month, "khóa")


@login_required
@require_POST
def month_reopen(request):
    return _change_month_lock(request, services.reopen_month, "mở khóa")
