"""Home page items: officers whose unit has not entered, judges with entries to score."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

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
        # "Bài cần chấm": one item per contest in judging with entries this judge has not
        # scored, named by the contest's title; past the deadline it says so (staff extend it).
        pending = (JudgeAssignment.objects.filter(judge=user, scored_at__isnull=True,
                                                  entry__contest__contest_settings__stage=ContestStage.JUDGING)
                   .values("entry__contest__code", "entry__contest__title",
                           "entry__contest__contest_settings__judging_deadline")
                   .annotate(n=Count("pk")).order_by("entry__contest__contest_settings__judging_deadline"))
        today = timezone.localdate()
        for row in pending:
            deadline = row["entry__contest__contest_settings__judging_deadline"]
            title = row["entry__contest__title"][:80]
            if deadline < today:
                text, level = f"Bài cần chấm – “{title}”: đã hết hạn chấm {formats.date(deadline)}, đề nghị gia hạn", "bad"
            else:
                text, level = f"Bài cần chấm – “{title}”, hạn chấm {formats.date(deadline)}", "warn"
            items.append(TodoItem(text, reverse("contests:detail", args=[row["entry__contest__code"]]), row["n"], level))
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
