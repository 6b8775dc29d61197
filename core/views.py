"""The one view helper that turns a service's refusal into a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError

T = TypeVar("T")


def perform(request: HttpRequest, service: Callable[..., T], *args: Any, success: str = "",
            **kwargs: Any) -> T | None:
    """Call ``service(*args, actor=request.user, **kwargs)``.

    Returns the service's result (and flashes ``success`` when given), or ``None``
    after flashing the refusal's Vietnamese message when the service raised a
    ``DomainError``. Anything else propagates: a bug is a 500, not a message.
    """
    try:
        result = service(*args, actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    if success:
        messages.success(request, success)
    return result
