"""The completeness grid: which unit has uploaded its one-stop facts for which month.

A unit × month grid (uploaded / reported zero / missing / locked) over the user's
subtree, opened on the latest year with computed data. It reads the one-stop
facts (``scoring.onestop``) and scoring's ``UnitMonthData``, so it lives here,
above both; its lock and reopen forms post to the one-stop views. Served at
``/so-lieu/day-du/`` (URL name ``completeness``, see ``cchc_portal/urls.py``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core import listing
from core.periods import add_months, as_date, month_start
from organization.models import Unit
from organization.scope import scope_unit
from scoring.onestop.models import Dossier, MonthLock, MonthlyReport

from .models import UnitMonthData


def _latest_data_year(root: Unit, today: datetime.date) -> int:
    """The grid opens on the latest year the subtree has data for, not blindly on
    this year: in January, last December's gaps are what staff chase."""
    last = (UnitMonthData.objects.filter(unit__path__startswith=root.path, month__lte=today)
            .order_by("-month").values_list("month", flat=True).first())
    return last.year if last else today.year


def _cell(month: datetime.date, this_month: datetime.date, n_dossiers: int, report_total: int | None) -> tuple[str, str]:
    """(state, label) of one unit × month: dossiers or a report's total count as uploaded."""
    if month > this_month:
        return "future", ""
    if n_dossiers or (report_total or 0) > 0:
        return "uploaded", f"{max(n_dossiers, report_total or 0)}"
    if report_total == 0:
        return "zero", "0"
    return "missing", "thiếu"


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    """Unit × month grid: uploaded / zero / missing / locked. A fixed number of
    queries whatever the number of units (units, reports, dossier counts, locks)."""
    root = scope_unit(request.user)
    if request.GET.get("unit"):
        root = get_object_or_404(Unit.objects.for_user(request.user), code=request.GET["unit"])
    elif request.user.is_superuser and root is None:
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Http404("Tài khoản chưa được gán đơn vị.")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or _latest_data_year(root, today))
    except ValueError:
        year = today.year
    january = datetime.date(year, 1, 1)
    months = [add_months(january, i) for i in range(12)]
    this_month = month_start(today)
    # Paged by unit (issue 14): the facts are read for the page's units only, so the
    # work and the page's size do not grow with the subtree; ``?q=`` finds a unit.
    units_qs = (Unit.objects.subtree(root).only("id", "code", "name", "depth", "path").order_by("path")
                .annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk")))))
    page = listing.paginate(request, units_qs, search_fields=("name", "code"))
    units = page.rows
    ids = [u.id for u in units]
    reports = {
        (u, m): total
        for u, m, total in MonthlyReport.objects.filter(unit_id__in=ids, month__year=year)
        .values_list("unit_id", "month", "received_total")
    }
    dossiers = {
        (row["unit_id"], as_date(row["m"])): row["n"]
        for row in Dossier.objects.filter(unit_id__in=ids, received_on__year=year)
        .annotate(m=TruncMonth("received_on")).values("unit_id", "m").annotate(n=Count("id")).order_by()
    }
    locks = {
        (lk.unit_id, lk.month): lk
        for lk in MonthLock.objects.filter(unit_id__in=ids, month__year=year, is_locked=True)
    }
    rows = []
    totals: dict[str, int] = defaultdict(int)
    for u in units:
        cells = []
        for m in months:
            state, label = _cell(m, this_month, dossiers.get((u.id, m), 0), reports.get((u.id, m)))
            totals[state] += 1
            cells.append({"month": m, "state": state, "label": label, "lock": locks.get((u.id, m))})
        rows.append({"unit": u, "cells": cells, "indent": max(0, u.depth - root.depth)})
    years = list(range(today.year, today.year - 5, -1))
    # The way back up: the root's ancestors the user may see (one query, a handful of rows).
    mine = scope_unit(request.user)
    chain = [a for a in root.ancestors() if request.user.is_superuser or (mine is not None and a.is_within(mine))]
    return render(request, "scoring/completeness.html", {
        "root": root, "year": year, "years": years, "months": months, "rows": rows, "totals": dict(totals),
        "units": units, "chain": chain, "page": page.page, "listing": page,
    })
