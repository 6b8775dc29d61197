"""Contest results: a judge's weighted total, per-entry summaries and the frozen
ranking (the one tie rule, 1-2-2-4, from ``core.ranking``).

Read side only; ``services.change_stage`` freezes the results when judging closes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.ranking import competition_rank

from .choices import EntryStatus
from .models import ContestSettings, Entry, EntryResult, JudgeAssignment, RubricCriterion, Score

TWO_PLACES = Decimal("0.01")


def judge_total(scores: list[Score], criteria: list[RubricCriterion]) -> Decimal | None:
    """A judge's weighted total on a 0–100 scale: Σ wᵢ·sᵢ/maxᵢ ÷ Σ wᵢ over the
    criteria actually scored. "Không áp dụng" drops out of both sums, so it
    neither counts as zero nor inflates the total."""
    by_id = {c.pk: c for c in criteria}
    num = Decimal(0)
    den = Decimal(0)
    for s in scores:
        c = by_id.get(s.criterion_id)
        if c is None or s.value is None:
            continue
        num += c.weight * s.value / c.max_score
        den += c.weight
    if den == 0:
        return None
    return (num / den * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class EntrySummary:
    entry: Entry
    judge_totals: list[tuple[Any, Decimal | None]] = field(default_factory=list)
    criterion_means: list[tuple[RubricCriterion, Decimal | None]] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    spread: Decimal | None = None


def summarize(entries: list[Entry], criteria: list[RubricCriterion]) -> dict[int, EntrySummary]:
    """Per entry: each judge's total, mean, median, spread (max − min) and per-criterion
    means — N/A excluded everywhere. Two queries whatever the number of entries."""
    assignments = (
        JudgeAssignment.objects.filter(entry__in=entries, scored_at__isnull=False)
        .select_related("judge").prefetch_related("scores").order_by("judge__username")
    )
    by_entry: dict[int, list[JudgeAssignment]] = {}
    for a in assignments:
        by_entry.setdefault(a.entry_id, []).append(a)
    out: dict[int, EntrySummary] = {}
    for entry in entries:
        summary = EntrySummary(entry)
        rows = by_entry.get(entry.pk, [])
        for a in rows:
            summary.judge_totals.append((a.judge, judge_total(list(a.scores.all()), criteria)))
        for c in criteria:
            vals = [s.value for a in rows for s in a.scores.all() if s.criterion_id == c.pk and s.value is not None]
            summary.criterion_means.append(
                (c, (sum(vals) / len(vals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if vals else None))
        totals = [t for _, t in summary.judge_totals if t is not None]
        if totals:
            summary.mean = (sum(totals) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            summary.median = Decimal(statistics.median(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            summary.spread = (max(totals) - min(totals)).quantize(TWO_PLACES)
        out[entry.pk] = summary
    return out


def compute_results(contest: ContestSettings) -> list[EntryResult]:
    """Freeze each submitted entry's result and its rank (mean of judges' totals,
    rounded to 0,01; equal means share a rank, 1-2-2-4). Idempotent."""
    entries = list(Entry.objects.filter(contest=contest.campaign, status=EntryStatus.SUBMITTED))
    summaries = summarize(entries, list(contest.rubric.all()))
    scored = sorted((s for s in summaries.values() if s.mean is not None), key=lambda s: (-s.mean, s.entry.code))
    ranks = competition_rank([s.mean for s in scored])
    EntryResult.objects.filter(entry__contest=contest.campaign).delete()
    results = [
        EntryResult(entry=s.entry, judges=len([t for _, t in s.judge_totals if t is not None]), mean=s.mean,
                    median=s.median, spread=s.spread, rank=rank)
        for s, rank in zip(scored, ranks, strict=True)
    ]
    return EntryResult.objects.bulk_create(results)
