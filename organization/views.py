from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from campaigns.models import Campaign

from .models import Person, Unit
from .scope import scope_unit
from .todo import collect


@login_required
def home(request):
    """Each role sees what it has to do; a user without a unit sees an explanation."""
    root = scope_unit(request.user)
    campaigns = Campaign.objects.for_user(request.user).select_related("issuing_unit")[:10]
    return render(
        request,
        "organization/home.html",
        {"root": root, "todos": collect(request.user), "campaigns": campaigns},
    )


def get_unit_for_user(user, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.for_user(user), pk=pk)


@login_required
def unit_list(request):
    units = (
        Unit.objects.for_user(request.user)
        .select_related("parent")
        .annotate(people_count=Count("people"))
        .order_by("path")
    )
    return render(request, "organization/unit_list.html", {"units": units})


@login_required
def unit_detail(request, pk: int):
    unit = get_unit_for_user(request.user, pk)
    people = Person.objects.filter(unit=unit).order_by("-is_head", "full_name")
    children = unit.children.order_by("sort_order", "name")
    return render(request, "organization/unit_detail.html", {"unit": unit, "people": people, "children": children})
