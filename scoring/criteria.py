"""Criterion results per participant and round, rankings and frozen snapshots.

A criterion of kind "indicator" is measured over the round's period for the
participant unit's subtree; "max"/"min" compare the participants of the same group;
"improve" compares this year's published result (score or rank) with last year's.
Attestation and council-scored criteria get ``met=None`` (not measurable from data).

Ranking: score = Σ criterion points (a criterion without points counts its weight
when met); standard competition ranking 1-2-2-4 within each participant group.
When a round closes the ranking is frozen into ``RankingSnapshot`` and the
criterion results of that round are no longer recomputed.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from audit.services import record
from campaigns.choices import (
    Comparator,
    CriterionKind,
    MeasuredOn,
    Requirement,
    RoundStatus,
    Subject,
)
from campaigns.models import Criterion, Participant, ParticipantGroup, Round
from core.periods import Period, add_months, month_end
from core.ranking import competition_rank
from organization.models import Unit
from organization.rules import allowed
from organization.scope import scope_unit

from .choices import Direction, FormulaKind
from .engine import (
    IndicatorValue,
    compute,
    definitions,
    element_sums,
    elements_used,
    format_value,
    index_results,
    q,
)
from .models import CriterionResult, IndexResult, RankingEntry, RankingSnapshot


def _applies(criterion: Criterion, participant: Participant, round_: Round | None = None) -> bool:
    """The criterion binds this participant in ``round_``: same subject and group, and
    the round kind / unit kind / person category the criterion is configured for."""
    subject = Subject.COLLECTIVE if participant.unit_id else Subject.INDIVIDUAL
    if criterion.subject != subject or (criterion.group_id is not None and criterion.group_id != participant.group_id):
        return False
    # The unit and person are read only when the criterion is limited to some kinds
    # of them (so a campaign's participants need not carry them otherwise).
    return criterion.binds(round_, unit=participant.unit if participant.unit_id and criterion.unit_kinds else None,
                           person=participant.person if participant.person_id and criterion.person_categories else None)


# Explanations format the same few values thousands of times per run (~50 µs each
# through Django's localisation); equal Decimals format alike, so a cache is exact.
@functools.lru_cache(maxsize=8192)
def _fmt(value: Decimal | None, unit_label: str = "") -> str:
    text = format_value(value, 2)
    return f"{text}{' ' + unit_label if unit_label and value is not None else ''}".replace(" %", "%")


@dataclass
class EvaluationStats:
    """What this process's criterion evaluation did (tests read it; ``reset()`` first).

    ``evaluations``: calls of ``_evaluate_one`` (one criterion for one participant,
    or once for every participant of a criterion measured on the issuer's result);
    ``group_updates``: stored max/min results whose group rank was re-derived from
    the stored values of the group (no evaluation) because a member's value changed."""

    evaluations: int = 0
    group_updates: int = 0

    def reset(self) -> None:
        self.evaluations = self.group_updates = 0


stats = EvaluationStats()


class _Group:
    """The known values of one max/min criterion's group, sorted once: the best value
    and a participant's place are then a lookup, not a pass over the group (which
    made the comparison quadratic in participants, issue 14)."""

    def __init__(self, op: str, values: list[Decimal | None]) -> None:
        self.op = op
        self.known = sorted(v for v in values if v is not None)

    def place(self, v: Decimal) -> tuple[Decimal, int, int]:
        """``(best, rank, size)`` of value ``v``: rank = 1 + the number of strictly
        better values (1-2-2-4)."""
        known = self.known
        if not known:  # only when the compared value is not a member's own (issuer)
            return v, 1, 1
        if self.op == Comparator.MAX:
            return known[-1], len(known) - bisect.bisect_right(known, v) + 1, len(known)
        return known[0], bisect.bisect_left(known, v) + 1, len(known)


def _in_group(defn: Any, op: str, v: Decimal, group: _Group, detail: dict) -> tuple[bool, Decimal, None, dict]:
    """A max/min criterion's outcome for value ``v`` in its group; fills ``detail``."""
    best, rank, size = group.place(v)
    met = v == best
    detail.update(best=_f(best), rank_in_group=rank, group_size=size,
                  explanation=f"{defn.name}: {_fmt(v, defn.unit_label)}; "
                              f"{'cao' if op == Comparator.MAX else 'thấp'} nhất nhóm: {_fmt(best, defn.unit_label)} "
                              f"→ hạng {rank}/{size} ({'đạt' if met else 'chưa đạt'}).")
    return met, v, None, detail


@functools.lru_cache(maxsize=8192)
def _whole(value: Decimal | None) -> str:
    return format_value(value, 0)


def _is_group_criterion(criterion: Criterion) -> bool:
    return criterion.kind == CriterionKind.INDICATOR and criterion.comparator in (Comparator.MAX, Comparator.MIN)


def _result(round_: Round, criterion: Criterion, participant: Participant | int, outcome: tuple,
            now: datetime.datetime) -> CriterionResult:
    met, value, points, detail = outcome
    if criterion.max_points is not None and met is not None and points is None:
        points = criterion.max_points if met else Decimal(0)
    who = {"participant_id": participant} if isinstance(participant, int) else {"participant": participant}
    return CriterionResult(round=round_, criterion=criterion, met=met, value=q(value), points=q(points),
                           detail=detail, computed_at=now, **who)


def evaluate_participants(round_: Round, participants: list[Participant], *, save: bool = True) -> dict[int, list[CriterionResult]]:
    """Evaluate (and store) the criteria of ``round_`` for these participants:
    ``{participant id: [CriterionResult in criterion order]}``.

    A fixed number of queries whatever the number of participants; the work is
    linear in them: values only for these participants' units, plus every group
    member's for "max"/"min" criteria (a group is compared through one sorted list)."""
    return _evaluate_round(round_, wanted={p.pk for p in participants}, save=save)


def _evaluate_round(round_: Round, *, wanted: set[int] | None, save: bool = True,
                    affected_units: set[int] | None = None) -> dict[int, list[CriterionResult]]:
    """Evaluate ``round_`` for the participants ``wanted`` (None: all of them).

    With ``affected_units`` (incremental: the units whose data changed, with their
    ancestors) the wanted participants are those of the affected units and — when
    the issuer is affected — every participant for the criteria measured on the
    issuer's result (evaluated once, stored with one UPDATE). The other members of
    a max/min group keep their stored values; their stored result is rewritten only
    when their place in the group changed. The round is evaluated in full instead
    when its stored results do not cover the configured (criterion, participant)
    pairs, or a max/min group is compared with the issuer's result. Equal to a full
    evaluation as long as no threshold or formula was edited since the last one:
    that configuration change takes a full recompute (admin action)."""
    campaign = round_.campaign
    criteria = list(Criterion.objects.filter(campaign=campaign).select_related("campaign__issuing_unit")
                    .order_by("subject", "order", "id"))
    participants_qs = Participant.objects.filter(campaign=campaign)
    if affected_units is None:
        participants_qs = participants_qs.select_related("unit", "person")  # results are returned to callers
    else:
        # Only what evaluation reads: a campaign of 3,000 communes is loaded on every upload.
        related = [name for name, limited in (("unit", any(c.unit_kinds for c in criteria)),
                                              ("person", any(c.person_categories for c in criteria))) if limited]
        if related:  # select_related() without names would follow every foreign key
            participants_qs = participants_qs.select_related(*related)
        participants_qs = participants_qs.only(
            "id", "campaign_id", "group_id", "unit_id", "person_id", *(f"{n}__{'kind' if n == 'unit' else 'category'}"
                                                                     for n in related))
    all_participants = list(participants_qs)
    period = Period.for_round(round_)
    year = period.year
    defs = definitions()
    by_code = {d.code: d for d in defs}
    issuer_id = campaign.issuing_unit_id
    group_criteria = [c for c in criteria if _is_group_criterion(c) and c.indicator_code in by_code]
    incremental = affected_units is not None and not any(
        c.measured_on == MeasuredOn.ISSUER for c in group_criteria)  # an issuer-compared group: full
    if affected_units is not None and not incremental:
        wanted = None
    members = {c.pk: [p for p in all_participants if _applies(c, p, round_)]
               for c in (criteria if incremental else group_criteria)}
    if incremental:
        # Stored results that do not cover the configured (criterion, participant)
        # pairs — a criterion or participant added, a criterion's scope changed —
        # make the round's evaluation a full one.
        stored_counts = dict(CriterionResult.objects.filter(round=round_).values("criterion_id")
                             .annotate(n=Count("pk")).values_list("criterion_id", "n"))
        if any(stored_counts.get(c.pk, 0) != len(members[c.pk]) for c in criteria):
            incremental, wanted = False, None

    stored: dict[tuple[int, int], _Stored] = {}
    if incremental:
        wanted = {p.pk for p in all_participants if p.unit_id in affected_units}
        if group_criteria:
            rows = CriterionResult.objects.filter(round=round_, criterion__in=group_criteria).values_list(
                "criterion_id", "participant_id", "pk", "met", "value", "detail")
            for criterion_id, participant_id, *rest in rows:
                stored[(criterion_id, participant_id)] = _Stored(*rest)
            for c in group_criteria:  # a member never evaluated for it: evaluate it now
                wanted |= {p.pk for p in members[c.pk] if (c.pk, p.pk) not in stored}
    refresh_issuer = wanted is None or issuer_id in (affected_units or ())

    def is_wanted(p: Participant) -> bool:
        return wanted is None or p.pk in wanted

    unit_ids = {p.unit_id for p in all_participants if p.unit_id and is_wanted(p)}
    if not incremental:
        unit_ids |= {p.unit_id for c in group_criteria for p in members[c.pk] if p.unit_id}
    if any(c.measured_on == MeasuredOn.ISSUER for c in criteria):
        unit_ids.add(issuer_id)  # a target on the issuer's own result
    unit_ids_list = sorted(unit_ids)
    needs_indicators = any(c.kind == CriterionKind.INDICATOR for c in criteria)
    # Only the queries of the elements the criteria's indicators read.
    used = elements_used({c.indicator_code for c in criteria if c.kind == CriterionKind.INDICATOR}, by_code)
    sums = element_sums(unit_ids_list, period, used) if needs_indicators and unit_ids_list else {}
    needs_prev = any(c.comparator in (Comparator.IMPROVE, Comparator.IMPROVE_SCORE)
                     and by_code.get(c.indicator_code) is not None
                     and by_code[c.indicator_code].formula_kind != FormulaKind.EXTERNAL for c in criteria)
    prev_sums = element_sums(unit_ids_list, period.previous_year(), used) if needs_prev and unit_ids_list else {}
    external = index_results(unit_ids_list, [year, year - 1]) if needs_indicators and unit_ids_list else {}

    values: dict[int, dict[str, IndicatorValue]] = {uid: {} for uid in unit_ids_list}
    prev_values: dict[int, dict[str, IndicatorValue]] = {uid: {} for uid in unit_ids_list}

    def value_of(uid: int, code: str, previous: bool = False) -> IndicatorValue:
        store = prev_values if previous else values
        if code not in store[uid]:
            cache: dict[str, IndicatorValue] = {}
            src = prev_sums if previous else sums
            store[uid][code] = compute(by_code[code], src.get(uid), by_code=by_code, external=external, unit_id=uid,
                                       year=year - 1 if previous else year, cache=cache)
        return store[uid][code]

    groups: dict[int, _Group] = {}
    for c in group_criteria:
        vals = []
        for p in members[c.pk]:
            if not p.unit_id:
                continue
            if not incremental or is_wanted(p):
                vals.append(value_of(p.unit_id, c.indicator_code).value)
            else:
                vals.append(stored[(c.pk, p.pk)].value)
        groups[c.pk] = _Group(c.comparator, vals)

    now = timezone.now()
    out: dict[int, list[CriterionResult]] = {p.pk: [] for p in all_participants if is_wanted(p)}
    to_save: list[CriterionResult] = []
    regrouped: list[tuple[int, bool, Decimal | None, dict]] = []
    for criterion in criteria:
        on_issuer = criterion.kind == CriterionKind.INDICATOR and criterion.measured_on == MeasuredOn.ISSUER
        # Measured on the issuer: one outcome for every collective participant (and
        # one for every individual one), evaluated once.
        shared: dict[bool, tuple] = {}

        def outcome_of(participant: Participant, criterion: Criterion = criterion, on_issuer: bool = on_issuer,
                       shared: dict[bool, tuple] = shared) -> tuple:
            key = bool(participant.unit_id)
            if on_issuer and key in shared:
                met, value, points, detail = shared[key]
                return met, value, points, dict(detail)
            outcome = _evaluate_one(criterion, participant, groups.get(criterion.pk), value_of, by_code, external,
                                    period, year)
            detail = outcome[3]
            if detail.get("measured_on") == MeasuredOn.ISSUER and detail.get("explanation"):
                detail["explanation"] = f"Kết quả chung của {campaign.issuing_unit.name}: {detail['explanation']}"
            if on_issuer:
                shared[key] = (outcome[0], outcome[1], outcome[2], dict(detail))
            return outcome

        # Incremental and the issuer's data changed: the stored rows of the others
        # take the new shared outcome in one UPDATE below.
        bulk_issuer = incremental and on_issuer and refresh_issuer
        pool = members[criterion.pk] if criterion.pk in members else all_participants
        first_collective: Participant | None = None
        for participant in pool:
            if not is_wanted(participant) and not (on_issuer and refresh_issuer):
                continue
            if criterion.pk not in members and not _applies(criterion, participant, round_):
                continue
            if not is_wanted(participant) and bulk_issuer:
                first_collective = first_collective or (participant if participant.unit_id else None)
                continue
            result = _result(round_, criterion, participant, outcome_of(participant), now)
            if participant.pk in out:
                out[participant.pk].append(result)
            to_save.append(result)
        if bulk_issuer and save and (True in shared or first_collective is not None):
            met, value, points, detail = outcome_of(first_collective) if True not in shared else shared[True]
            row = _result(round_, criterion, 0, (met, value, points, detail), now)
            (CriterionResult.objects.filter(round=round_, criterion=criterion, participant__unit__isnull=False)
             .exclude(participant_id__in=wanted or ())
             .update(met=row.met, value=row.value, points=row.points, detail=row.detail, computed_at=now))
        if incremental and criterion.pk in groups:
            regrouped += _regroup(criterion, by_code[criterion.indicator_code], groups[criterion.pk],
                                  [stored.get((criterion.pk, p.pk)) for p in members[criterion.pk] if not is_wanted(p)])
    if save and to_save:
        CriterionResult.objects.bulk_create(
            to_save, update_conflicts=True, unique_fields=["round", "criterion", "participant"],
            update_fields=["met", "value", "points", "detail", "computed_at"],
        )
    if save and regrouped:
        _update_places(regrouped, now)
    return out


class _Stored(NamedTuple):
    """A stored max/min result, as the group re-placement reads it."""

    pk: int
    met: bool | None
    value: Decimal | None
    detail: dict


def _regroup(criterion: Criterion, defn: Any, group: _Group, results: list[_Stored | None]
             ) -> list[tuple[int, bool, Decimal | None, dict]]:
    """Stored max/min results of members not re-evaluated whose best value, rank or
    group size changed with the group, re-derived from their stored value:
    ``[(result id, met, points, detail)]``."""
    changed = []
    for r in results:
        if r is None or r.value is None:
            continue  # unmeasured: its result does not depend on the group
        best, rank, size = group.place(r.value)
        d = r.detail or {}
        if (r.met == (r.value == best) and d.get("best") == _f(best) and d.get("rank_in_group") == rank
                and d.get("group_size") == size):
            continue
        stats.group_updates += 1
        met, _, _, detail = _in_group(defn, criterion.comparator, r.value, group, dict(d))
        points = None if criterion.max_points is None else q(criterion.max_points if met else Decimal(0))
        changed.append((r.pk, met, points, detail))
    return changed


def _update_places(rows: list[tuple[int, bool, Decimal | None, dict]], now: datetime.datetime) -> None:
    """Write re-derived group places by primary key in one batched statement
    (pipelined by psycopg: faster here than one ``UPDATE … FROM unnest``). A new
    best value rewrites every measured member (2,200 rows at 3,321 communes); the
    ORM's per-row upsert costs about half a millisecond a row."""
    field = CriterionResult._meta.get_field
    detail, points, met, at = (field(n) for n in ("detail", "points", "met", "computed_at"))
    stamp = at.get_db_prep_save(now, connection)
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {CriterionResult._meta.db_table} SET met = %s, points = %s, detail = %s, computed_at = %s "
            "WHERE id = %s",
            [(met.get_db_prep_save(m, connection), points.get_db_prep_save(pt, connection),
              detail.get_db_prep_save(d, connection), stamp, pk) for pk, m, pt, d in rows])


