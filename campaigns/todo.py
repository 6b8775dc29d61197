from __future__ import annotations

from django.urls import reverse

from organization.rules import allowed
from organization.todo import TodoItem

from .choices import CampaignStatus
from .models import Campaign


def todo_items(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    if allowed(user, "campaigns.manage_campaign"):
        drafts = Campaign.objects.for_user(user).filter(status=CampaignStatus.DRAFT).count()
        if drafts:
            items.append(TodoItem("Phong trào đang ở dạng dự thảo, chưa phát động", reverse("campaigns:list"), drafts, "warn"))
    return items
