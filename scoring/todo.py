"""Home page "việc cần làm" items of the scoring app."""

from __future__ import annotations

from django.urls import reverse

from organization.rules import allowed
from organization.scope import scope_unit
from organization.todo import TodoItem

from .choices import RunStatus
from .models import RecomputeRun


def todo_items(user) -> list[TodoItem]:
    unit = scope_unit(user)
    if unit is None:
        return []
    items = [TodoItem(title=f"Xem chỉ số một cửa của {unit.name}", url=reverse("scoring:unit_dashboard", args=[unit.pk]))]
    if allowed(user, "scoring.view_runs"):
        failed = RecomputeRun.objects.for_user(user).filter(status=RunStatus.FAILED).order_by("-created_at").first()
        if failed is not None:
            items.append(TodoItem(title="Lượt tính lại chỉ số gần nhất bị lỗi",
                                  url=reverse("scoring:runs") + f"?status={RunStatus.FAILED}", level="bad"))
    return items
