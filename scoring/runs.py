"""The life of a recompute run: queued → running → done (or failed, or cancelled).

``execute_run`` replaces the derived rows (``recompute.recompute_units``) and then
re-evaluates the criteria of the open rounds (``criteria.reevaluate_for``) in one
transaction, so results and status change together or not at all; ``recompute``
itself knows nothing of criteria. The Celery task and ``recompute_now`` both go
through it. Transitions follow ``RUN_TRANSITIONS`` through ``audit.services.transition``.

How runs compose (issue 10, "Recompute runs collide"):

- **One writer at a time.** Every run's transaction first takes one PostgreSQL
  advisory transaction lock (``SERIAL_LOCK``), so overlapping runs serialize
  instead of failing on the unit-month unique key. One lock rather than one per
  unit, because a full recompute deletes and rewrites every unit's rows of its
  months (it would need thousands of unit locks: PostgreSQL's shared lock table
  holds ``max_locks_per_transaction`` × connections, 6,400 by default), and the
  criterion re-evaluation writes results of parent units over their children; the
  set-based recompute of an import's slice takes well under a second, so a second
  worker gains little from writing the same tables at once. SQLite serializes
  writes by itself, so the same code works there without the lock.
- **Merging.** A run that holds the lock marks done ("gộp vào lượt #…") the queued
  runs it covers (a full run covers every queued run whose months it recomputes;
  a partial run those whose units and months it contains), in its own
  transaction: those runs' facts were committed with them, so the covering run's
  statements, which start after the lock, read them. A busy queue then costs one
  run per burst instead of one per upload.
- **Lost races are retried.** A unique violation, deadlock, serialization
  failure or lock wait timeout (e.g. with a writer outside the runs) rolls the
  attempt back; the run is tried again after ``SCORING_RUN_RETRY_BACKOFF`` × 2ⁿ
  seconds, up to ``SCORING_RUN_MAX_ATTEMPTS`` attempts, then failed with the reason.
- **Claims.** The process executing a run holds a session advisory lock
  (``CLAIM_LOCK``, run id). A duplicate delivery of a run that a live process is
  executing (the broker's visibility timeout passed while it ran) finds the claim
  held and does nothing; PostgreSQL drops the claim as soon as the executing
  process dies (``client_connection_check_interval`` makes its backend notice a
  dead client even mid-statement), so "running and unclaimed" means orphaned:
  the redelivered message (or the ``requeue_orphaned_runs`` beat job) starts it
  again, and after ``SCORING_RUN_MAX_ATTEMPTS`` starts it is failed instead of
  killing worker after worker.
- **Cancel.** Staff cancel a queued or stuck run (``cancel_run``); a cancelled run
  is skipped when delivered, and a running one stops at its next chunk or, at the
  latest, rolls back instead of committing.
"""

from __future__ import annotations

import datetime
import logging
import random
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.services import transition
from core.periods import month_start
from core.system import SYSTEM
from organization.models import Unit
from organization.rules import require

from .choices import RUN_ACTIVE, RUN_TRANSITIONS, RunStatus
from .criteria import reevaluate_for
from .errors import ScoringError
from .models import RecomputeRun
from .recompute import PM, UMD, all_fact_months, all_fact_units, recompute_units

log = logging.getLogger(__name__)

#: PostgreSQL advisory lock keys (two-int form: class, object). ``(SERIAL_LOCK, 0)``
#: is held by the transaction writing derived rows; ``(CLAIM_LOCK, run id)`` by the
#: session executing that run.
SERIAL_LOCK = 710_001
CLAIM_LOCK = 710_002

#: SQLSTATEs of a lost race (PostgreSQL): worth another attempt, not a bug.
RACE_SQLSTATES = {
    "23505": "trùng khoá duy nhất",
    "40P01": "khoá chéo (deadlock)",
    "40001": "xung đột tuần tự hoá",
    "55P03": "chờ khoá quá lâu",
}

#: What ``execute_run`` did with a delivery.
DONE, SKIPPED, CANCELLED = "done", "skipped", "cancelled"


class RunCancelled(Exception):
    """Raised inside a run's transaction when staff cancelled it meanwhile."""


