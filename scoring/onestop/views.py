"""Pages of the one-stop upload: history, upload, batch preview/confirm, templates
and month locks (posted from the completeness grid, ``scoring.completeness``).
Thin views: load in scope (404), call one service through ``core.views.perform``,
redirect. What a page offers is asked of ``rules.py`` (``{% can %}``), the same
permissions the services check."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core import formats, listing
from core.files import file_response
from core.views import perform
from organization.rules import allowed
from organization.scope import get_unit_for_user, scope_unit

from . import parsing, services
from .forms import LockForm, MappingForm, ShareMappingForm, UploadForm
from .models import ImportBatch, ImportKind, ImportStatus
from .preview import summary_text
from .xlsx import FILE_NAMES, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_batch_for_user(user, pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.for_user(user).select_related("unit", "uploaded_by"), pk=pk)


@login_required
def upload_list(request):
    """Upload history: who, when, file, SHA-256 and outcome, per unit in scope.

    Paged on the server (``core.listing``): ``?q=`` searches file name, unit and
    message; ``?unit=`` (a unit's subtree), ``?kind=`` and ``?status=`` filter."""
    batches = ImportBatch.objects.for_user(request.user).select_related("unit", "uploaded_by").order_by("-created_at", "-pk")
    unit = None
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, code=request.GET["unit"])
        batches = batches.filter(unit__path__startswith=unit.path)
    kind = listing.choice(request, "kind", ImportKind.values)
    status = listing.choice(request, "status", ImportStatus.values)
    if kind:
        batches = batches.filter(kind=kind)
    if status:
        batches = batches.filter(status=status)
    page = listing.paginate(request, batches, search_fields=("file_name", "unit__name", "unit__code"))
    return render(request, "onestop/upload_list.html", {
        "batches": page.rows, "listing": page, "page": page.page, "unit": unit,
        "kinds": ImportKind.choices, "statuses": ImportStatus.choices, "kind": kind, "status": status,
    })


@login_required
def upload_new(request):
    if not allowed(request.user, "onestop.upload"):
        raise PermissionDenied("Bạn không có quyền tải số liệu.")
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = get_unit_for_user(request.user, code=request.GET["unit"])
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


def _columns_for_page(kind: str, columns: list[dict]) -> list[dict]:
    """The reader's columns with the candidates' labels and the "ambiguous" flag, for
    the columns the officer should look at before confirming."""
    labels = {c.key: c.label for c in parsing.SCHEMAS.get(kind, [])}
    out = []
    for col in columns:
        candidates = [c for c in col.get("candidates") or [] if c != col.get("field")]
        # Unsure: a header that resembles fields but was not mapped, or one mapped by
        # resemblance (not by an exact wording, score < 1) that resembles others too.
        unsure = bool(candidates) and (not col.get("field") or float(col.get("score") or 0) < 1.0)
        out.append({**col, "candidate_labels": [labels.get(c, c) for c in candidates], "ambiguous": unsure})
    return out


def _period_for_page(period: dict | None) -> dict | None:
    """``reading["period"]`` with its ISO dates as dates (for the ``ngay``/``thang`` filters)."""
    if not period:
        return None
    out = dict(period)
    for key in ("start", "end", "month"):
        value = period.get(key)
        try:
            out[key] = datetime.date.fromisoformat(value[:10]) if value else None
        except (TypeError, ValueError):
            out[key] = None
    return out


def _batch_context(batch: ImportBatch, user=None, mapping_form: MappingForm | None = None) -> dict:
    """The batch page: counts, errors, and the reading (sheet, header band, columns
    → fields, period, rows left out, what the file cannot measure)."""
    running = batch.status in (ImportStatus.UPLOADED, ImportStatus.PARSING)
    reading = batch.reading or {}
    columns = _columns_for_page(batch.kind, reading.get("columns") or [])
    can_remap = (
        user is not None and batch.status in (ImportStatus.READY, ImportStatus.INVALID) and bool(columns)
        and allowed(user, "onestop.remap_batch", batch)
    )
    if can_remap and mapping_form is None:
        mapping_form = MappingForm(kind=batch.kind, columns=columns)
    return {
        "batch": batch, "running": running,
        "errors": batch.errors, "more_errors": max(0, batch.error_count - len(batch.errors)),
        "summary": summary_text(batch.kind, batch.counts) if batch.counts else "",
        "reading": reading, "columns": columns, "gaps": reading.get("cannot_measure") or [],
        "period": _period_for_page(reading.get("period")),
        "mapping_form": mapping_form if can_remap else None,
        "share_form": ShareMappingForm() if user is not None and columns else None,
        "stale": (batch.counts or {}).get("stale_pending"), "gaps_tick": services.GAPS_TICK,
    }