def _evaluate_one(criterion, participant, group, value_of, by_code, external, period, year):
    stats.evaluations += 1
    base = {"criterion": criterion.code, "period": period.label, "comparator": criterion.comparator,
            "threshold": None if criterion.threshold is None else float(criterion.threshold)}
    if criterion.kind == CriterionKind.ATTESTATION:
        return None, None, None, {**base, "explanation": "Tiêu chí xác nhận bằng minh chứng, do Hội đồng xem xét."}
    if criterion.kind == CriterionKind.POINTS:
        return None, None, None, {**base, "explanation": "Tiêu chí chấm điểm: điểm do Hội đồng chấm."}
    if criterion.kind == CriterionKind.RATING:
        return None, None, None, {**base, "explanation": "Xét theo kết quả xếp loại năm của cá nhân khi xét khen thưởng."}
    code = criterion.indicator_code
    defn = by_code.get(code)
    if defn is None:
        return None, None, None, {**base, "explanation": f"Chỉ số “{code}” chưa được định nghĩa trong danh mục chỉ số."}
    if not participant.unit_id:
        return None, None, None, {**base, "indicator": code,
                                  "explanation": "Chỉ số đo cho tập thể; tiêu chí cá nhân được xác nhận bằng minh chứng."}
    uid = participant.unit_id
    if criterion.measured_on == MeasuredOn.ISSUER:
        # Every participant contributes to, and is judged by, the issuer's one result.
        uid = criterion.campaign.issuing_unit_id
        base["measured_on"] = MeasuredOn.ISSUER
    current = value_of(uid, code)
    detail = {**base, "indicator": code, "indicator_name": defn.name, "value": _f(current.value),
              "numerator": _f(current.numerator), "denominator": _f(current.denominator), "unit": defn.unit_label}
    op = criterion.comparator
    if op in (Comparator.IMPROVE, Comparator.IMPROVE_SCORE):
        return _improve(criterion, defn, uid, current, value_of, external, year, detail)
    if current.value is None:
        note = current.note or "Chưa có số liệu."
        extra = " Tiêu chí được xác nhận bằng minh chứng." if criterion.evidence_required else ""
        return None, None, None, {**detail, "explanation": f"Chưa đo được ({period.label}): {note}{extra}"}
    v = current.value
    if op in (Comparator.MAX, Comparator.MIN):
        return _in_group(defn, op, v, group, detail)
    threshold = criterion.threshold
    if threshold is None:
        return None, v, None, {**detail, "explanation": "Tiêu chí chưa có ngưỡng."}
    met = Comparator(op).holds(v, threshold)
    detail["explanation"] = (
        f"{defn.name} ({period.label}): {_fmt(v, defn.unit_label)}"
        + (f" = {_whole(current.numerator)}/{_whole(current.denominator)}" if current.denominator is not None else "")
        + f"; yêu cầu {Comparator(op).label} {_fmt(threshold, defn.unit_label)} → {'đạt' if met else 'chưa đạt'}."
    )
    return met, v, None, detail


