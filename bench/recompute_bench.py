"""Benchmark: full recomputation of every data element for 3,321 units × 12 months
from 1,000,000 dossiers on PostgreSQL (set-based SQL, no per-row Python), and the
recompute one commune's monthly file triggers (issue 14, acceptance 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_scoring \\
        .venv/bin/python bench/recompute_bench.py [--units 3321] [--dossiers 1000000]

It never touches the database named in DATABASE_URL: it works in a sibling
database ``<name>_bench`` (created and migrated if missing) and prints the time of
data generation, of the full recomputation against a bare ``SELECT … GROUP BY
unit, month`` over the same dossier table (the ratio, in this run), of indicator
queries, of the recompute after one commune's monthly file (the run the import's
``facts_committed`` signal starts: that commune's months, then the criteria of the
open round of a campaign in which every commune takes part — threshold, highest
in group, one measured on the province's result, one attested — evaluated only
where they changed), and the peak RSS of this process (PostgreSQL's own memory is
not included).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL phải trỏ tới PostgreSQL (postgres://…).")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=3321)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--procedures", type=int, default=40, help="TTHC mỗi đơn vị trong danh mục")
    parser.add_argument("--uploads", type=int, default=5, help="số lần tải tệp tháng của một xã được đo")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    os.environ.pop("REDIS_URL", None)  # the recomputation runs in this process
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.periods import Period
    from organization.models import Unit
    from scoring.defaults import ensure_default_indicators
    from scoring.engine import values_for
    from scoring.onestop.models import Dossier, Procedure
    from scoring.runs import recompute_now

    call_command("migrate", verbosity=0)
    ensure_default_indicators()
    n_units, year = args.units, args.year
    t0 = time.perf_counter()
    from campaigns.models import Campaign, Participant

    Participant.objects.filter(campaign__code=BENCH_CAMPAIGN).delete()  # PROTECTs its group
    Campaign.objects.filter(code=BENCH_CAMPAIGN).delete()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE scoring_unitmonthdata, scoring_proceduremonth, scoring_criterionresult, "
                    f"{Dossier._meta.db_table}, {Procedure._meta.db_table} CASCADE")
    # Units of an earlier run stay (runs and the append-only audit trail name them);
    # each run makes its own province, with no dossier left under the old ones.
    stamp = f"BENCH-{int(time.time())}"
    root = Unit.objects.create(code=f"{stamp}-TINH", name="Tỉnh (benchmark)", kind="province")
    # Through the ORM, so that columns added to Unit later take their defaults.
    Unit.objects.bulk_create([Unit(code=f"{stamp}-X{g}", name=f"Xã {g}", kind="commune", parent=root, depth=1,
                                   is_demo=True, sort_order=g) for g in range(1, n_units + 1)], batch_size=2000)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {Unit._meta.db_table} SET path = %s || id || '/' WHERE parent_id = %s", [root.path, root.pk])
        cur.execute(f"SELECT array_agg(id ORDER BY id) FROM {Unit._meta.db_table} WHERE parent_id = %s", [root.pk])
        unit_ids = cur.fetchone()[0]
    _insert_procedures(connection, unit_ids, args.procedures)
    _insert_dossiers(connection, unit_ids, args.dossiers, year, args.procedures)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Dossier._meta.db_table}")
    round_ = _campaign(root, unit_ids, year)
    t_generate = time.perf_counter() - t0

    bare = [_bare_group_by(connection)]
    _time_stages()
    t1 = time.perf_counter()
    rows = recompute_now(reason="benchmark")
    t_recompute = time.perf_counter() - t1
    full_split = dict(SPENT)
    bare += [_bare_group_by(connection) for _ in range(2)]
    t_bare = sorted(bare)[1]
    from scoring.models import CriterionResult

    n_results = CriterionResult.objects.filter(round=round_).count()
    uploads = _uploads(connection, unit_ids, year, args.uploads)

    t2 = time.perf_counter()
    province = values_for([root.pk], Period.year_of(year))[root.pk]
    t_province = time.perf_counter() - t2
    t3 = time.perf_counter()
    values_for(unit_ids[:500], Period.year_of(year))
    t_500 = time.perf_counter() - t3
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rate = province["online_dossier_rate"]
    print(f"Máy: {os.cpu_count()} CPU, PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"tải trung bình lúc kết thúc {os.getloadavg()[0]:.1f}")
    print(f"Dữ liệu: {n_units:,} đơn vị × 12 tháng, {args.dossiers:,} hồ sơ, {n_units * args.procedures:,} TTHC "
          f"(sinh trong {t_generate:.1f} s)")
    print(f"Tính lại toàn bộ (set-based SQL + {n_results:,} kết quả tiêu chí của {len(unit_ids):,} đối tượng, 1 giao dịch): "
          f"{t_recompute:.2f} s (số liệu {full_split['data']:.2f} s, tiêu chí {full_split['criteria']:.2f} s), "
          f"{rows:,} dòng ghi")
    print(f"SELECT unit, tháng, COUNT(*) … GROUP BY unit, tháng trên cùng bảng hồ sơ (trung vị của 3): {t_bare:.2f} s "
          f"→ tỷ lệ tính lại toàn bộ / GROUP BY trần = {t_recompute / t_bare:.1f}")
    times = sorted(u["seconds"] for u in uploads)
    print(f"Tính lại sau tệp tháng của MỘT xã ({len(uploads)} lần, mỗi lần một xã khác; từ tín hiệu facts_committed "
          f"đến lượt tính xong): trung vị {times[len(times) // 2]:.3f} s, lớn nhất {times[-1]:.3f} s "
          f"(mục tiêu ≤ 1 s)")
    for u in uploads:
        print(f"  xã #{u['unit']} tháng {u['month']:%m/%Y}{' (40 hồ sơ đều trực tuyến)' if u['worst'] else ''}: "
              f"{u['seconds']:.3f} s (số liệu {u['data']:.3f} s, tiêu chí {u['criteria']:.3f} s) — "
              f"{u['evaluations']} lượt đánh giá "
              f"tiêu chí, {u['group_updates']} hạng trong nhóm viết lại từ giá trị đã lưu "
              f"(tính lại toàn bộ: {n_results:,} kết quả)")
    print(f"Chỉ số cả tỉnh năm {year} (22 chỉ số, Σ tử/Σ mẫu): {t_province * 1000:.0f} ms; "
          f"% hồ sơ trực tuyến = {rate.numerator}/{rate.denominator} = {rate.value}")
    print(f"Chỉ số của 500 đơn vị cùng lúc: {t_500 * 1000:.0f} ms")
    print(f"RSS đỉnh của tiến trình Python: {peak_mib:.0f} MiB")


BENCH_CAMPAIGN = "bench-thi-dua-cchc"


def _campaign(root, unit_ids: list[int], year: int):
    """A campaign of the province in which every commune takes part, with its
    year-end round open: the criteria the one-commune recompute must re-evaluate."""
    import datetime
    from decimal import Decimal

    from campaigns.choices import (
        CampaignKind,
        CampaignStatus,
        Comparator,
        CriterionKind,
        MeasuredOn,
        RoundKind,
        Subject,
    )
    from campaigns.models import Campaign, Criterion, Participant, ParticipantGroup, Round

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    campaign = Campaign.objects.create(code=BENCH_CAMPAIGN, title="Thi đua CCHC (benchmark)", kind=CampaignKind.THEMATIC,
                                       issuing_unit=root, start_date=start, end_date=end, status=CampaignStatus.LAUNCHED)
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="UBND các xã", subject=Subject.COLLECTIVE)
    round_ = Round.objects.create(campaign=campaign, name=f"Tổng kết năm {year}", kind=RoundKind.YEAR_END,
                                  period_start=start, period_end=end)
    specs = [
        {"code": "truc-tuyen", "comparator": Comparator.GTE, "threshold": Decimal(30), "max_points": Decimal(10)},
        {"code": "dung-han", "indicator_code": "on_time_rate", "comparator": Comparator.GTE, "threshold": Decimal(90)},
        {"code": "cao-nhat", "comparator": Comparator.MAX},
        {"code": "ca-tinh", "comparator": Comparator.GTE, "threshold": Decimal(30), "measured_on": MeasuredOn.ISSUER},
        {"code": "minh-chung", "kind": CriterionKind.ATTESTATION, "indicator_code": ""},
    ]
    for i, spec in enumerate(specs, 1):
        Criterion.objects.create(campaign=campaign, subject=Subject.COLLECTIVE, order=i, text=f"Tiêu chí {i}",
                                 **{"kind": CriterionKind.INDICATOR, "indicator_code": "online_dossier_rate", **spec})
    Participant.objects.bulk_create([Participant(campaign=campaign, group=group, unit_id=u) for u in unit_ids],
                                    batch_size=1000)
    return round_


def _bare_group_by(connection) -> float:
    """The reference: one pass over the dossier table grouped by unit and month."""
    from scoring.onestop.models import Dossier

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT unit_id, date_trunc('month', received_on), COUNT(*) FROM {Dossier._meta.db_table} "
                    "GROUP BY unit_id, date_trunc('month', received_on)")
        cur.fetchall()
    return time.perf_counter() - t


#: Seconds spent in the two stages of the runs timed (``_time_stages``).
SPENT: dict[str, float] = {}


def _time_stages() -> None:
    """Where a run's time goes: the data of its units × months, then the criteria
    (the rest is the run's own bookkeeping: row, claim, lock, audit events)."""
    from scoring import runs

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                SPENT[name] = SPENT.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    runs.recompute_units = timed("data", runs.recompute_units)
    runs.reevaluate_for = timed("criteria", runs.reevaluate_for)


def _uploads(connection, unit_ids: list[int], year: int, n: int) -> list[dict]:
    """One commune's monthly file, ``n`` times (a different commune each time): its
    month's dossiers change as an import's upsert changes them (new dossiers, some
    resolved), then the import's hand-off (``facts_committed``) starts the run —
    in-process here, as the Celery task would run it."""
    import datetime

    from scoring.criteria import stats
    from scoring.models import RecomputeRun
    from scoring.onestop.models import Dossier, ImportBatch
    from scoring.onestop.signals import facts_committed

    table = Dossier._meta.db_table
    out = []
    for i in range(n):
        unit = unit_ids[(i * 997 + 13) % len(unit_ids)]
        month = datetime.date(year, 1 + (i * 5) % 12, 1)
        # The same channel mix as the generated data (a third online), except the last
        # file: all online. How many stored group places move depends on the data
        # (the generator gives a third of the communes 100 % online and the rest 0 %:
        # a commune leaving 0 % passes ~2,200 others, each of whose rank is rewritten).
        worst = i == n - 1
        new = [Dossier(code=f"BENCH-UP-{i}-{k}", unit_id=unit, procedure_code=f"P{1 + k % 7}",
                       channel="online" if worst or k % 3 == 0 else "direct", online_level="full",
                       received_on=month.replace(day=3),
                       due_on=month.replace(day=13), resolved_on=month.replace(day=12) if k % 4 else None)
               for k in range(40)]
        Dossier.objects.bulk_create(new)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET resolved_on = received_on + 5 WHERE unit_id = %s AND resolved_on IS NULL "
                        "AND received_on >= %s AND received_on < %s + interval '1 month'", [unit, month, month])
        stats.reset()
        SPENT.clear()
        t = time.perf_counter()
        facts_committed.send(sender=ImportBatch, unit_months={unit: {month}}, actor=None, reason="import:benchmark",
                             batch=None)
        seconds = time.perf_counter() - t
        run = RecomputeRun.objects.order_by("-pk").first()
        assert run is not None and run.unit_ids == [unit] and run.status == "done", run
        out.append({"unit": unit, "month": month, "seconds": seconds, "evaluations": stats.evaluations,
                    "group_updates": stats.group_updates, "worst": worst, **SPENT})
    return out


