from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from core import listing

from .models import Person, Unit
from .scope import get_for_user


@login_required
def unit_list(request):
    """Units in scope, paged on the server; ``?q=`` searches name, code and place."""
    units = (
        Unit.objects.for_user(request.user)
        .select_related("parent")
        .annotate(people_count=Count("people"))
        .order_by("path")
    )
    page = listing.paginate(request, units, search_fields=("name", "code", "place_name"))
    return render(request, "organization/unit_list.html", {
        "units": page.rows, "page": page.page, "listing": page, "today": timezone.localdate()})


@login_required
def unit_detail(request, pk: int):
    """A unit, its people and its child units — paged, ``?q=`` searches them: a
    province has thousands of communes under it (issue 14)."""
    unit = get_for_user(Unit, request.user, pk=pk)
    people = Person.objects.filter(unit=unit).order_by("-is_head", "full_name")
    page = listing.paginate(request, unit.children.order_by("sort_order", "name", "pk"), search_fields=("name", "code"))
    return render(request, "organization/unit_detail.html", {
        "unit": unit, "people": people, "children": page.rows, "page": page.page, "listing": page,
    })
