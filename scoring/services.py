"""Public services of the scoring app (other apps code against these).

- ``request_recompute``: record a run and enqueue the Celery recomputation
  (on commit); ``receivers.py`` calls it when the one-stop import announces
  ``facts_committed``.
- ``cancel_run`` (from ``runs``): staff stop a queued or stuck recompute run.
- ``set_index_result``: store a yearly external index result (PAR INDEX, DDCI,
  SIPAS…) of a unit; the PAR-index app calls it when an assessment is finalised.
- ``evaluate_participant``: criterion results of one participant in one round
  (the awards app reads them to check eligibility).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.db import transaction
from python_calamine import CalamineWorkbook

from audit.services import record
from core.numbers import parse_decimal
from core.system import SYSTEM
from organization.models import Unit
from organization.rules import allowed, require
from organization.scope import unit_in_scope

from .choices import ExternalIndex
from .criteria import evaluate_participants
from .errors import ScoringError
from .models import CriterionResult, IndexResult, RecomputeRun
from .runs import cancel_run, create_run
from .tasks import recompute_run, reevaluate_criteria

__all__ = ["ScoringError", "cancel_run", "evaluate_participant", "import_index_results", "request_full_recompute",
           "request_recompute", "set_index_result"]


def request_recompute(
    *, unit_ids: list[int], months: list[datetime.date], actor: Any = None, reason: str = ""
) -> RecomputeRun | None:
    """Record a recompute run for these units × months and enqueue the task once the
    surrounding transaction commits (so the worker sees the committed facts).

    Returns None when there is nothing to recompute (no unit or no month). Empty
    lists are not "everything": a full recomputation is ``request_full_recompute``.
    """
    if not unit_ids or not months:
        return None
    run = create_run(unit_ids=unit_ids, months=months, actor=actor, reason=reason)
    recompute_run.delay_on_commit(run.pk)
    return run


def request_full_recompute(*, actor: Any, reason: str = "", chunk_units: int | None = None) -> RecomputeRun:
    """Every unit and every month that has facts (the admin action, the demo, the
    benchmark). ``actor`` is ``core.system.SYSTEM`` for those, or a user holding
    ``scoring.request_full_recompute`` (``NotAllowed`` otherwise, ``None`` included)."""
    if actor is not SYSTEM:
        require(actor, "scoring.request_full_recompute")
    run = create_run(actor=actor, reason=reason[:300] or "Tính lại toàn bộ", chunk_units=chunk_units)
    recompute_run.delay_on_commit(run.pk)
    return run


@transaction.atomic
def set_index_result(
    *,
    unit: Unit,
    year: int,
    index_code: str,
    score: Decimal,
    rank: int | None = None,
    source: str = "",
    actor: Any,
    is_demo: bool = False,
    reevaluate: bool = True,
) -> IndexResult:
    """Create or update the yearly result of an external index for a unit.

    Guards: the actor is ``core.system.SYSTEM`` (the demo loader) or holds
    ``scoring.set_index_result`` on the unit (``NotAllowed``, ``None`` included), a known index code, a score
    between 0 and 100 (the published indices are on a 100-point scale), a plausible
    year, a positive rank (``ScoringError``). Writes an audit event with the
    previous and new score.
    """
    if actor is not SYSTEM:
        require(actor, "scoring.set_index_result", unit,
                "Chỉ cán bộ thi đua được nhập kết quả chỉ số của đơn vị trong phạm vi quản lý.")
    if index_code not in ExternalIndex.values:
        raise ScoringError(f"Chỉ số “{index_code}” không có trong danh mục (PAR INDEX, DDCI, SIPAS, PAPI, PCI).")
    try:
        score = Decimal(str(score)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ScoringError(f"Điểm “{score}” không phải là số.") from exc
    if score < 0 or score > 100:
        raise ScoringError(f"Điểm {score} nằm ngoài khoảng 0 – 100.")
    if not 2000 <= int(year) <= 2100:
        raise ScoringError(f"Năm {year} không hợp lệ.")
    if rank is not None and int(rank) < 1:
        raise ScoringError("Xếp hạng phải là số nguyên dương.")
    existing = IndexResult.objects.select_for_update().filter(unit=unit, year=year, index_code=index_code).first()
    previous = None if existing is None else f"{existing.score}/{existing.rank or ''}"
    user = actor if getattr(actor, "is_authenticated", False) else None
    if existing is None:
        result = IndexResult.objects.create(
            unit=unit, year=year, index_code=index_code, score=score, rank=rank, source=source[:300],
            entered_by=user, is_demo=is_demo,
        )
    else:
        existing.score, existing.rank, existing.source = score, rank, source[:300] or existing.source
        existing.entered_by = user or existing.entered_by
        existing.save()
        result = existing
    record(
        actor=actor, action="scoring.index_result.set", obj=result, unit=unit,
        from_state=previous or "", to_state=f"{score}/{rank or ''}",
        data={"index": index_code, "year": int(year)},
    )
    if reevaluate:
        # Criteria such as "tăng điểm so với năm trước" depend on this result; the
        # year after depends on it too (as its previous year).
        reevaluate_criteria.delay_on_commit([unit.pk], [int(year), int(year) + 1])
    return result


def evaluate_participant(participant: Any, round_: Any, *, save: bool = True) -> list[CriterionResult]:
    """Evaluate every criterion of the participant's campaign that applies to it in
    this round and store the results (upsert) unless ``save`` is False (a page
    view must not write). Returns them in criterion order.

    ``met`` None means "not measurable from data" (attestation criteria, points
    entered by the council, or no data for the period)."""
    return evaluate_participants(round_, [participant], save=save)[participant.pk]


INDEX_HEADERS = {
    "unit": ("mã đơn vị", "ma don vi", "unit"),
    "year": ("năm", "nam", "year"),
    "index": ("chỉ số", "chi so", "index"),
    "score": ("điểm", "diem", "score"),
    "rank": ("xếp hạng", "xep hang", "hạng", "rank"),
    "source": ("nguồn", "nguon", "source"),
}


def _index_code(text: str) -> str | None:
    norm = text.strip().lower().replace(" ", "").replace("_", "")
    for code, label in ExternalIndex.choices:
        if norm in (code.replace("_", ""), label.lower().replace(" ", "")) or norm in label.lower().replace(" ", ""):
            return code
    return None


def _sheet_rows(content: bytes) -> list[list[Any]]:
    """The first sheet's rows (xlsx, xls or ods, read by calamine)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as exc:
        raise ScoringError("Tệp không phải bảng tính hợp lệ (xlsx, xls, ods).") from exc