def _improve(criterion, defn, uid, current, value_of, external, year, detail):
    op = criterion.comparator
    if defn.formula_kind == FormulaKind.EXTERNAL:
        this: IndexResult | None = external.get((uid, defn.code, year))
        prev: IndexResult | None = external.get((uid, defn.code, year - 1))
        detail.update(year=year, score=_f(this.score if this else None), rank=this.rank if this else None,
                      previous_score=_f(prev.score if prev else None), previous_rank=prev.rank if prev else None)
        if this is None or prev is None:
            missing = year if this is None else year - 1
            return None, None, None, {**detail, "explanation": f"{defn.name}: chưa có kết quả năm {missing} để so sánh."}
        score_up = this.score > prev.score
        rank_up = this.rank is not None and prev.rank is not None and this.rank < prev.rank
        met = score_up or (rank_up and op == Comparator.IMPROVE)
        text = (f"{defn.name} năm {year}: {_fmt(this.score)} điểm"
                + (f", hạng {this.rank}" if this.rank else "")
                + f"; năm {year - 1}: {_fmt(prev.score)} điểm" + (f", hạng {prev.rank}" if prev.rank else ""))
        rule = "tăng điểm hoặc tăng bậc" if op == Comparator.IMPROVE else "tăng điểm"
        detail["explanation"] = f"{text} → yêu cầu {rule} so với năm trước: {'đạt' if met else 'chưa đạt'}."
        return met, this.score, None, detail
    prev_value = value_of(uid, defn.code, previous=True)
    detail["previous_value"] = _f(prev_value.value)
    if current.value is None or prev_value.value is None:
        return None, current.value, None, {**detail, "explanation": f"{defn.name}: thiếu số liệu kỳ này hoặc cùng kỳ năm trước."}
    better = current.value > prev_value.value if defn.direction == Direction.HIGHER else current.value < prev_value.value
    detail["explanation"] = (f"{defn.name}: {_fmt(current.value, defn.unit_label)} so với cùng kỳ năm trước "
                             f"{_fmt(prev_value.value, defn.unit_label)} → {'cải thiện' if better else 'không cải thiện'}.")
    return better, current.value, None, detail


