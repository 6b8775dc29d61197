"""The read side of the PAR index: totals, ranking, the yearly PAR INDEX written
for the scoring app, year-over-year change and improvement-plan targets.

``services.py`` (the workflow) calls ``refresh_totals`` and ``rerank_framework``;
views call the rest. Nothing here checks permissions: callers load through
``for_user`` or run inside a guarded service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from campaigns.choices import Comparator
from core.periods import Period
from core.ranking import competition_ranks
from organization.models import Unit
from scoring.engine import values_for
from scoring.models import IndexResult
from scoring.services import set_index_result

from .choices import FINAL
from .models import Answer, Assessment, Framework, FrameworkItem, ImprovementPlan

# The scoring app's code for the PAR INDEX (scoring.choices.ExternalIndex.PAR_INDEX);
# campaign criteria name the same code ("Điểm chỉ số CCHC ≥ 80").
INDEX_CODE = "par_index"


def sum_points(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the present values; ``None`` when none is present (nothing scored yet)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0")) if present else None


def ordered_answers(assessment: Assessment) -> list[Answer]:
    """The assessment's answers in framework order, each with its item."""
    return list(assessment.answers.select_related("item").order_by("item__order"))


def refresh_totals(assessment: Assessment, answers: list[Answer] | None = None) -> None:
    """Store the self and appraised totals of ``answers`` (default: all of the assessment's)."""
    answers = answers if answers is not None else ordered_answers(assessment)
    assessment.self_total = sum_points([a.self_points for a in answers]) or Decimal("0")
    assessment.appraised_total = sum_points([a.appraised_points for a in answers])
    assessment.save(update_fields=["self_total", "appraised_total", "updated_at"])


@dataclass
class FieldTotal:
    item: FrameworkItem
    self_points: Decimal | None
    appraised_points: Decimal | None


@dataclass
class Totals:
    fields: list[FieldTotal] = field(default_factory=list)
    max_total: Decimal = Decimal("0")
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None
    self_classification: str = ""
    appraised_classification: str = ""


def compute_totals(assessment: Assessment, items: list[FrameworkItem], answers: list[Answer]) -> Totals:
    """Per field and overall, self versus appraised, and the classes they reach."""
    framework = assessment.framework
    totals = Totals()
    for f in (i for i in items if i.parent_id is None):
        mine = [a for a in answers if a.item.field_id == f.pk]
        totals.fields.append(FieldTotal(f, sum_points([a.self_points for a in mine]),
                                        sum_points([a.appraised_points for a in mine])))
        totals.max_total += f.max_points
    totals.self_total = sum_points([a.self_points for a in answers])
    totals.appraised_total = sum_points([a.appraised_points for a in answers])
    totals.self_classification = framework.classify(totals.self_total)
    totals.appraised_classification = framework.classify(totals.appraised_total)
    return totals


def _set_index_result(assessment: Assessment, actor: Any) -> None:
    """Write the final result as the unit's yearly PAR INDEX (read by campaign criteria)."""
    set_index_result(
        unit=assessment.unit, year=assessment.framework.year, index_code=INDEX_CODE,
        score=assessment.appraised_total or Decimal("0"), rank=assessment.rank,
        source=f"par_index:{assessment.pk}", actor=actor, is_demo=assessment.framework.is_demo,
    )


def rerank_framework(framework: Framework, *, actor: Any) -> None:
    """Rank all final results of the framework (units of one level under one issuer) and
    (re)write each as the unit's PAR INDEX: a later finalization can move earlier ranks."""
    final = list(Assessment.objects.select_related("unit", "framework").filter(framework=framework, status__in=FINAL))
    ranks = competition_ranks([(a.pk, a.appraised_total or Decimal("0")) for a in final])
    for assessment in final:
        new_rank = ranks[assessment.pk]
        if assessment.rank != new_rank or assessment.rank_of != len(final):
            Assessment.objects.filter(pk=assessment.pk).update(rank=new_rank, rank_of=len(final))
            assessment.rank, assessment.rank_of = new_rank, len(final)
        _set_index_result(assessment, actor)


def index_results(units: list[Unit], years: list[int]) -> dict[tuple[int, int], IndexResult]:
    """The scoring app's yearly PAR INDEX results: ``{(unit_id, year): IndexResult}``."""
    rows = IndexResult.objects.filter(unit__in=units, year__in=years, index_code=INDEX_CODE)
    return {(r.unit_id, r.year): r for r in rows}


def previous_framework(framework: Framework) -> Framework | None:
    """The same level and issuer's framework of the year before (its source if copied)."""
    if framework.copied_from_id and framework.copied_from.year < framework.year:
        return framework.copied_from
    return Framework.objects.filter(
        year=framework.year - 1, level=framework.level, issuing_unit=framework.issuing_unit
    ).first()


@dataclass
class YearChange:
    previous: Assessment | None
    score_change: Decimal | None
    rank_change: int | None  # positive = moved up


def year_over_year(assessment: Assessment, previous: Assessment | None = None, *, lookup: bool = True) -> YearChange:
    """Change of appraised score and rank against the unit's final result of the previous year."""
    if previous is None and lookup:
        prev_fw = previous_framework(assessment.framework)
        if prev_fw is not None:
            previous = Assessment.objects.filter(framework=prev_fw, unit=assessment.unit, status__in=FINAL).first()
    if previous is None or previous.appraised_total is None or not assessment.is_final:
        return YearChange(previous, None, None)
    score_change = (assessment.appraised_total or Decimal("0")) - previous.appraised_total
    rank_change = previous.rank - assessment.rank if previous.rank and assessment.rank else None
    return YearChange(previous, score_change, rank_change)


@dataclass
class TargetRow:
    criterion: Any
    value: Decimal | None
    met: bool | None
    note: str = ""


def indicator_values(codes: list[str], unit: Unit, year: int) -> dict[str, Decimal | None]:
    """Current values of indicators for the unit's subtree over the year, from the
    scoring app's one-stop data (one batch of queries). A code the scoring app does
    not define, or without data, maps to None ("chưa có số liệu")."""
    values = values_for([unit.pk], Period.year_of(year)).get(unit.pk, {})
    return {code: (values[code].value if code in values else None) for code in codes}


def plan_targets(plan: ImprovementPlan) -> list[TargetRow]:
    """The campaign's measurable targets with their current values."""
    criteria = [c for c in plan.campaign.criteria.select_related("content").order_by("order", "id") if c.indicator_code]
    current = indicator_values([c.indicator_code for c in criteria if c.indicator_code != INDEX_CODE], plan.unit, plan.year)
    rows: list[TargetRow] = []
    for criterion in criteria:
        if criterion.indicator_code == INDEX_CODE:
            final = Assessment.objects.filter(unit=plan.unit, framework__year=plan.year, status__in=FINAL).first()
            value = final.appraised_total if final else None
        else:
            value = current.get(criterion.indicator_code)
        met = None
        if value is not None and criterion.threshold is not None:
            op = Comparator(criterion.comparator)
            # A ranking comparator (max, min, improve…) has no threshold test here.
            met = op.holds(value, criterion.threshold) if op.has_threshold else None
        rows.append(TargetRow(criterion, value, met))
    return rows
