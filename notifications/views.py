"""Thin views: the list (paginated), open one (marks it read), mark all read, the
e-mail choice. Each loads through ``for_user`` (another user's notification is a
404) and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import formats, listing
from core.views import perform

from . import services
from .choices import Kind
from .forms import PreferenceForm
from .models import Notification

#: The list's "Xem" filter (``?status=``).
STATUSES = {"unread": "Chưa xem", "read": "Đã xem"}


@login_required
def notification_list(request):
    qs = Notification.objects.for_user(request.user)
    status = listing.choice(request, "status", STATUSES)
    if status == "unread":
        qs = qs.unread()
    elif status == "read":
        qs = qs.filter(read_at__isnull=False)
    kind = listing.choice(request, "kind", Kind.values)
    if kind:
        qs = qs.filter(kind=kind)
    page = listing.paginate(request, qs.order_by("-created_at", "-id"), search_fields=("title", "body"))
    return render(request, "notifications/list.html", {
        "listing": page, "page": page.page, "status": status, "statuses": STATUSES, "kind": kind,
        "kinds": Kind.choices,
    })


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    perform(request, services.mark_read, notification)
    # Only a path on this site: a stored URL never sends the user elsewhere.
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = perform(request, services.mark_all_read)
    if count:
        messages.success(request, f"Đã đánh dấu {formats.number(count)} thông báo là đã xem.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"email_mode": services.email_mode_of(request.user)})
    if request.method == "POST" and form.is_valid():
        done = perform(request, services.set_email_mode, request.user, mode=form.cleaned_data["email_mode"],
                       success="Đã lưu cách nhận thông báo.")
        if done is not None:
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})
