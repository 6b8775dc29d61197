"""Who may see and act on what. Scope fails closed: no profile or no unit → nothing.

Everyone sees their own unit's subtree; what they may *do* there depends on the
role (checked by the predicates in ``rules.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from .choices import Role


def profile_of(user: Any):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Exception:  # RelatedObjectDoesNotExist: an account without a profile
        return None


def scope_unit(user: Any):
    """The root of the subtree this user may see, or None (sees nothing)."""
    profile = profile_of(user)
    if profile is None or profile.unit_id is None:
        return None
    return profile.unit


def scoped(queryset: Any, user: Any, visible: Callable[[Any], Any]) -> Any:
    """The fail-closed part of every ``for_user``: anonymous or unit-less users see
    nothing, superusers everything, everyone else ``visible(root)`` — a queryset
    built from the root of their subtree."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser:
        return queryset.all()
    root = scope_unit(user)
    if root is None:
        return queryset.none()
    return visible(root)


class ScopedQuerySet(models.QuerySet):
    """The one base of every model's ``objects.for_user(user)``.

    ``unit_field`` is the lookup path from the model to the ``Unit`` that owns a row
    (``"unit"``, ``"round__campaign__issuing_unit"``, …); a user sees the rows whose
    unit lies in their subtree. A model whose visibility is not one unit's subtree
    overrides ``visible(root)``. Fails closed through ``scoped``.
    """

    unit_field = "unit"

    def visible(self, root: Any) -> models.QuerySet:
        return self.filter(**{f"{self.unit_field}__path__startswith": root.path})

    def for_user(self, user: Any) -> models.QuerySet:
        return scoped(self, user, self.visible)


def role_of(user: Any) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.STAFF
    profile = profile_of(user)
    return profile.role if profile else None


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles and (getattr(user, "is_superuser", False) or scope_unit(user) is not None)


def unit_in_scope(user: Any, unit: Any) -> bool:
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    root = scope_unit(user)
    return root is not None and unit.path.startswith(root.path)


def require_unit_in_scope(user: Any, unit: Any) -> None:
    """404 rather than 403 so that other units' objects do not reveal they exist."""
    if not unit_in_scope(user, unit):
        raise Http404("Không tìm thấy.")


def get_for_user(source: Any, user: Any, **lookup: Any) -> Any:
    """The one row of ``source`` (a model or a queryset with ``for_user``) matching
    ``lookup`` that ``user`` may see. Raises ``Http404`` otherwise: other units'
    rows do not reveal they exist."""
    queryset = source._default_manager if isinstance(source, type) else source
    return get_object_or_404(queryset.for_user(user), **lookup)


def get_unit_for_user(user: Any, pk: int | None = None, **lookup: Any) -> Any:
    """The ``Unit`` with ``pk`` (or ``code=…``) in ``user``'s subtree; ``Http404`` otherwise."""
    if pk is not None:
        lookup["pk"] = pk
    # By name: the models import this module, so it cannot import them back.
    return get_for_user(apps.get_model("organization", "Unit"), user, **lookup)