def _f(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def reevaluate_campaign(campaign_id: int) -> int:
    """Evaluate every open round of one campaign in full, after its configuration
    (criteria, thresholds, rounds, participants) changed; returns how many rounds.
    Closed rounds keep their frozen results. Idempotent: the stored results are
    replaced by the same evaluation."""
    rounds = list(Round.objects.filter(campaign_id=campaign_id, status=RoundStatus.OPEN).select_related("campaign"))
    for round_ in rounds:
        _evaluate_round(round_, wanted=None)
    return len(rounds)


def reevaluate_for(*, unit_ids: list[int] | None, months: list[datetime.date]) -> int:
    """Re-evaluate the open rounds touched by a recomputation of ``unit_ids`` × ``months``
    (None: every unit, a full recompute); returns how many rounds.

    A round is touched when its period meets the months (or, for a criterion
    compared with the previous year, its previous-year period does) and its campaign
    has a participant at or above an affected unit, or is measured on an issuer at
    or above one. Incremental: only the participants whose values changed are
    evaluated (see ``_evaluate_round``), so one commune's upload costs in proportion
    to that commune, not to the campaign (issue 14). Closed rounds keep their frozen
    results."""
    if not months:
        return 0
    lo, hi = min(months), month_end(max(months))
    later_lo, later_hi = add_months(lo, 12), month_end(add_months(max(months), 12))
    # Semi-joins on campaign ids: joining criteria and participants themselves gave
    # rounds × criteria × participants rows to DISTINCT (0.7 s at 3,321 participants).
    def campaigns_with(**criterion: Any) -> Any:
        return Criterion.objects.filter(**criterion).values("campaign_id")

    improve = (Comparator.IMPROVE, Comparator.IMPROVE_SCORE)
    meets = (Q(period_start__lte=hi, period_end__gte=lo)
             | Q(period_start__lte=later_hi, period_end__gte=later_lo,
                 campaign_id__in=campaigns_with(comparator__in=improve)))
    rounds = (Round.objects.filter(status=RoundStatus.OPEN).filter(meets)
              .filter(campaign_id__in=campaigns_with(kind=CriterionKind.INDICATOR)))
    affected: set[int] | None = None
    if unit_ids is not None:
        paths = Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True)
        affected = {int(x) for p in paths for x in p.strip("/").split("/") if x}
        taking_part = Participant.objects.filter(unit_id__in=affected).values("campaign_id")
        rounds = rounds.filter(Q(campaign_id__in=taking_part)
                               | Q(campaign__issuing_unit_id__in=affected,
                                   campaign_id__in=campaigns_with(measured_on=MeasuredOn.ISSUER)))
    count = 0
    for round_ in rounds.select_related("campaign").order_by("pk"):
        _evaluate_round(round_, wanted=None, affected_units=affected)
        count += 1
    return count


