"""Set-based recomputation of the data elements from the one-stop facts.

For a set of units × months, one transaction deletes the old ``UnitMonthData`` and
``ProcedureMonth`` rows and re-inserts them with ``INSERT … SELECT … GROUP BY``:
no per-dossier Python, so 1,000,000 dossiers take seconds on PostgreSQL. A worker
killed mid-run rolls the transaction back and the previous results stay intact;
the redelivered task (acks_late) then does the same work again.

Which source wins for a unit-month that has both a monthly report (II.06a) and
dossiers: the report is the unit's official statistic, so every column it gives
wins (the II.06a totals, and its optional counts when filled in); the dossier
list fills what the report lacks (full/partial split of online dossiers, direct
vs postal, per-procedure activity, and optional counts the report left blank).

Month attribution of a dossier: receipt-side elements (received, channel, fee,
paid online) count in the month it was received; result-side elements (resolved
early/on time/late, electronic result, e-certified copy, returned by post,
satisfaction) in the month it was resolved; stocks (carried over, pending,
overdue) are taken at the end of each month. A dossier received and resolved in
the same month adds nothing to any stock, so only the others ("spanning") are
joined with the months: most dossiers close within their month. A unit-month exists only when the
unit has a report for it or dossiers received or resolved in it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.periods import as_date, month_end, month_start, months_between
from scoring.onestop.models import Dossier, MonthlyReport, Procedure

from .elements import MONTHLY_CODES
from .models import ProcedureMonth, UnitMonthData

DOSSIER = Dossier._meta.db_table
REPORT = MonthlyReport._meta.db_table
UMD = UnitMonthData._meta.db_table
PM = ProcedureMonth._meta.db_table
PROC = Procedure._meta.db_table
RECEIVED = "tmp_recompute_received"  # per-chunk temporary table (see _recompute_chunk)

# SQLite: reading a dossier through the (unit, received_on) index costs about four
# times a row of a plain table scan (a rowid lookup per row), and SQLite's planner
# takes the index whatever share of the table the units hold. Above this share the
# chunk's queries scan the table instead (NOT INDEXED); below it the index wins.
SQLITE_SCAN_SHARE = 0.25


def _trunc(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({col} AS timestamp)) AS date)"
    return f"(substr({col}, 1, 8) || '01')"  # YYYY-MM-DD text: cheaper than date(…, 'start of month')


def _month_key(col: str) -> str:
    """A value equal for two dates of the same month (cheap: no date arithmetic)."""
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {col})"
    return f"substr({col}, 1, 7)"  # SQLite stores dates as YYYY-MM-DD text


def _b(expr: str) -> str:
    """0/1 from a boolean column or condition, the same on SQLite and PostgreSQL."""
    return f"CASE WHEN {expr} THEN 1 ELSE 0 END"


#: Receipt-side counts of a dossier group: column → condition on a dossier ``d``.
RECEIPT_COUNTS = {
    "online": "d.channel = 'online'",
    "online_full": "d.channel = 'online' AND d.online_level = 'full'",
    "online_partial": "d.channel = 'online' AND d.online_level <> 'full'",
    "direct": "d.channel = 'direct'",
    "postal": "d.channel = 'postal'",
    "postal_any": "d.channel = 'postal' OR d.returned_by_post",
    "fee_bearing": "d.fee_bearing",
    "paid_online": "d.paid_online",
}
#: Result-side counts (in the month a dossier was resolved).
RESULT_COUNTS = {
    "resolved_early": "d.due_on IS NOT NULL AND d.resolved_on < d.due_on",
    "resolved_on_time": "d.due_on IS NULL OR d.resolved_on = d.due_on",
    "resolved_late": "d.due_on IS NOT NULL AND d.resolved_on > d.due_on",
    "electronic_results": "d.electronic_result",
    "e_certified_copies": "d.e_certified_copy",
    "postal_returned": "d.returned_by_post",
    "satisfied": "d.satisfaction >= 2",
    "rated": "d.satisfaction IS NOT NULL",
}


def _counts(spec: dict[str, str]) -> str:
    """``SUM(1/0 …) AS column`` select items, one per ``column → condition``."""
    return ", ".join(f"SUM({_b(cond)}) AS {name}" for name, cond in spec.items())


def _in(values: list) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def all_fact_units() -> list[int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT unit_id FROM {DOSSIER} UNION SELECT DISTINCT unit_id FROM {REPORT}")
        return sorted(r[0] for r in cur.fetchall())


def all_fact_months() -> list[datetime.date]:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT MIN(received_on), MAX(received_on), MAX(resolved_on) FROM {DOSSIER}"
        )
        lo, hi, hi2 = cur.fetchone()
        cur.execute(f"SELECT MIN(month), MAX(month) FROM {REPORT}")
        rlo, rhi = cur.fetchone()
    dates = [as_date(d) for d in (lo, hi, hi2, rlo, rhi) if d]
    return months_between(min(dates), max(dates)) if dates else []


def recompute_units(
    unit_ids: list[int], months: list[datetime.date], *, progress: Callable[[int], None] | None = None,
    full: bool = False, chunk: int | None = None,
) -> int:
    """Replace the derived rows of these units × months. Must run inside a transaction
    (the caller's), so that the replacement is all or nothing. Returns rows written."""
    if not months:
        return 0
    months = sorted({month_start(m) for m in months})
    now = timezone.now()
    today = timezone.localdate()
    # Old rows first: for a full recomputation every unit's rows in these months go,
    # so units whose facts disappeared do not keep stale values.
    with connection.cursor() as cur:
        if full:
            cur.execute(f"DELETE FROM {UMD} WHERE month IN {_in(months)}", months)
            cur.execute(f"DELETE FROM {PM} WHERE month IN {_in(months)}", months)
    if connection.vendor == "postgresql":
        # Right after a large import the planner's statistics are stale (it expects a
        # handful of dossiers) and the default 4 MB spills its sorts to disk.
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('work_mem', %s, true)", [settings.SCORING_RECOMPUTE_WORK_MEM])
    chunk = int(chunk or getattr(settings, "SCORING_RECOMPUTE_CHUNK_UNITS", 500))
    written = 0
    chunks = [unit_ids[i : i + chunk] for i in range(0, len(unit_ids), chunk)] or []
    for index, ids in enumerate(chunks):
        written += _recompute_chunk(ids, months, now=now, today=today, delete=not full)
        if progress:
            progress(int(100 * (index + 1) / len(chunks)))
    return written


def _months_cte(months: list[datetime.date], today: datetime.date) -> tuple[str, list]:
    rows, params = [], []
    for m in months:
        end = month_end(m)
        rows.append("(%s, %s, %s)")
        # Overdue is judged at the month's end, or today for the running month.
        params += [m, end, min(end, today)]
    return "months(m, m_end, asof) AS (VALUES " + ", ".join(rows) + ")", params


def _dossier_source(ids: list[int]) -> str:
    """The dossier table as the chunk's queries read it (see ``SQLITE_SCAN_SHARE``)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM {DOSSIER} WHERE unit_id IN {_in(ids)}", ids)
            mine = cur.fetchone()[0]
            cur.execute(f"SELECT COUNT(*) FROM {DOSSIER}")
            total = cur.fetchone()[0]
        if mine and mine >= SQLITE_SCAN_SHARE * total:
            return f"{DOSSIER} d NOT INDEXED"
    return f"{DOSSIER} d"


def _recompute_chunk(ids: list[int], months: list[datetime.date], *, now, today, delete: bool) -> int:
    lo, hi = months[0], month_end(months[-1])
    months_cte, mparams = _months_cte(months, today)
    uin = _in(ids)
    dossiers = _dossier_source(ids)
    tr = _trunc("d.received_on")
    ts = _trunc("d.resolved_on")
    received_sql = f"""
CREATE TEMP TABLE {RECEIVED} AS
SELECT d.unit_id, {tr} AS m, d.procedure_code,
  COUNT(*) AS received,
  {_counts(RECEIPT_COUNTS)}
FROM {dossiers}
WHERE d.unit_id IN {uin} AND d.received_on >= %s AND d.received_on <= %s
GROUP BY d.unit_id, {tr}, d.procedure_code
"""
    in_bcci = "(d.unit_id, d.procedure_code) IN (SELECT unit_id, code FROM bcci)"
    sql_ctes = f"""
WITH {months_cte},
recv AS (
  SELECT r.unit_id, r.m,
    SUM(r.received) AS received_in_period, SUM(r.online) AS received_online,
    SUM(r.online_full) AS received_online_full, SUM(r.online_partial) AS received_online_partial,
    SUM(r.direct) AS received_direct, SUM(r.postal) AS received_postal,
    SUM(r.fee_bearing) AS fee_bearing, SUM(r.paid_online) AS paid_online,
    SUM({_b("p.postal_enabled")} * r.received) AS received_bcci_procedures,
    SUM({_b("p.postal_enabled")} * r.postal) AS postal_received_bcci_procedures
  FROM {RECEIVED} r
  LEFT JOIN {PROC} p ON p.unit_id = r.unit_id AND p.code = r.procedure_code
  GROUP BY r.unit_id, r.m
),
bcci AS (SELECT p.unit_id, p.code FROM {PROC} p WHERE p.unit_id IN {uin} AND p.postal_enabled),
res AS (
  -- BCCI procedures through a semi-join on the (unit, code) pairs: a hashed lookup
  -- per dossier, cheaper than grouping by procedure or joining the catalogue.
  SELECT d.unit_id, {ts} AS m,
    COUNT(*) AS resolved_total,
    {_counts(RESULT_COUNTS)},
    SUM({_b(in_bcci)}) AS resolved_bcci_procedures,
    SUM({_b(f"d.returned_by_post AND {in_bcci}")}) AS postal_returned_bcci_procedures
  FROM {dossiers}
  WHERE d.unit_id IN {uin} AND d.resolved_on >= %s AND d.resolved_on <= %s
  GROUP BY d.unit_id, {ts}
),
dkeys AS (
  SELECT k.unit_id, k.m FROM (SELECT unit_id, m FROM recv UNION SELECT unit_id, m FROM res) k
  JOIN months mo ON mo.m = k.m
),
spanning AS MATERIALIZED (
  SELECT d.unit_id, d.received_on, d.resolved_on, d.due_on FROM {dossiers}
  WHERE d.unit_id IN {uin} AND d.received_on <= %s
    AND (d.resolved_on IS NULL OR {_month_key("d.resolved_on")} <> {_month_key("d.received_on")})
),
pend AS (
  SELECT d.unit_id, mo.m,
    SUM({_b("d.received_on < mo.m")}) AS carried_over,
    SUM({_b("d.resolved_on IS NULL OR d.resolved_on > mo.m_end")}) AS pending_total,
    SUM({_b("(d.resolved_on IS NULL OR d.resolved_on > mo.m_end) AND d.due_on IS NOT NULL AND d.due_on < mo.asof")}) AS pending_overdue
  FROM spanning d
  JOIN months mo ON d.received_on <= mo.m_end AND (d.resolved_on IS NULL OR d.resolved_on >= mo.m)
  GROUP BY d.unit_id, mo.m
),
rep AS (
  SELECT r.* FROM {REPORT} r JOIN months mo ON mo.m = r.month WHERE r.unit_id IN {uin}
),
allkeys AS (SELECT unit_id, m FROM dkeys UNION SELECT unit_id, month AS m FROM rep)
"""
    params = [*mparams, *ids, *ids, lo, hi, *ids, hi, *ids]

    def d(expr: str) -> str:
        # A dossier-derived value exists only for a dossier unit-month; there a
        # missing aggregate row means zero (nothing received that month).
        return f"CASE WHEN dk.unit_id IS NOT NULL THEN COALESCE({expr}, 0) END"

    recv_in = d("recv.received_in_period")
    carried = d("pend.carried_over")
    exprs = {
        "received_total": f"COALESCE(rep.received_total, {recv_in} + {carried})",
        "received_in_period": f"COALESCE(rep.received_online + rep.received_direct_postal, {recv_in})",
        "received_online": f"COALESCE(rep.received_online, {d('recv.received_online')})",
        "received_online_full": d("recv.received_online_full"),
        "received_online_partial": d("recv.received_online_partial"),
        "received_direct": d("recv.received_direct"),
        "received_postal": f"COALESCE(rep.postal_received, {d('recv.received_postal')})",
        "received_direct_postal": f"COALESCE(rep.received_direct_postal, {d('recv.received_direct + recv.received_postal')})",
        "carried_over": f"COALESCE(rep.carried_over, {carried})",
        "resolved_total": f"COALESCE(rep.resolved_total, {d('res.resolved_total')})",
        "resolved_early": f"COALESCE(rep.resolved_early, {d('res.resolved_early')})",
        "resolved_on_time": f"COALESCE(rep.resolved_on_time, {d('res.resolved_on_time')})",
        "resolved_late": f"COALESCE(rep.resolved_late, {d('res.resolved_late')})",
        "pending_total": f"COALESCE(rep.pending_total, {d('pend.pending_total')})",
        "pending_in_time": f"COALESCE(rep.pending_in_time, {d('pend.pending_total - pend.pending_overdue')})",
        "pending_overdue": f"COALESCE(rep.pending_overdue, {d('pend.pending_overdue')})",
        "fee_bearing": f"COALESCE(rep.fee_bearing, {d('recv.fee_bearing')})",
        "paid_online": f"COALESCE(rep.paid_online, {d('recv.paid_online')})",
        "electronic_results": f"COALESCE(rep.electronic_results, {d('res.electronic_results')})",
        "e_certified_copies": f"COALESCE(rep.e_certified_copies, {d('res.e_certified_copies')})",
        "postal_received": f"COALESCE(rep.postal_received, {d('recv.received_postal')})",
        "postal_returned": f"COALESCE(rep.postal_returned, {d('res.postal_returned')})",
        # Ea Ly 2022 §II.2.g counts among the procedures deployed through BCCI: only a
        # dossier list joined with the catalogue knows that (the II.06a report does not).
        "received_bcci_procedures": d("recv.received_bcci_procedures"),
        "postal_received_bcci_procedures": d("recv.postal_received_bcci_procedures"),
        "resolved_bcci_procedures": d("res.resolved_bcci_procedures"),
        "postal_returned_bcci_procedures": d("res.postal_returned_bcci_procedures"),
        "satisfied": f"COALESCE(rep.satisfied, {d('res.satisfied')})",
        "rated": f"COALESCE(rep.rated, {d('res.rated')})",
        # No fact source yet for staff counts: stays blank (the criterion is attested).
        "staff_total": "NULL",
        "staff_with_online_dossier": "NULL",
    }
    assert set(exprs) == set(MONTHLY_CODES), set(MONTHLY_CODES) ^ set(exprs)
    cols = ", ".join(MONTHLY_CODES)
    select = ", ".join(exprs[c] for c in MONTHLY_CODES)
    insert_umd = f"""{sql_ctes}
INSERT INTO {UMD} (unit_id, month, source, computed_at, {cols})
SELECT k.unit_id, k.m,
  CASE WHEN rep.unit_id IS NOT NULL AND dk.unit_id IS NOT NULL THEN 'both'
       WHEN rep.unit_id IS NOT NULL THEN 'report' ELSE 'dossiers' END,
  %s, {select}
FROM allkeys k
LEFT JOIN dkeys dk ON dk.unit_id = k.unit_id AND dk.m = k.m
LEFT JOIN rep ON rep.unit_id = k.unit_id AND rep.month = k.m
LEFT JOIN recv ON recv.unit_id = k.unit_id AND recv.m = k.m
LEFT JOIN res ON res.unit_id = k.unit_id AND res.m = k.m
LEFT JOIN pend ON pend.unit_id = k.unit_id AND pend.m = k.m
"""
    insert_pm = f"""
INSERT INTO {PM} (unit_id, month, procedure_code, dossiers, online, postal, paid_online)
SELECT r.unit_id, r.m, r.procedure_code, r.received, r.online, r.postal_any, r.paid_online
FROM {RECEIVED} r WHERE r.procedure_code <> '' AND r.m IN {_in(months)}
"""
    with connection.cursor() as cur:
        if delete:
            cur.execute(f"DELETE FROM {UMD} WHERE unit_id IN {uin} AND month IN {_in(months)}", [*ids, *months])
            cur.execute(f"DELETE FROM {PM} WHERE unit_id IN {uin} AND month IN {_in(months)}", [*ids, *months])
        # The receipt side once per (unit, month, procedure): the procedure-month rows
        # are its rows, and the unit-month receipt counts its sums. One pass over the
        # dossiers instead of two.
        cur.execute(f"DROP TABLE IF EXISTS {RECEIVED}")
        cur.execute(received_sql, [*ids, lo, hi])
        cur.execute(insert_umd, [*params, now])
        written = _rowcount(cur)
        cur.execute(insert_pm, months)
        written += _rowcount(cur)
        cur.execute(f"DROP TABLE {RECEIVED}")
    return written


def _rowcount(cur) -> int:
    # Python's sqlite3 reports -1 for a statement that starts with WITH.
    if connection.vendor == "sqlite" and cur.rowcount < 0:
        cur.execute("SELECT changes()")
        return int(cur.fetchone()[0])
    return max(cur.rowcount, 0)
