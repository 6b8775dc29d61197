"""The home page's "việc cần làm": each app contributes items for the user's role.

An app provides ``<app>/todo.py`` with ``todo_items(user) -> list[TodoItem]``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

TODO_PROVIDERS = [
    "campaigns.todo",
    "scoring.onestop.todo",
    "scoring.todo",
    "awards.todo",
    "contests.todo",
    "par_index.todo",
]


@dataclass
class TodoItem:
    title: str
    url: str
    count: int | None = None
    level: str = "info"  # info | warn | bad


def collect(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for name in TODO_PROVIDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module must surface
                raise
            continue
        items.extend(module.todo_items(user))
    return items