# --- rankings -------------------------------------------------------------------


@dataclass
class Row:
    participant_id: int
    name: str
    unit_id: int | None
    score: Decimal
    rank: int = 0
    criteria_met: int = 0
    must_failed: int = 0
    unmeasured: int = 0
    previous_score: Decimal | None = None
    previous_rank: int | None = None
    cells: dict[int, dict] = field(default_factory=dict)

    @property
    def score_change(self) -> Decimal | None:
        return None if self.previous_score is None else self.score - self.previous_score

    @property
    def rank_change(self) -> int | None:
        # Positive = moved up (a smaller rank number).
        return None if self.previous_rank is None else self.previous_rank - self.rank


def _score(result: CriterionResult) -> Decimal:
    if result.points is not None:
        return result.points
    return result.criterion.weight if result.met else Decimal(0)


def live_ranking(round_: Round, groups: list[ParticipantGroup]) -> dict[int, list[Row]]:
    """Rankings per group from the stored criterion results (a fixed number of queries)."""
    group_ids = [g.pk for g in groups]
    participants = list(
        Participant.objects.filter(campaign_id=round_.campaign_id, group_id__in=group_ids).select_related("unit", "person")
    )
    criteria = {c.pk: c for c in Criterion.objects.filter(campaign_id=round_.campaign_id)}
    # Plain tuples with only the two keys of ``detail`` a table shows: building 26,000
    # model instances with their whole JSON detail was most of a province leaderboard's
    # time (issue 14).
    results = (
        CriterionResult.objects.filter(round=round_, participant__group_id__in=group_ids)
        .order_by()
        .values_list("participant_id", "criterion_id", "met", "value", "points",
                     KT("detail__explanation"), KT("detail__unit"))
    )
    rows: dict[int, Row] = {}
    for p in participants:
        rows[p.pk] = Row(p.pk, str(p.unit or p.person), p.unit_id, Decimal(0))
    for participant_id, criterion_id, met, value, points, explanation, unit_label in results:
        row = rows.get(participant_id)
        if row is None:
            continue
        criterion = criteria[criterion_id]
        row.score += points if points is not None else (criterion.weight if met else Decimal(0))  # as _score()
        row.criteria_met += 1 if met else 0
        row.must_failed += 1 if (met is False and criterion.requirement == Requirement.MUST_MEET) else 0
        row.unmeasured += 1 if met is None else 0
        row.cells[criterion_id] = {"met": met, "value": value, "points": points, "explanation": explanation or "",
                                   "unit": unit_label or ""}
    by_group: dict[int, list[Row]] = {g: [] for g in group_ids}
    group_of = {p.pk: p.group_id for p in participants}
    for pk, row in rows.items():
        by_group[group_of[pk]].append(row)
    _attach_previous(round_, [r for g in by_group.values() for r in g])
    for lst in by_group.values():
        # A unit failing a must-meet criterion is not eligible: it ranks below every
        # eligible unit whatever its score (1-2-2-4 within each of the two tiers' order).
        ranks = competition_rank([rank_key(r.must_failed, r.score) for r in lst])
        for r, k in zip(lst, ranks, strict=True):
            r.rank = k
        lst.sort(key=lambda r: (r.rank, r.name))
    return by_group


