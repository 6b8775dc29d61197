"""The one base of every refusal a user can act on.

Each app subclasses ``DomainError`` (``AwardsError``, ``ImportRefused``, …) so a
caller can catch one app's refusals, while views catch the base through
``core.views.perform`` and show the Vietnamese message as is.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation; ``str(exc)`` is a Vietnamese sentence shown to the user."""


class NotAllowed(DomainError):
    """The user's role or unit does not allow the operation (fails closed)."""

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__(message)
