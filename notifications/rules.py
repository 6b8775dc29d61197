"""Who may act on notifications: the one answer the services and the pages ask.

- ``notifications.read_notification`` takes the ``Notification``: its recipient only
  (not staff, not a superuser: a notification is a personal message).
- ``notifications.change_preference`` takes the ``User`` whose e-mail choice changes:
  that user only.
- ``notifications.read_own`` (no object): any signed-in user, for "mark all read".
"""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_recipient(user: Any, notification: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and notification is not None
                and notification.recipient_id == user.pk)


@rules.predicate
def is_self(user: Any, target: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and target is not None and target.pk == user.pk)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


rules.add_perm("notifications.read_notification", is_recipient)
rules.add_perm("notifications.change_preference", is_self)
rules.add_perm("notifications.read_own", is_signed_in)