def rank_key(must_failed: int, score: Decimal) -> tuple[bool, Decimal]:
    """What a ranking compares: eligibility first (no must-meet criterion failed),
    then the score. Compared with ``core.ranking.competition_rank``."""
    return (not must_failed, score)


#: Printed with the tie rule (``RankingSnapshot.TIE_RULE``) on the leaderboard.
ELIGIBILITY_RULE = ("Đơn vị chưa đạt tiêu chí bắt buộc là không đủ điều kiện: luôn xếp sau mọi đơn vị đủ điều kiện, "
                    "dù điểm cao hơn.")


def tied_groups(rows: list[dict]) -> list[dict]:
    """Rows sharing a rank: ``[{"rank", "score", "names", "eligible", "next_rank"}]``, in rank order;
    each tied row gets ``tied = True`` (the page marks its rank "2=")."""
    by_rank: dict[int, list[dict]] = {}
    for r in rows:
        by_rank.setdefault(r["rank"], []).append(r)
    out = []
    for rank in sorted(by_rank):
        members = by_rank[rank]
        if len(members) > 1:
            for m in members:
                m["tied"] = True
            out.append({"rank": rank, "score": members[0]["score"], "names": [m["name"] for m in members],
                        "eligible": members[0]["eligible"], "next_rank": rank + len(members)})
    return out