def _insert_generated(connection, model, generated: dict[str, str], source: str, params: list) -> None:
    """``INSERT … SELECT`` of generated rows; columns not in ``generated`` take the
    model default (or NULL), so fields added later to the model do not break the
    benchmark. ``params`` are those of the ``generated`` expressions, then of ``source``."""
    cols, exprs, defaults = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.name in generated or f.column in generated:
            exprs.append(generated.get(f.name) or generated[f.column])
        elif f.null:
            exprs.append("NULL")
        else:
            exprs.append("%s")
            defaults.append(f.get_db_prep_value(f.get_default(), connection))
    # Generated expressions only use params through ``source``'s placeholders (after the defaults).
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cur:
        cur.execute(sql, [*defaults, *params])


def _insert_procedures(connection, unit_ids: list[int], per_unit: int) -> None:
    from scoring.onestop.models import Procedure

    generated = {
        "unit_id": "u", "code": "'P' || p", "name": "'Thủ tục ' || p",
        "online_level": "(ARRAY['full','partial','none'])[1 + p %% 3]", "fee_bearing": "p %% 4 = 0",
        "postal_enabled": "true",
    }
    _insert_generated(connection, Procedure, generated, "unnest(%s::bigint[]) u, generate_series(1, %s) p",
                      [unit_ids, per_unit])


