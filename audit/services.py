"""Writing audit events. Every service that changes state calls ``record``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import models, transaction

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
    user, username, name = actor_fields(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_username=username,
        actor_name=name,
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


def actor_fields(actor: Any) -> tuple[Any, str, str]:
    """``(user or None, login name, display name)`` of an actor; the system (or
    anything not signed in) is "Hệ thống" with no account."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is None:
        return None, "", "Hệ thống"
    return user, user.get_username(), user.get_full_name() or user.get_username()


def table_counts() -> dict[str, int]:
    """Rows per model (``{"app.model": n}``) over every concrete table but the
    trail's own: what a management command changed, seen from outside."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model is AuditEvent or model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.label_lower] = model._base_manager.count()
    return counts


@contextmanager
def command_audited(command: str, *, actor: Any, options: dict | None = None) -> Iterator[None]:
    """Wrap a management command that changes data: one audit event naming the
    command, its options and who ran it (``core.system.SYSTEM`` when nobody signed
    in), with the rows per table before and after (``data["before"]``,
    ``data["after"]``: only the tables whose count changed) — written even when the
    command fails half-way, with ``data["error"]``. The services the command calls
    still record their own per-object events; this event covers what they do not
    (rows the command writes directly, e.g. the demo loader's fixtures).
    """
    before = table_counts()
    error = ""
    try:
        yield
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        raise
    finally:
        after = table_counts()
        changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
        user, username, name = actor_fields(actor)
        safe_options = {k: v for k, v in (options or {}).items()
                        if isinstance(v, str | int | float | bool) or v is None}
        data = {"options": safe_options, "before": {k: before.get(k, 0) for k in changed},
                "after": {k: after.get(k, 0) for k in changed}}
        if error:
            data["error"] = error
        AuditEvent.objects.create(
            actor=user, actor_username=username, actor_name=name, action=f"command.{command}",
            object_type="management.command", object_id=command[:64], object_repr=f"manage.py {command}",
            comment=error, data=data,
        )


def transition(
    obj: models.Model,
    to: str,
    *,
    transitions: dict[str, set[str]],
    actor: Any,
    action: str,
    error: type[Exception],
    field: str = "status",
    labels: Any = None,
    unit: Any = None,
    comment: str = "",
    data: dict | None = None,
    update_fields: tuple[str, ...] = (),
    what: str = "",
) -> AuditEvent:
    """Move ``obj.<field>`` to ``to`` if the workflow's map allows it, save only the
    changed fields, and record the event — the one transition checker.

    ``transitions`` is the workflow's map ``{from_state: {allowed to_states}}`` (each
    app's ``choices.py``); ``labels`` (its TextChoices) names the states in the
    refusal, raised as ``error`` (the app's ``DomainError`` subclass).
    ``update_fields`` lists further fields the caller set before calling.
    ``what`` names the object in the refusal ("phong trào" → "Không thể chuyển
    phong trào từ …") where the app's message always did.
    Concurrency: the row is re-read under ``SELECT … FOR UPDATE`` and its stored state
    must still be the one ``obj`` was loaded with; of two concurrent transitions of the
    same row exactly one wins, the other waits for the lock and is refused with the state
    the winner left (issue "appraisal steps overwrite each other"). Call inside the
    service's transaction, so that the lock covers everything the service wrote before.
    """
    def name(state: str) -> str:
        return str(labels(state).label) if labels is not None else state

    subject = f"{what} " if what else ""
    from_state = getattr(obj, field)
    with transaction.atomic(using=obj._state.db):
        # order_by("pk"): the model's default ordering may join other tables, and
        # FOR UPDATE would then lock their rows too (a deadlock with the round lock).
        stored = (type(obj)._base_manager.using(obj._state.db).select_for_update()
                  .filter(pk=obj.pk).order_by("pk").values_list(field, flat=True).first())
        if stored is None:
            raise error(f"Không thể chuyển {subject}sang “{name(to)}”: bản ghi không còn tồn tại.")
        if stored != from_state:
            raise error(
                f"Không thể chuyển {subject}sang “{name(to)}”: người khác vừa chuyển sang "
                f"“{name(stored)}”. Tải lại trang để xem trạng thái mới."
            )
        if to not in transitions.get(from_state, set()):
            raise error(f"Không thể chuyển {subject}từ “{name(from_state)}” sang “{name(to)}”.")
        setattr(obj, field, to)
        extra = [f for f in update_fields if f != field]
        if hasattr(obj, "updated_at"):
            extra.append("updated_at")
        obj.save(update_fields=[field, *extra])
        return record(actor=actor, action=action, obj=obj, unit=unit, from_state=from_state,
                      to_state=to, comment=comment, data=data)


def timeline(
    objs: models.Model | Iterable[models.Model],
    labels: dict[str, str],
    *,
    states: Any = None,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[AuditEvent]:
    """The audit events of one object (or of several) for a history list on a page.

    Each event gets ``label`` (``labels[action]``, else the raw action), and
    ``from_label`` / ``to_label`` (the state's label from ``states``, a TextChoices
    class or a ``{value: label}`` dict, else the raw state). Oldest first unless
    ``newest_first``; at most ``limit`` events when given.
    """
    if isinstance(objs, models.Model):
        objs = [objs]
    query = models.Q(pk__in=[])
    for obj in objs:
        query |= models.Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    order = ("-created_at", "-id") if newest_first else ("created_at", "id")
    events = AuditEvent.objects.filter(query).order_by(*order)
    events = list(events[:limit] if limit is not None else events)
    names = dict(states.choices) if hasattr(states, "choices") else dict(states or {})
    for e in events:
        e.label = labels.get(e.action, e.action)
        e.from_label = names.get(e.from_state, e.from_state)
        e.to_label = names.get(e.to_state, e.to_state)
    return events
