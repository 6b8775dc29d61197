"""The life of a recompute run: queued → running → done (or failed, and again).

``execute_run`` replaces the derived rows (``recompute.recompute_units``) and then
re-evaluates the criteria of the open rounds (``criteria.reevaluate_for``) in one
transaction, so results and status change together or not at all; ``recompute``
itself knows nothing of criteria. The Celery task and ``recompute_now`` both go
through it. Transitions follow ``RUN_TRANSITIONS`` through ``audit.services.transition``.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from audit.services import transition
from core.periods import month_start
from core.system import SYSTEM

from .choices import RUN_TRANSITIONS, RunStatus
from .criteria import reevaluate_for
from .errors import ScoringError
from .models import RecomputeRun
from .recompute import PM, UMD, all_fact_months, all_fact_units, recompute_units

log = logging.getLogger(__name__)


def progress_key(run_id: int) -> str:
    """Cache key of a running run's progress (0–100): the run row itself is inside
    the open transaction, so pages read the progress from the cache."""
    return f"scoring:run:{run_id}:progress"


def create_run(
    *, unit_ids: Iterable[int] = (), months: Iterable[datetime.date] = (), reason: str = "", actor: Any = None,
    chunk_units: int | None = None,
) -> RecomputeRun:
    """A queued run row. Empty ``unit_ids``/``months`` mean every unit / every month with facts."""
    return RecomputeRun.objects.create(
        status=RunStatus.QUEUED,
        unit_ids=sorted({int(u) for u in unit_ids}),
        months=[m.isoformat() for m in sorted({month_start(m) for m in months})],
        reason=reason[:300], chunk_units=chunk_units,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _locked(run_id: int) -> RecomputeRun:
    return RecomputeRun.objects.select_for_update().get(pk=run_id)


def _move(run: RecomputeRun, to: str, **fields: Any) -> RecomputeRun:
    """Set ``fields`` on a run read under a row lock and move it to ``to``."""
    for name, value in fields.items():
        setattr(run, name, value)
    transition(run, to, transitions=RUN_TRANSITIONS, actor=SYSTEM, action=f"scoring.run.{to}", error=ScoringError,
               labels=RunStatus, what="lượt tính lại", update_fields=tuple(fields))
    return run


def execute_run(run_id: int) -> None:
    """Carry out one recompute run; idempotent (a redelivered run does it again).

    The "running" mark is committed on its own so pages show it; the data
    replacement, the criterion re-evaluation and the "done" mark are one
    transaction, so results and status change together or not at all. A failure
    marks the run failed (with the traceback) and re-raises."""
    run = RecomputeRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    with transaction.atomic():
        run = _locked(run_id)
        _move(run, RunStatus.RUNNING, started_at=timezone.now(), attempts=run.attempts + 1, progress=0, error="")
    cache.set(progress_key(run_id), 0, 3600)
    try:
        with transaction.atomic():
            full = not run.unit_ids
            unit_ids = list(run.unit_ids) or all_fact_units()
            months = [datetime.date.fromisoformat(m) for m in run.months] or all_fact_months()

            def progress(pct: int) -> None:
                cache.set(progress_key(run_id), min(pct, 95), 3600)

            written = recompute_units(unit_ids, months, progress=progress, full=full, chunk=run.chunk_units)
            reevaluate_for(unit_ids=None if full else unit_ids, months=months)
            _move(_locked(run_id), RunStatus.DONE, finished_at=timezone.now(), progress=100, rows_written=written)
        cache.set(progress_key(run_id), 100, 3600)
        if connection.vendor == "postgresql" and written > 10_000:
            # Fresh planner statistics after a large rewrite: without them PostgreSQL
            # estimates a few hundred rows and picks nested loops for the page queries.
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {UMD}, {PM}")
    except Exception:
        log.exception("Recompute run %s failed", run_id)
        with transaction.atomic():
            _move(_locked(run_id), RunStatus.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-4000:])
        raise


def recompute_now(
    unit_ids: Iterable[int] | None = None, months: Iterable[datetime.date] | None = None, reason: str = ""
) -> int:
    """Synchronous recomputation through a run row (management commands, demo,
    benchmark, tests): same code path as the Celery task. Returns rows written."""
    run = create_run(unit_ids=unit_ids or (), months=months or (), reason=reason or "Tính lại trực tiếp")
    execute_run(run.pk)
    run.refresh_from_db()
    return run.rows_written
