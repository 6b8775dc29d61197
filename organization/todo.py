"""An item of the home page's "việc cần làm".

Each app that has work for a role provides ``todo_items(user) -> list[TodoItem]``
and names it on its ``AppConfig`` (``todo = "awards.todo.todo_items"``);
``cchc_portal.todo.collect`` gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TodoItem:
    title: str
    url: str
    count: int | None = None
    level: str = "info"  # info | warn | bad
