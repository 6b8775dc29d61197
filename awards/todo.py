"""Home page "việc cần làm" of the awards app."""

from __future__ import annotations

from django.urls import reverse

from organization.choices import Role
from organization.scope import role_of
from organization.todo import TodoItem

from .choices import NominationStatus as S
from .models import CouncilMeeting, Nomination


def todo_items(user) -> list[TodoItem]:
    role = role_of(user)
    if role is None:
        return []
    url = reverse("awards:nomination_list")
    qs = Nomination.objects.for_user(user)
    items = []
    if role in (Role.OFFICER, Role.STAFF):
        n = qs.filter(status=S.RETURNED).count()
        if n:
            items.append(TodoItem("Hồ sơ khen thưởng bị trả lại, cần bổ sung", f"{url}?status=returned", n, "bad"))
        n = qs.filter(status=S.DRAFT).count()
        if n:
            items.append(TodoItem("Hồ sơ khen thưởng đang soạn, chưa gửi", f"{url}?status=draft", n, "warn"))
    if role == Role.STAFF:
        n = qs.filter(status=S.SUBMITTED).count()
        if n:
            items.append(TodoItem("Hồ sơ khen thưởng chờ thẩm định", f"{url}?status=submitted", n, "warn"))
        n = qs.filter(status=S.APPROVED).count()
        if n:
            items.append(TodoItem("Hồ sơ đã duyệt, chờ ban hành quyết định", f"{url}?status=approved", n, "info"))
    if role in (Role.LEADER, Role.COUNCIL):
        n = qs.filter(status=S.TO_COUNCIL).count()
        if n:
            label = "Hồ sơ chờ lãnh đạo duyệt khen thưởng" if role == Role.LEADER else "Hồ sơ trình Hội đồng chờ bỏ phiếu"
            items.append(TodoItem(label, f"{url}?status=to_council", n, "warn"))
    if role in (Role.STAFF, Role.COUNCIL):
        n = CouncilMeeting.objects.for_user(user).filter(status="open").count()
        if n:
            items.append(TodoItem("Cuộc họp Hội đồng đang mở", url, n, "info"))
    return items
