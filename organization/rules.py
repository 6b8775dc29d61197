"""Object permissions (django-rules): the building blocks each app's ``rules.py``
combines into its permissions, and the one question both sides ask (``allowed``)."""

from __future__ import annotations

import rules

from core.errors import NotAllowed

from .choices import Role
from .scope import has_role, unit_in_scope


@rules.predicate
def is_emulation_staff(user) -> bool:
    return has_role(user, Role.STAFF)


@rules.predicate
def unit_is_in_scope(user, unit) -> bool:
    return unit_in_scope(user, unit)


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
