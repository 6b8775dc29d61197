"""Writing audit events. Every service that changes state calls ``record``."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    unit: Any = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event for ``obj``; call inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = ""
    if user is not None:
        name = user.get_full_name() or user.get_username()
    return AuditEvent.objects.create(
        actor=user,
        actor_name=name or "Hệ thống",
        unit=unit,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        from_state=from_state or "",
        to_state=to_state or "",
        comment=comment or "",
        data=data or {},
    )
