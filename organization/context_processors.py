from __future__ import annotations

from .scope import profile_of, role_of


def portal_user(request) -> dict:
    user = getattr(request, "user", None)
    profile = profile_of(user)
    return {
        "portal_profile": profile,
        "portal_role": role_of(user) if user is not None else None,
        "portal_unit": profile.unit if profile else None,
    }
