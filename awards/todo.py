"""Home page "việc cần làm" of the awards app."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from organization.choices import Role
from organization.scope import role_of
from organization.todo import TodoItem

from .choices import MeetingStatus
from .choices import NominationStatus as S
from .models import CouncilMeeting, Nomination

#: (roles that see it, nomination status, title, level), in the order shown.
NOMINATION_ITEMS: list[tuple[set[str], str, str, str]] = [
    ({Role.OFFICER, Role.STAFF}, S.RETURNED, "Hồ sơ khen thưởng bị trả lại, cần bổ sung", "bad"),
    ({Role.OFFICER, Role.STAFF}, S.DRAFT, "Hồ sơ khen thưởng đang soạn, chưa gửi", "warn"),
    ({Role.STAFF}, S.SUBMITTED, "Hồ sơ khen thưởng chờ thẩm định", "warn"),
    ({Role.STAFF}, S.APPROVED, "Hồ sơ đã duyệt, chờ ban hành quyết định", "info"),
    ({Role.LEADER}, S.TO_COUNCIL, "Hồ sơ chờ lãnh đạo duyệt khen thưởng", "warn"),
    ({Role.COUNCIL}, S.TO_COUNCIL, "Hồ sơ trình Hội đồng chờ bỏ phiếu", "warn"),
]


def todo_items(user: Any) -> list[TodoItem]:
    """The awards work waiting for ``user``'s role in their scope (counts > 0 only)."""
    role = role_of(user)
    if role is None:
        return []
    url = reverse("awards:nomination_list")
    # One grouped count over the statuses this role sees (indexed status, scoped ids),
    # not a query per item.
    wanted = {status for roles, status, _, _ in NOMINATION_ITEMS if role in roles}
    counts = dict(
        Nomination.objects.for_user(user).filter(status__in=wanted).order_by()
        .values_list("status").annotate(n=Count("pk"))
    ) if wanted else {}
    items = []
    for roles, status, title, level in NOMINATION_ITEMS:
        n = counts.get(status, 0) if role in roles else 0
        if n:
            items.append(TodoItem(title, f"{url}?status={status}", n, level))
    if role in (Role.STAFF, Role.COUNCIL):
        n = CouncilMeeting.objects.for_user(user).filter(status=MeetingStatus.OPEN).count()
        if n:
            items.append(TodoItem("Cuộc họp Hội đồng đang mở", url, n, "info"))
    return items
