"""The portal's home page: the user's to-do items and the campaigns they see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign
from organization.scope import scope_unit

from .todo import collect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role sees what it has to do; a user without a unit sees an explanation."""
    root = scope_unit(request.user)
    campaigns = Campaign.objects.for_user(request.user).select_related("issuing_unit")[:10]
    return render(
        request,
        "cchc_portal/home.html",
        {"root": root, "todos": collect(request.user), "campaigns": campaigns},
    )
