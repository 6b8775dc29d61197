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
    # A member's ballot: the open meeting they sit on, present, not yet voted (the
    # council's "chờ bỏ phiếu" leads there rather than to a list with no vote action).
    ballot = (CouncilMeeting.objects.filter(status=MeetingStatus.OPEN, members__user_id=user.pk, members__present=True)
              .exclude(ballot_receipts__member__user_id=user.pk).order_by("held_at").first()
              if role == Role.COUNCIL else None)
    for roles, status, title, level in NOMINATION_ITEMS:
        n = counts.get(status, 0) if role in roles else 0
        if n and role == Role.COUNCIL and status == S.TO_COUNCIL and ballot is None:
            # Voted already, or no meeting seats them yet: nothing waits for their vote
            # (second trial: "chờ bỏ phiếu 1" stayed after the member had voted).
            title, level = "Hồ sơ đã trình Hội đồng (không có phiếu nào chờ bạn bỏ)", "info"
        if n:
            link = (reverse("awards:meeting_vote", args=[ballot.pk])
                    if ballot is not None and role == Role.COUNCIL and status == S.TO_COUNCIL else f"{url}?status={status}")
            items.append(TodoItem(title, link, n, level))
    if role in (Role.STAFF, Role.COUNCIL):
        open_meetings = list(CouncilMeeting.objects.for_user(user).filter(status=MeetingStatus.OPEN)
                             .order_by("held_at").values_list("pk", flat=True)[:2])
        if open_meetings:
            n = CouncilMeeting.objects.for_user(user).filter(status=MeetingStatus.OPEN).count()
            # One open meeting: its page; several: the list of dossiers waiting for the council.
            link = reverse("awards:meeting_detail", args=[open_meetings[0]]) if n == 1 else f"{url}?status={S.TO_COUNCIL}"
            items.append(TodoItem("Cuộc họp Hội đồng đang mở", link, n, "info"))
    return items
