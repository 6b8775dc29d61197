"""The scoring app's refusal (its own module so that ``services`` and ``runs``,
which the tasks import, can both raise it without importing each other)."""

from __future__ import annotations

from core.errors import DomainError


class ScoringError(DomainError):
    """A refused scoring operation; the message (Vietnamese) is shown to the user."""
