"""Object permissions (django-rules) shared by the apps."""

from __future__ import annotations

import rules

from core.errors import NotAllowed

from .choices import Role
from .scope import has_role, unit_in_scope


@rules.predicate
def is_emulation_staff(user) -> bool:
    return has_role(user, Role.STAFF)


@rules.predicate
def is_officer(user) -> bool:
    return has_role(user, Role.OFFICER)


@rules.predicate
def is_leader(user) -> bool:
    return has_role(user, Role.LEADER)


@rules.predicate
def is_council_member(user) -> bool:
    return has_role(user, Role.COUNCIL)


@rules.predicate
def is_judge(user) -> bool:
    return has_role(user, Role.JUDGE)


@rules.predicate
def unit_is_in_scope(user, unit) -> bool:
    return unit_in_scope(user, unit)


rules.add_perm("organization.view_unit", unit_is_in_scope)
rules.add_perm("organization.manage_registry", is_emulation_staff)


def allowed(user, perm: str, obj=None) -> bool:
    """Whether ``user`` holds the ``rules`` permission ``perm`` on ``obj``.

    The one question both a service's guard (``require``) and a template's
    ``{% can %}`` ask, so what a page offers and what the service accepts cannot
    disagree. Superusers get no blanket bypass here: the predicates decide (they
    treat a superuser as emulation staff, see ``scope.role_of``).
    """
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None, message: str | None = None) -> None:
    """Raise ``NotAllowed`` (a ``DomainError``) unless ``allowed(user, perm, obj)``."""
    if not allowed(user, perm, obj):
        raise NotAllowed(message) if message else NotAllowed()