def reason_label(reason: str) -> str:
    """The run's reason as a reader sees it: the stored machine reason
    ``"import:110"`` (set by ``scoring.onestop.services`` on commit) → "Tải lên số liệu
    #110"; any other reason is already Vietnamese text and is returned unchanged."""
    kind, _, ref = reason.partition(":")
    if kind == "import" and ref:
        return f"Tải lên số liệu #{ref}"
    return reason


def progress_key(run_id: int) -> str:
    """Cache key of a running run's progress (0–100): the run row itself is inside
    the open transaction, so pages read the progress from the cache."""
    return f"scoring:run:{run_id}:progress"


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _scope_of(unit_ids: list[int]) -> Unit | None:
    """The lowest unit whose subtree holds all ``unit_ids`` (None: no common one, or
    a whole-system run). Materialized paths ``/1/5/23/``: the longest common prefix."""
    paths = list(Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True))
    if not paths or len(paths) < len(set(unit_ids)):
        return None
    common: list[str] = paths[0].strip("/").split("/")
    for path in paths[1:]:
        parts = path.strip("/").split("/")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return Unit.objects.filter(pk=int(common[-1])).first() if common and common[-1] else None


def create_run(
    *, unit_ids: Iterable[int] = (), months: Iterable[datetime.date] = (), reason: str = "", actor: Any = None,
    chunk_units: int | None = None,
) -> RecomputeRun:
    """A queued run row. Empty ``unit_ids``/``months`` mean every unit / every month with facts."""
    ids = sorted({int(u) for u in unit_ids})
    run = RecomputeRun.objects.create(
        status=RunStatus.QUEUED,
        unit_ids=ids,
        months=[m.isoformat() for m in sorted({month_start(m) for m in months})],
        reason=reason[:300], chunk_units=chunk_units, scope=_scope_of(ids) if ids else None,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    cache.delete(progress_key(run.pk))  # a key left by an earlier database that gave out the same id
    return run


def _locked(run_id: int) -> RecomputeRun | None:
    return RecomputeRun.objects.select_for_update().filter(pk=run_id).first()


def _move(run: RecomputeRun, to: str, actor: Any = SYSTEM, **fields: Any) -> RecomputeRun:
    """Set ``fields`` on a run read under a row lock and move it to ``to``."""
    for name, value in fields.items():
        setattr(run, name, value)
    transition(run, to, transitions=RUN_TRANSITIONS, actor=actor, action=f"scoring.run.{to}", error=ScoringError,
               labels=RunStatus, what="lượt tính lại", update_fields=tuple(fields), unit=run.scope)
    return run


# --- claims and the writers' lock (PostgreSQL; no-ops on SQLite) -------------------

@contextmanager
def _claim(run_id: int) -> Iterator[bool]:
    """Hold ``(CLAIM_LOCK, run_id)`` for this session while the body runs; yields
    False when another live session holds it (this delivery is a duplicate)."""
    if not _is_postgres():
        yield True
        return
    with connection.cursor() as cur:
        if connection.pg_version >= 140000:
            # A killed worker's backend must notice its dead client mid-statement and
            # release its locks (PostgreSQL 14+; older ones finish the statement first).
            cur.execute("SELECT set_config('client_connection_check_interval', %s, false)",
                        [f"{settings.SCORING_RUN_CLIENT_CHECK_SECONDS}s"])
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [CLAIM_LOCK, run_id])
        mine = bool(cur.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            try:
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_unlock(%s, %s)", [CLAIM_LOCK, run_id])
            except DatabaseError:  # connection gone: the server released the lock with it
                log.warning("Could not release the claim of run %s", run_id, exc_info=True)


def is_claimed(run_id: int) -> bool:
    """Whether a live session is executing this run (always False on SQLite)."""
    if not _is_postgres():
        return False
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [CLAIM_LOCK, run_id])
        return not cur.fetchone()[0]


def serialize_writers() -> None:
    """Wait (at most ``SCORING_RUN_LOCK_WAIT`` seconds, then a ``55P03`` error that
    the caller retries) for the derived-rows writers' lock; held until the
    surrounding transaction ends. Call first thing inside ``transaction.atomic()``."""
    if not _is_postgres():
        return
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.SCORING_RUN_LOCK_WAIT}s"])
        cur.execute("SELECT pg_advisory_xact_lock(%s, 0)", [SERIAL_LOCK])