def _attach_previous(round_: Round, rows: list[Row]) -> None:
    """Year-over-year change from the previous year's frozen snapshot of the same
    kind of round (same campaign preferred, else a campaign of the same issuer)."""
    unit_ids = [r.unit_id for r in rows if r.unit_id]
    if not unit_ids:
        return
    prev_year = round_.period_end.year - 1
    entries = (
        RankingEntry.objects.filter(
            unit_id__in=unit_ids, snapshot__round__period_end__year=prev_year, snapshot__round__kind=round_.kind
        )
        .filter(Q(snapshot__round__campaign_id=round_.campaign_id)
                | Q(snapshot__round__campaign__issuing_unit_id=round_.campaign.issuing_unit_id))
        .values("unit_id", "score", "rank", "snapshot__round__campaign_id", "snapshot__frozen_at")
    )
    best: dict[int, dict] = {}
    for e in entries:
        key = (e["snapshot__round__campaign_id"] == round_.campaign_id, e["snapshot__frozen_at"])
        cur = best.get(e["unit_id"])
        if cur is None or key > cur["_key"]:
            best[e["unit_id"]] = {**e, "_key": key}
    for r in rows:
        e = best.get(r.unit_id) if r.unit_id else None
        if e:
            r.previous_score, r.previous_rank = e["score"], e["rank"]


