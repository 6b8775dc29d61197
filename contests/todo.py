"""Home page items: officers whose unit has not entered, judges with entries to score."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core import formats
from organization.choices import Role
from organization.scope import has_role, scope_unit
from organization.todo import TodoItem

from .choices import ContestStage, EntryStatus
from .models import ContestSettings, Entry, JudgeAssignment


def todo_items(user: Any) -> list[TodoItem]:
    if scope_unit(user) is None:
        return []
    items: list[TodoItem] = []
    if has_role(user, Role.JUDGE):
        pending = (JudgeAssignment.objects.filter(judge=user, scored_at__isnull=True,
                                                  entry__contest__contest_settings__stage=ContestStage.JUDGING)
                   .values_list("entry__contest__code", flat=True))
        by_code: dict[str, int] = {}
        for code in pending:
            by_code[code] = by_code.get(code, 0) + 1
        for code, count in by_code.items():
            items.append(TodoItem(f"Bài dự thi chờ chấm ({code})", reverse("contests:detail", args=[code]), count, "warn"))
    if has_role(user, Role.OFFICER):
        root = scope_unit(user)
        open_contests = ContestSettings.objects.filter(
            stage=ContestStage.SUBMISSION, campaign__participants__unit__path__startswith=root.path
        ).select_related("campaign").distinct()
        for contest in open_contests:
            entered = Entry.objects.filter(contest=contest.campaign, unit__path__startswith=root.path,
                                           status=EntryStatus.SUBMITTED).count()
            if entered < contest.min_entries_per_unit:
                items.append(TodoItem(
                    f"Nộp bài dự thi “{contest.campaign.title[:80]}” trước {formats.date(contest.submission_end)}",
                    reverse("contests:detail", args=[contest.campaign.code]), None, "warn"))
    return items