def race_reason(exc: BaseException) -> str | None:
    """The Vietnamese name of the lost race behind ``exc``, or None if it is not one."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            break
        code = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if code in RACE_SQLSTATES:
            return RACE_SQLSTATES[code]
        if "database is locked" in str(seen):  # SQLite's busy timeout ran out
            return "cơ sở dữ liệu đang bận"
        seen = seen.__cause__ or seen.__context__
    return None


# --- executing a run ---------------------------------------------------------------

def _start(run_id: int, note: str = "") -> RecomputeRun | None:
    """Mark the run running for one more attempt (its own short transaction, so
    pages see it); None when there is nothing to do: gone, final, or orphaned once
    too often (then failed with the reason — no poison loop)."""
    with transaction.atomic():
        run = _locked(run_id)
        if run is None or run.status not in RUN_ACTIVE:
            return None
        limit = settings.SCORING_RUN_MAX_ATTEMPTS
        if run.status == RunStatus.RUNNING and not note:
            # Running but nobody holds its claim: the process executing it died.
            if run.attempts >= limit:
                _move(run, RunStatus.FAILED, finished_at=timezone.now(), error=(
                    f"Lượt tính bị dừng đột ngột {run.attempts} lần (tiến trình bị tắt, hết bộ nhớ hoặc quá thời "
                    f"gian); đã ngừng thử lại. Yêu cầu tính lại khi đã khắc phục nguyên nhân."))
                return None
            note = f"Lần chạy thứ {run.attempts} bị dừng đột ngột (tiến trình bị tắt); đang chạy lại."
        return _move(run, RunStatus.RUNNING, started_at=run.started_at or timezone.now(),
                     attempts=run.attempts + 1, progress=0, error=note)


def _covered(run: RecomputeRun, other: RecomputeRun, full: bool, unit_ids: set[int], months: set[str]) -> bool:
    """Whether executing ``run`` over ``unit_ids`` × ``months`` recomputes all of ``other``."""
    if not other.months:
        return full and not other.unit_ids  # a full run queued behind a full run
    if not set(other.months) <= months:
        return False  # months this run does not rewrite
    return full or (bool(other.unit_ids) and set(other.unit_ids) <= unit_ids)


def _merge_candidates(run: RecomputeRun) -> list[RecomputeRun]:
    """Queued runs, locked (those another transaction holds are left alone)."""
    queued = RecomputeRun.objects.filter(status=RunStatus.QUEUED).exclude(pk=run.pk).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        queued = queued.select_for_update(skip_locked=True)
    return list(queued[:1000])


def _compute(run: RecomputeRun) -> None:
    """One attempt: lock, merge, replace, re-evaluate, mark done — one transaction."""
    run_id = run.pk

    def check_cancelled() -> None:
        if RecomputeRun.objects.filter(pk=run_id, status=RunStatus.CANCELLED).exists():
            raise RunCancelled

    def progress(pct: int) -> None:
        cache.set(progress_key(run_id), min(pct, 95), 3600)
        check_cancelled()

    with transaction.atomic():
        serialize_writers()
        check_cancelled()  # cancelled while this attempt waited for the lock
        full = not run.unit_ids
        # Candidates before the fact scan: their facts are committed, so the
        # statements below (each sees what was committed when it starts) read them.
        candidates = _merge_candidates(run)
        unit_ids = list(run.unit_ids) or all_fact_units()
        months = [datetime.date.fromisoformat(m) for m in run.months] or all_fact_months()
        covered = [o for o in candidates
                   if _covered(run, o, full, set(unit_ids), {m.isoformat() for m in months})]
        written = recompute_units(unit_ids, months, progress=progress, full=full, chunk=run.chunk_units)
        reevaluate_for(unit_ids=None if full else unit_ids, months=months)
        mine = _locked(run_id)
        if mine is None or mine.status == RunStatus.CANCELLED:
            raise RunCancelled
        now = timezone.now()
        _move(mine, RunStatus.DONE, finished_at=now, progress=100, rows_written=written, error="")
        for other in covered:
            _move(other, RunStatus.DONE, started_at=now, finished_at=now, progress=100, merged_into=mine)
    cache.set(progress_key(run_id), 100, 3600)
    if _is_postgres() and written > 10_000:
        # Fresh planner statistics after a large rewrite: without them PostgreSQL
        # estimates a few hundred rows and picks nested loops for the page queries.
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {UMD}, {PM}")


def _fail(run_id: int, error: str) -> None:
    with transaction.atomic():
        run = _locked(run_id)
        if run is not None and run.status in RUN_ACTIVE:
            _move(run, RunStatus.FAILED, finished_at=timezone.now(), error=error[-4000:])


def execute_run(run_id: int) -> str:
    """Carry out one delivery of a recompute run; returns ``DONE``, ``SKIPPED`` (a
    duplicate of a run a live process executes, or a run already done, failed,
    cancelled or gone) or ``CANCELLED``.

    Idempotent: a redelivered message of a finished run does nothing, one of a run
    whose process died starts it again (failed after ``SCORING_RUN_MAX_ATTEMPTS``
    starts). A lost race is retried here with backoff; any other error marks the
    run failed (reason and traceback kept for staff) and is re-raised."""
    with _claim(run_id) as mine:
        if not mine:
            log.info("Recompute run %s is being executed by another process: duplicate delivery ignored", run_id)
            return SKIPPED
        note = ""
        while True:
            run = _start(run_id, note)
            if run is None:
                return SKIPPED
            cache.set(progress_key(run_id), 0, 3600)
            try:
                _compute(run)
                return DONE
            except RunCancelled:
                log.info("Recompute run %s was cancelled", run_id)
                return CANCELLED
            except Exception as exc:
                race = race_reason(exc)
                if race and run.attempts < settings.SCORING_RUN_MAX_ATTEMPTS:
                    delay = settings.SCORING_RUN_RETRY_BACKOFF * 2 ** (run.attempts - 1) * random.uniform(1, 1.5)
                    note = f"Lần thử {run.attempts} thua tranh chấp ({race}); thử lại sau {delay:.1f} giây."
                    log.warning("Recompute run %s: %s", run_id, note)
                    time.sleep(delay)
                    continue
                log.exception("Recompute run %s failed", run_id)
                if race:
                    reason = f"Thua tranh chấp ({race}) {run.attempts} lần; đã ngừng thử lại."
                elif isinstance(exc, SoftTimeLimitExceeded):
                    reason = (f"Quá thời gian cho phép ({settings.CELERY_TASK_SOFT_TIME_LIMIT} giây, "
                              "CELERY_TASK_SOFT_TIME_LIMIT); kết quả cũ được giữ nguyên.")
                else:
                    reason = "Lỗi khi tính lại; kết quả cũ được giữ nguyên."
                _fail(run_id, f"{reason}\n\n{traceback.format_exc()}")
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


def orphaned_runs(grace_seconds: int = 60) -> list[int]:
    """Ids of runs marked running for more than ``grace_seconds`` that no live
    process claims (PostgreSQL; the beat job re-queues them). Empty on SQLite."""
    if not _is_postgres():
        return []
    since = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    running = RecomputeRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=since).values_list("pk", flat=True)
    return [pk for pk in running if not is_claimed(pk)]


def cancel_run(run: RecomputeRun, *, actor: Any) -> RecomputeRun:
    """Cancel a queued or stuck (running) run: its delivery is then skipped, and an
    attempt in progress stops at its next chunk and rolls back, leaving the previous
    results. Refused (``NotAllowed``) unless the actor holds ``scoring.cancel_run``
    on the run; a done, failed or cancelled run is refused (``ScoringError``).
    Audit-logged as ``scoring.run.cancelled``."""
    require(actor, "scoring.cancel_run", run,
            "Chỉ cán bộ thi đua quản lý mọi đơn vị của lượt tính mới được huỷ lượt tính này.")
    with transaction.atomic():
        locked = _locked(run.pk)
        if locked is None:
            raise ScoringError("Lượt tính lại không còn tồn tại.")
        if locked.status not in RUN_ACTIVE:
            raise ScoringError(f"Lượt tính lại #{run.pk} đã ở trạng thái “{locked.get_status_display()}”, "
                               "không huỷ được.")
        _move(locked, RunStatus.CANCELLED, actor=actor, finished_at=timezone.now(),
              cancelled_by=actor if getattr(actor, "is_authenticated", False) else None)
    cache.delete(progress_key(run.pk))
    return locked