@login_required
def batch_detail(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    return render(request, "onestop/batch_detail.html", _batch_context(batch, request.user))


@login_required
def batch_progress(request, pk: int):
    """Polled by htmx while the file is being checked; asks for a full reload when done."""
    batch = get_batch_for_user(request.user, pk)
    ctx = _batch_context(batch)
    if not ctx["running"]:
        return HttpResponseClientRefresh()
    return render(request, "onestop/_progress.html", ctx)


@login_required
@require_POST
def batch_confirm(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    perform(request, services.confirm_batch, batch, accept_gaps=request.POST.get("accept_gaps") == "1",
            success="Đã ghi nhận số liệu; các chỉ số đang được tính lại.")
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_remap(request, pk: int):
    """The officer's column mapping: saved (and remembered for the same headers),
    then the file is read again; the page shows the progress and the new preview."""
    batch = get_batch_for_user(request.user, pk)
    form = MappingForm(request.POST, kind=batch.kind, columns=(batch.reading or {}).get("columns") or [])
    if not form.is_valid():
        ctx = _batch_context(batch, request.user, mapping_form=form)
        return render(request, "onestop/batch_detail.html", ctx, status=400)
    perform(request, services.remap_batch, batch, form.mapping(),
            success="Đã lưu cách ghép cột; tệp đang được đọc lại. Lần sau tệp có cùng dòng tiêu đề sẽ được ghép tự động.")
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_share_mapping(request, pk: int):
    """Staff share the batch's column mapping as a named preset over their subtree."""
    batch = get_batch_for_user(request.user, pk)
    form = ShareMappingForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("onestop:batch_detail", pk=batch.pk)
    name = form.cleaned_data["name"]
    perform(request, services.share_mapping, batch, name=name,
            success=f"Đã chia sẻ cách ghép cột “{name}” cho các đơn vị trực thuộc.")
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_cancel(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    if perform(request, services.cancel_batch, batch) is not None:
        messages.info(request, "Đã hủy lượt tải; không có số liệu nào được ghi nhận.")  # info, not success: nothing stored
    return redirect("onestop:batch_detail", pk=batch.pk)


@login_required
def batch_file(request, pk: int):
    """The original file as uploaded (kept for history)."""
    batch = get_batch_for_user(request.user, pk)
    if not batch.file:
        raise Http404("Không còn tệp gốc.")
    return file_response(batch.file, filename=batch.file_name)


@login_required
def template_download(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404("Không có mẫu này.")
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAMES[kind]}"'
    return response


def _back_to_grid(request, month: datetime.date | None = None):
    """Back to the completeness grid (``scoring.completeness``, reached by its URL
    name: a page above this app, which this app does not import)."""
    url = reverse("completeness")
    params = []
    if request.POST.get("root"):
        params.append(f"unit={request.POST['root']}")
    year = request.POST.get("year") or (month.year if month else "")
    if year:
        params.append(f"year={year}")
    return redirect(url + ("?" + "&".join(params) if params else ""))


def _change_month_lock(request, change: Callable[..., object], done: str):
    """Lock or reopen a unit-month from the completeness grid (the service checks who may)."""
    form = LockForm(request.POST, user=request.user)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return _back_to_grid(request)
    unit, month = form.cleaned_data["unit"], form.cleaned_data["month"]
    perform(request, change, unit, month, reason=form.cleaned_data["reason"],
            success=f"Đã {done} số liệu tháng {formats.month(month)} của {unit.name}.")
    return _back_to_grid(request, month)


@login_required
@require_POST
def month_lock(request):
    return _change_month_lock(request, services.lock_month, "khóa")


@login_required
@require_POST
def month_reopen(request):
    return _change_month_lock(request, services.reopen_month, "mở khóa")
