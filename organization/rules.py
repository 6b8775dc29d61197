"""Object permissions (django-rules): the building blocks each app's ``rules.py``
combines into its permissions, and the one question both sides ask (``allowed``)."""

from __future__ import annotations

import rules

from core.errors import NotAllowed

from .choices import Role, UnitKind
from .scope import has_role, profile_of, scope_unit, unit_in_scope


@rules.predicate
def is_emulation_staff(user) -> bool:
    return has_role(user, Role.STAFF)


@rules.predicate
def unit_is_in_scope(user, unit) -> bool:
    return unit_in_scope(user, unit)


@rules.predicate
def account_in_scope(user, target=None) -> bool:
    """``target`` (a sign-in account, or the ``Unit`` of one about to be created)
    lies in the user's subtree. Accounts of the Django admin (``is_staff``,
    ``is_superuser``) are managed by superusers only: whoever could change their
    e-mail could take them over with a reset link."""
    if getattr(user, "is_superuser", False):
        return True
    if target is None:
        return True
    if hasattr(target, "path"):  # a Unit
        return unit_in_scope(user, target)
    if target.is_superuser or target.is_staff:
        return False
    profile = profile_of(target)
    return profile is not None and profile.unit_id is not None and unit_in_scope(user, profile.unit)


@rules.predicate
def province_is_own(user, official_code=None) -> bool:
    """Superusers: any province. Others: the user's own subtree is a province unit
    with that official code (``official_code`` None: any province at all)."""
    if getattr(user, "is_superuser", False):
        return True
    root = scope_unit(user)
    return (root is not None and root.kind == UnitKind.PROVINCE and bool(root.official_code)
            and official_code in (None, root.official_code))


#: Emulation staff manage the sign-in accounts of the units in their subtree.
rules.add_perm("organization.manage_account", is_emulation_staff & account_in_scope)
#: The official unit list is loaded by a superuser, or by a province's own staff for it.
rules.add_perm("organization.load_units", is_emulation_staff & province_is_own)


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