@transaction.atomic
def freeze_round(round_: Round, *, actor: Any = None) -> list[RankingSnapshot]:
    """Evaluate the round one last time and freeze each group's ranking.
    Idempotent: an existing snapshot of a group is kept as it is."""
    participants = list(Participant.objects.filter(campaign_id=round_.campaign_id))
    evaluate_participants(round_, participants)
    groups = list(ParticipantGroup.objects.filter(campaign_id=round_.campaign_id))
    existing = set(RankingSnapshot.objects.filter(round=round_).values_list("group_id", flat=True))
    todo = [g for g in groups if g.pk not in existing]
    ranking = live_ranking(round_, todo)
    snapshots = []
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    for group in todo:
        snap = RankingSnapshot.objects.create(round=round_, group=group, frozen_at=now, frozen_by=user)
        RankingEntry.objects.bulk_create([
            RankingEntry(
                snapshot=snap, participant_id=r.participant_id, unit_id=r.unit_id, name=r.name[:300], score=r.score,
                rank=r.rank, criteria_met=r.criteria_met, must_failed=r.must_failed, previous_score=r.previous_score,
                previous_rank=r.previous_rank,
                details={str(k): {"met": v["met"], "value": _f(v["value"]), "points": _f(v["points"]),
                                  "explanation": v["explanation"]} for k, v in r.cells.items()},
            )
            for r in ranking[group.pk]
        ])
        snapshots.append(snap)
        record(actor=actor, action="scoring.ranking.freeze", obj=snap, unit=round_.campaign.issuing_unit,
               data={"round": round_.pk, "group": group.code, "entries": len(ranking[group.pk])})
    return snapshots


# --- leaderboard ----------------------------------------------------------------


def _board_row(src: Any, cells: list[tuple[Criterion, dict | None]]) -> dict:
    """A leaderboard row from a frozen ``RankingEntry`` or a live ``Row`` (same field names)."""
    return {"name": src.name, "unit_id": src.unit_id, "score": src.score, "rank": src.rank, "met": src.criteria_met,
            "must_failed": src.must_failed, "eligible": not src.must_failed, "previous_score": src.previous_score, "previous_rank": src.previous_rank,
            "cells": cells,
            "score_change": None if src.previous_score is None else src.score - src.previous_score,
            "rank_change": None if src.previous_rank is None else src.previous_rank - src.rank}


def leaderboard_data(user: Any, round_: Round) -> dict:
    """The collective groups' rankings of a round as ``user`` may see them:
    ``{"tables": [{"group", "snapshot" (None while live), "criteria", "rows", "partial"?}],
    "frozen": every table frozen, "see_all": bool}``. Frozen groups come from their
    snapshot, the others live from the stored criterion results. Without
    ``scoring.view_full_ranking`` only the rows of the user's subtree are kept, and
    tables left empty are dropped."""
    groups = list(round_.campaign.groups.filter(subject=Subject.COLLECTIVE).order_by("order"))
    criteria = list(Criterion.objects.filter(campaign=round_.campaign, subject=Subject.COLLECTIVE).order_by("order", "id"))
    snapshots = {s.group_id: s for s in RankingSnapshot.objects.filter(round=round_).prefetch_related("entries")}
    live_groups = [g for g in groups if g.pk not in snapshots]
    live = live_ranking(round_, live_groups) if live_groups else {}
    see_all = allowed(user, "scoring.view_full_ranking", round_)
    tables = []
    for g in groups:
        g_criteria = [c for c in criteria if c.group_id in (None, g.pk) and c.binds(round_)]
        snap = snapshots.get(g.pk)
        if snap is not None:
            rows = [_board_row(e, [(c, e.details.get(str(c.pk))) for c in g_criteria]) for e in snap.entries.all()]
        else:
            rows = [_board_row(r, [(c, r.cells.get(c.pk)) for c in g_criteria]) for r in live.get(g.pk, [])]
        rows.sort(key=lambda r: (r["rank"], r["name"]))
        tables.append({"group": g, "snapshot": snap, "criteria": g_criteria, "rows": rows, "ties": tied_groups(rows)})
    if not see_all:
        root = scope_unit(user)
        mine = set(Unit.objects.filter(path__startswith=root.path).values_list("pk", flat=True)) if root else set()
        for t in tables:
            t["rows"] = [r for r in t["rows"] if r["unit_id"] in mine]
            t["ties"] = []  # a tied group would name or count units outside the user's scope
            t["partial"] = True
        # A group the user has no row in is only an empty table to them.
        tables = [t for t in tables if t["rows"]]
    return {"tables": tables, "frozen": len(live_groups) < len(groups) and not live_groups, "see_all": see_all}
