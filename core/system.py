"""The actor of work nobody clicked: the demo loader, a benchmark, a scheduled job.

Services that guard with ``organization.rules.require`` let ``SYSTEM`` through by
name, never ``None``: a caller that forgets to pass a user is refused (fails
closed) instead of being taken for the system. Audit events record it as
"Hệ thống" (it is not an authenticated user).
"""

from __future__ import annotations


class SystemActor:
    is_authenticated = False
    is_superuser = False
    is_active = False
    pk = None

    def __str__(self) -> str:
        return "Hệ thống"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()
