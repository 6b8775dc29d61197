from __future__ import annotations

from django.urls import reverse

from organization.todo import TodoItem

from .models import Campaign
from .services import can_manage_campaign


def todo_items(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    if can_manage_campaign(user):
        drafts = Campaign.objects.for_user(user).filter(status="draft").count()
        if drafts:
            items.append(TodoItem("Phong trào đang ở dạng dự thảo, chưa phát động", reverse("campaigns:list"), drafts, "warn"))
    return items