def _insert_dossiers(connection, unit_ids: list[int], n: int, year: int, procedures: int) -> None:
    """1,000,000 dossiers generated inside PostgreSQL."""
    from scoring.onestop.models import Dossier

    k = len(unit_ids)
    start = f"DATE '{year}-01-01'"
    generated = {
        "code": "'B-' || g",
        "unit_id": "ids.a[1 + g %% " + str(k) + "]",
        "procedure_code": f"'P' || (1 + (g / 7) %% {procedures})",
        "channel": "(ARRAY['online','direct','postal'])[1 + (g / 3) %% 3]",
        "online_level": "CASE WHEN g %% 2 = 0 THEN 'full' ELSE 'partial' END",
        "received_on": f"{start} + (g / {k}) %% 365",
        "due_on": f"{start} + (g / {k}) %% 365 + 10",
        "resolved_on": f"CASE WHEN g %% 13 = 0 THEN NULL ELSE {start} + (g / {k}) %% 365 + (g %% 14) END",
        "fee_bearing": "g %% 4 = 0",
        "paid_online": "g %% 8 = 0",
        "electronic_result": "g %% 3 = 0",
        "e_certified_copy": "g %% 17 = 0",
        "returned_by_post": "g %% 9 = 0",
        "satisfaction": "CASE WHEN g %% 5 = 0 THEN NULL ELSE 1 + g %% 3 END",
        "updated_at": "now()",
    }
    _insert_generated(connection, Dossier, generated, f"(SELECT %s::bigint[] AS a) ids, generate_series(1, {n}) AS g",
                      [unit_ids])


if __name__ == "__main__":
    main()
