"""The bell in the top bar: the unread count and the latest unread items."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .models import Notification

#: The bell lists this many; the count reads "9+" beyond (one query of 10 rows,
#: whatever the number of unread notifications).
SHOWN = 5
COUNT_CAP = 9


class Bell:
    """Lazy: the query runs only when a page's template shows the bell."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def _unread(self) -> list[Notification]:
        return list(Notification.objects.for_user(self.user).unread()
                    .only("id", "title", "created_at", "kind").order_by("-created_at", "-id")[:COUNT_CAP + 1])

    @property
    def count(self) -> int:
        return len(self._unread)

    @property
    def label(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)

    @property
    def items(self) -> list[Notification]:
        return self._unread[:SHOWN]


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
