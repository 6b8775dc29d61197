"""Pages of the scoring app: unit dashboard, leaderboard, exports, JSON API.

Every page runs a fixed number of SQL queries whatever the number of units (the
engine aggregates in SQL); objects are loaded through ``get_<thing>_for_user``,
which answers 404 outside the user's scope.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from campaigns.choices import CriterionKind
from campaigns.models import Campaign, Round
from core import formats
from core.listing import choice, paginate
from core.periods import Period, month_key, months_between, parse_month
from core.views import perform
from organization.models import Unit
from organization.rules import allowed
from organization.scope import get_for_user, get_unit_for_user, scope_unit

from . import runs as run_services
from .choices import RUN_ACTIVE, Direction, FormulaKind, RunStatus
from .criteria import ELIGIBILITY_RULE, leaderboard_data
from .engine import (
    compute,
    definitions,
    format_value,
    indicators_payload,
    monthly_series,
    values_for,
)
from .exports import titled_workbook
from .models import (
    CriterionResult,
    IndexResult,
    IndicatorDefinition,
    RankingSnapshot,
    RecomputeRun,
    UnitMonthData,
)
from .provenance import explain
from .runs import progress_key
from .svg import trend_chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_round_for_user(user: Any, code: str, round_id: int) -> Round:
    campaign = get_for_user(Campaign, user, code=code)
    return get_object_or_404(Round.objects.select_related("campaign__issuing_unit"), pk=round_id, campaign=campaign)


def last_update() -> dict:
    """"Cập nhật lúc …" and any run in progress (two queries)."""
    done = RecomputeRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at").only("finished_at").first()
    running = RecomputeRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).order_by("created_at").first()
    progress = None
    if running is not None:
        progress = cache.get(progress_key(running.pk), running.progress)
    return {"updated_at": done.finished_at if done else None, "running": running, "running_progress": progress}


def parse_period(params: Any, default_year: int | None = None) -> Period:
    """``?year=2023`` or ``?from=2023-01&to=2023-06`` (months); default: this year."""
    try:
        if params.get("from") or params.get("to"):
            start = parse_month(params.get("from") or params.get("to"))
            end = parse_month(params.get("to") or params.get("from"))
            return Period.between(min(start, end), max(start, end))  # picked the wrong way round: still meant
        year = int(params.get("year") or default_year or datetime.date.today().year)
        return Period.year_of(year)
    except ValueError as exc:
        raise Http404("Kỳ không hợp lệ (dùng YYYY-MM).") from exc


def _status(value: Decimal | None, target: Decimal | None, direction: str) -> str:
    if value is None or target is None:
        return ""
    good = value >= target if direction == Direction.HIGHER else value <= target
    return "ok" if good else "bad"


def _default_year() -> int:
    last = UnitMonthData.objects.order_by("-month").values_list("month", flat=True).first()
    return last.year if last else datetime.date.today().year


@login_required
def dashboard(request):
    """Entry point: the user's own unit; for a superuser without one, the first top unit
    (the admin's menu item led to a 404, issue 13)."""
    unit = scope_unit(request.user)
    if unit is None and request.user.is_superuser:
        unit = Unit.objects.filter(parent=None).order_by("sort_order", "name").first()
    if unit is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    return redirect("scoring:unit_dashboard", pk=unit.pk)


def indicator_rows(unit: Unit, period: Period, children: list[Unit] | None = None) -> tuple[list, dict, list]:
    """The unit's indicator rows, and the values of ``children`` (default: every
    child unit; the page passes one page of them, so its work is bounded)."""
    defs = definitions()
    if children is None:
        children = list(Unit.objects.filter(parent=unit).order_by("sort_order", "name"))
    values = values_for([unit.pk] + [c.pk for c in children], period, defs)
    rows = []
    for d in defs:
        v = values[unit.pk][d.code]
        text = format_value(v.value, d.decimals)
        if v.value is not None and d.unit_label:
            text += d.unit_label if d.unit_label == "%" else f" {d.unit_label}"
        rows.append({"defn": d, "v": v, "status": _status(v.value, d.target, d.direction), "text": text})
    return rows, values, children


def _dashboard(request, pk: int) -> tuple[Unit, Period, list, dict, list]:
    """The unit (404 outside scope), the asked period and its indicator rows."""
    unit = get_unit_for_user(request.user, pk=pk)
    period = parse_period(request.GET, _default_year())
    return unit, period, *indicator_rows(unit, period)


@login_required
@require_GET
def unit_dashboard(request, pk: int):
    unit = get_unit_for_user(request.user, pk=pk)
    period = parse_period(request.GET, _default_year())
    # Child units paged and searchable (issue 14): values are computed for this page's
    # children only, whatever the number of units under a province.
    children_page = paginate(request, Unit.objects.filter(parent=unit).order_by("sort_order", "name", "pk"),
                                     search_fields=("name", "code"))
    rows, values, children = indicator_rows(unit, period, children_page.rows)
    defs = [r["defn"] for r in rows]
    by_code = {d.code: d for d in defs}
    chart_code = request.GET.get("chart") or "online_dossier_rate"
    chart_defn = by_code.get(chart_code)
    chart = ""
    if chart_defn is not None and chart_defn.formula_kind in (FormulaKind.RATIO, FormulaKind.POINTS):
        series = monthly_series(unit.pk, period)
        points = []
        for m in period.months():
            elements = series.get(m)
            v = compute(chart_defn, elements, by_code=by_code, external={}, unit_id=unit.pk, year=m.year).value if elements else None
            points.append((m, v))
        chart = mark_safe(trend_chart(points, title=f"{chart_defn.name} theo tháng", unit_label=chart_defn.unit_label,
                                      target=chart_defn.target))
    child_rows = [
        {"unit": c, "cells": [(d, values[c.pk][d.code], format_value(values[c.pk][d.code].value, d.decimals)) for d in defs
                              if d.formula_kind != FormulaKind.EXTERNAL and d.group != "QĐ 766"]}
        for c in children
    ]
    child_defs = [d for d in defs if d.formula_kind != FormulaKind.EXTERNAL and d.group != "QĐ 766"]
    results = list(
        CriterionResult.objects.filter(participant__unit=unit, criterion__kind=CriterionKind.INDICATOR)
        .select_related("criterion", "round__campaign")
        .order_by("round__campaign__code", "round__order", "criterion__order")
    )
    years = list(range(period.year - 3, period.year + 2))
    return render(request, "scoring/unit_dashboard.html", {
        "unit": unit, "period": period, "rows": rows, "chart": chart, "chart_code": chart_code,
        "chart_choices": [d for d in defs if d.formula_kind in (FormulaKind.RATIO, FormulaKind.POINTS)],
        "child_defs": child_defs, "child_rows": child_rows, "results": results, **last_update(),
        "page": children_page.page, "listing": children_page,
        "year": period.year, "years": years, "month_choices": _month_choices(years),
        "from_month": request.GET.get("from", ""), "to_month": request.GET.get("to", ""),
        "period_query": f"from={month_key(period.start)}&to={month_key(period.end)}",
    })


def _month_choices(years: list[int]) -> list[tuple[str, str]]:
    """("2025-03", "03/2025") for every month of these years. A select, not
    <input type="month">: Firefox and Safari on the desktop show that as a bare text
    box, and Chromium shows "--------- ----" while it is empty."""
    return [(month_key(m), formats.month(m))
            for y in years for m in months_between(datetime.date(y, 1, 1), datetime.date(y, 12, 1))]


def _whole(value):
    """A count stored as a decimal (12.000) as an int, so its cell shows "12", not "12,00"."""
    return int(value) if value is not None and value == int(value) else value


@login_required
@require_GET
def unit_dashboard_xlsx(request, pk: int):
    unit, period, rows, values, children = _dashboard(request, pk)
    # Vietnamese names first; the technical code last, for matching with the API (issue 13).
    header = ["STT", "Chỉ số", "Tử số", "Mẫu số", "Giá trị", "Đơn vị tính", "Chỉ tiêu", "Đánh giá", "Ghi chú", "Mã chỉ số"]
    data = [[i, r["defn"].name, _whole(r["v"].numerator), _whole(r["v"].denominator), r["v"].value, r["defn"].unit_label,
             r["defn"].target, {"ok": "Đạt", "bad": "Chưa đạt"}.get(r["status"], ""), r["v"].note, r["defn"].code]
            for i, r in enumerate(rows, start=1)]
    sheets = [("Chỉ số", header, data)]
    if children:
        defs = [r["defn"] for r in rows if r["defn"].formula_kind == FormulaKind.RATIO]
        sheets.append(("Đơn vị trực thuộc", ["Mã đơn vị", "Đơn vị", *[d.name for d in defs]],
                       [[c.code, c.name, *[values[c.pk][d.code].value for d in defs]] for c in children]))
    body = titled_workbook(f"Chỉ số của {unit.name} – {period.label}", sheets)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-so-{unit.code}-{period.start:%Y%m}-{period.end:%Y%m}.xlsx"'
    return response


def _leaderboard(request, code: str, round_id: int) -> tuple[Round, dict]:
    round_ = get_round_for_user(request.user, code, round_id)
    return round_, leaderboard_data(request.user, round_)


#: Leaderboard rows per page: a row carries one cell per criterion, so fewer than a list's.
LEADERBOARD_PER_PAGE = 25


def _page_tables(request, tables: list[dict]) -> None:
    """Cut each group's table to one page (issue 14): ``?nhom=<group code>&page=N``
    pages that group, the others show their first page. The user's own unit's rows
    stay shown under every page they are not on (``t["own"]``) with the page that
    holds them (``t["own_page"]``), for the jump link."""
    chosen = request.GET.get("nhom", "")
    mine = scope_unit(request.user)
    for t in tables:
        rows = t["rows"]
        paginator = Paginator(rows, LEADERBOARD_PER_PAGE)
        t["page"] = paginator.get_page(request.GET.get("page") if t["group"].code == chosen else 1)
        t["rows"] = list(t["page"].object_list)
        shown = {r["unit_id"] for r in t["rows"]}
        at = next((i for i, r in enumerate(rows) if mine is not None and r["unit_id"] == mine.pk), None)
        t["own"] = [rows[at]] if at is not None and rows[at]["unit_id"] not in shown else []
        t["own_page"] = at // LEADERBOARD_PER_PAGE + 1 if at is not None else None


@login_required
@require_GET
def leaderboard(request, code: str, round_id: int):
    round_, data = _leaderboard(request, code, round_id)
    _page_tables(request, data["tables"])
    rounds = list(round_.campaign.rounds.order_by("order"))
    return render(request, "scoring/leaderboard.html", {
        "round": round_, "campaign": round_.campaign, "rounds": rounds, **data,
        "period_query": f"from={month_key(round_.period_start)}&to={month_key(round_.period_end)}",
        "tie_rule": RankingSnapshot.TIE_RULE, "eligibility_rule": ELIGIBILITY_RULE, **last_update(),
    })


@login_required
@require_GET
def leaderboard_xlsx(request, code: str, round_id: int):
    round_, data = _leaderboard(request, code, round_id)
    sheets = []
    for t in data["tables"]:
        header = ["Hạng", "Đơn vị", "Điểm", "Số tiêu chí đạt", "Tiêu chí bắt buộc chưa đạt", "Đủ điều kiện", "Hạng năm trước",
                  "Điểm năm trước", *[f"TC {c.order}. {c.text[:120]}" for c in t["criteria"]]]
        rows = [[r["rank"], r["name"], r["score"], r["met"], r["must_failed"], "Có" if r["eligible"] else "Không",
                 r["previous_rank"], r["previous_score"],
                 *[(cell or {}).get("value") for _, cell in r["cells"]]] for r in t["rows"]]
        sheets.append((t["group"].name, header, rows))
    title = f"Bảng xếp hạng – {round_.campaign.title[:120]} – {round_.name}. {RankingSnapshot.TIE_RULE} {ELIGIBILITY_RULE}"
    body = titled_workbook(title, sheets or [("Xếp hạng", ["Hạng", "Đơn vị", "Điểm"], [])])
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{round_.campaign.code}-dot-{round_.order}.xlsx"'
    return response


@login_required
@require_GET
def api_indicators(request):
    """Read-only JSON: ``?unit=CODE&from=YYYY-MM&to=YYYY-MM`` (404 outside scope)."""
    code = request.GET.get("unit")
    unit = get_unit_for_user(request.user, code=code) if code else scope_unit(request.user)
    if unit is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    period = parse_period(request.GET)
    payload = indicators_payload(unit, period)
    query = f"?unit={unit.code}&from={month_key(period.start)}&to={month_key(period.end)}"
    for item in payload["indicators"]:
        # Every value opens its provenance (numerator, denominator, months, units, uploads).
        item["provenance"] = request.build_absolute_uri(reverse("scoring:api_provenance", args=[item["code"]]) + query)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _explain(unit: Unit, period: Period, code: str):
    try:
        return explain(unit, period, code)
    except IndicatorDefinition.DoesNotExist as exc:
        raise Http404("Không có chỉ số này (hoặc chỉ số đã ngừng dùng).") from exc


@login_required
@require_GET
def provenance(request, pk: int, code: str):
    """"Giải thích con số": the provenance of one indicator value of a unit (404 outside
    the user's scope) over ``?year=`` or ``?from=&to=``."""
    unit = get_unit_for_user(request.user, pk=pk)
    period = parse_period(request.GET, _default_year())
    prov = _explain(unit, period, code)
    query = f"?unit={unit.code}&from={month_key(period.start)}&to={month_key(period.end)}"
    return render(request, "scoring/provenance.html", {
        "unit": unit, "period": period, "p": prov, "defn": prov.definition, "v": prov.value,
        "json_url": reverse("scoring:api_provenance", args=[code]) + query,
        "period_query": f"from={month_key(period.start)}&to={month_key(period.end)}",
        # Opened from a frozen ranking: its value is the one at freezing, this page is live.
        "frozen": request.GET.get("dong-bang") == "1",
    })


@login_required
@require_GET
def api_provenance(request, code: str):
    """Read-only JSON of ``provenance``: ``?unit=CODE&from=YYYY-MM&to=YYYY-MM`` (or ``year``);
    404 outside the user's scope. Shape: ``scoring.provenance.Provenance.as_dict``."""
    unit_code = request.GET.get("unit")
    unit = get_unit_for_user(request.user, code=unit_code) if unit_code else scope_unit(request.user)
    if unit is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    period = parse_period(request.GET)
    return JsonResponse(_explain(unit, period, code).as_dict(), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def index_results(request):
    """External yearly index results within the user's scope."""
    results = IndexResult.objects.for_user(request.user).select_related("unit").order_by("index_code", "-year", "unit__path", "pk")
    # Paged on the server (one row per unit and year); ?q= searches the unit.
    page = paginate(request, results, search_fields=("unit__name", "unit__code", "source"))
    return render(request, "scoring/index_results.html", {"results": page.rows, "page": page.page, "listing": page})


# --- recompute runs (issue 10): staff see every run of their scope and cancel a stuck one ---

@login_required
@require_GET
def runs(request):
    """Recompute runs of the user's scope, newest first: state, progress (a running
    run's from the cache), duration, attempts, error; a cancel button where
    ``scoring.cancel_run`` allows. ``?status=`` filters. 403 without ``scoring.view_runs``."""
    if not allowed(request.user, "scoring.view_runs"):
        raise PermissionDenied
    status = choice(request, "status", RunStatus.values)
    queryset = RecomputeRun.objects.for_user(request.user).select_related("requested_by", "cancelled_by", "scope")
    if status:
        queryset = queryset.filter(status=status)
    listing = paginate(request, queryset.order_by("-created_at", "-pk"))
    live = cache.get_many([progress_key(r.pk) for r in listing.rows if r.status == RunStatus.RUNNING])
    for run in listing.rows:
        run.live_progress = live.get(progress_key(run.pk), run.progress)
        run.may_cancel = run.status in RUN_ACTIVE and allowed(request.user, "scoring.cancel_run", run)
        run.duration_text = _duration_text(run.duration)
        run.reason_text = run_services.reason_label(run.reason)  # "import:110" → "Tải lên số liệu #110"
    return render(request, "scoring/runs.html", {
        "listing": listing, "page": listing.page, "run_list": listing.rows, "status": status,
        "statuses": RunStatus.choices, "max_attempts": settings.SCORING_RUN_MAX_ATTEMPTS,
    })


def _duration_text(duration: datetime.timedelta | None) -> str:
    """"2 giờ 05 phút", "3 phút 07 giây", "4,2 giây" ("" before the run starts)."""
    if duration is None:
        return ""
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{formats.number(seconds, 1)} giây"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} phút {secs:02d} giây"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes:02d} phút"


@login_required
@require_POST
def cancel_run(request, pk: int):
    """Cancel one run (``scoring.runs.cancel_run``) and go back to the list."""
    run = get_object_or_404(RecomputeRun.objects.for_user(request.user), pk=pk)
    perform(request, run_services.cancel_run, run, success=f"Đã huỷ lượt tính lại #{run.pk}.")
    return redirect(reverse("scoring:runs") + (f"?{request.GET.urlencode()}" if request.GET else ""))