def _columns(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row (one of the first ten, naming "Mã đơn vị") and ``{key: column}``."""
    header_index = next((i for i, row in enumerate(rows[:10])
                         if any(str(c).strip().lower() in INDEX_HEADERS["unit"] for c in row)), None)
    if header_index is None:
        raise ScoringError("Không tìm thấy dòng tiêu đề (cần các cột: Mã đơn vị, Năm, Chỉ số, Điểm, Xếp hạng, Nguồn).")
    header = [str(c).strip().lower() for c in rows[header_index]]
    cols = {key: j for key, aliases in INDEX_HEADERS.items() for j, name in enumerate(header) if name in aliases}
    missing = [INDEX_HEADERS[k][0] for k in ("unit", "year", "index", "score") if k not in cols]
    if missing:
        raise ScoringError("Thiếu cột: " + ", ".join(f"'{m.capitalize()}'" for m in missing) + ".")
    return header_index, cols


def _index_row(i: int, cell: Any, units: dict[str, Unit], actor: Any, errors: list[str]) -> tuple:
    """One data row checked: ``(unit, year, index, score, rank, source)``; each wrong
    cell appends "Dòng i, cột '…': …" to ``errors``."""
    code = str(cell("unit")).strip()
    unit = units.get(code)
    if unit is None:
        errors.append(f"Dòng {i}, cột 'Mã đơn vị': không có đơn vị mã “{code}”.")
    elif not unit_in_scope(actor, unit):
        errors.append(f"Dòng {i}, cột 'Mã đơn vị': đơn vị “{code}” ngoài phạm vi quản lý của bạn.")
    try:
        year = int(float(cell("year")))
    except (TypeError, ValueError):
        errors.append(f"Dòng {i}, cột 'Năm': “{cell('year')}” không phải là năm.")
        year = None
    index = _index_code(str(cell("index")))
    if index is None:
        errors.append(f"Dòng {i}, cột 'Chỉ số': “{cell('index')}” không phải PAR INDEX, DDCI, SIPAS, PAPI hay PCI.")
    try:
        score = parse_decimal(cell("score"))
        if not 0 <= score <= 100:
            raise ValueError
    except ValueError:
        errors.append(f"Dòng {i}, cột 'Điểm': “{cell('score')}” không phải điểm từ 0 đến 100.")
        score = None
    rank_raw = str(cell("rank")).strip()
    rank = None
    if rank_raw:
        try:
            rank = int(float(rank_raw))
            if rank < 1:
                raise ValueError
        except ValueError:
            errors.append(f"Dòng {i}, cột 'Xếp hạng': “{rank_raw}” không phải số nguyên dương.")
    return unit, year, index, score, rank, str(cell("source")).strip()


def import_index_results(content: bytes, *, actor: Any) -> int:
    """Import yearly index results from a spreadsheet (xlsx/xls/ods) with the columns
    Mã đơn vị | Năm | Chỉ số | Điểm | Xếp hạng | Nguồn; returns the rows stored.

    Every row is checked first; any error → nothing is stored and ``ScoringError``
    names each wrong row and column (one per line). Refused (``ScoringError``) unless
    the actor holds ``scoring.import_index_results``; each row's unit must lie in
    their scope."""
    if not allowed(actor, "scoring.import_index_results"):
        raise ScoringError("Chỉ cán bộ thi đua mới được nhập kết quả chỉ số.")
    rows = _sheet_rows(content)
    header_index, cols = _columns(rows)
    units = {u.code: u for u in Unit.objects.all()}
    errors: list[str] = []
    parsed = []
    for i, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        def cell(key: str, row: list = row) -> Any:
            j = cols.get(key)
            return row[j] if j is not None and j < len(row) else ""

        if all(str(c).strip() == "" for c in row):
            continue
        parsed.append(_index_row(i, cell, units, actor, errors))
    if errors:
        raise ScoringError("\n".join(errors[:50]))
    with transaction.atomic():
        for unit, year, index, score, rank, source in parsed:
            set_index_result(unit=unit, year=year, index_code=index, score=score, rank=rank, source=source,
                             actor=actor, reevaluate=False)
        years = {y for _, y, *_ in parsed}
        reevaluate_criteria.delay_on_commit(sorted({u.pk for u, *_ in parsed}), sorted(years | {y + 1 for y in years}))
    return len(parsed)
