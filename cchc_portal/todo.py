"""The home page's "việc cần làm": each app contributes items for the user's role.

An app with work to show names its provider on its ``AppConfig``
(``todo = "awards.todo.todo_items"``, a ``todo_items(user) -> list[TodoItem]``);
the items come in ``INSTALLED_APPS`` order (the layers, low to high).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from organization.todo import TodoItem


@cache
def providers() -> tuple[Callable[[Any], list[TodoItem]], ...]:
    """Every installed app's ``todo`` provider (the app registry never changes)."""
    return tuple(import_string(config.todo) for config in apps.get_app_configs() if getattr(config, "todo", ""))


def collect(user: Any) -> list[TodoItem]:
    """All the items the apps have for ``user``, app by app."""
    return [item for provider in providers() for item in provider(user)]
