"""Benchmark: full recomputation of every data element for 3,321 units × 12 months
from 1,000,000 dossiers on PostgreSQL (set-based SQL, no per-row Python).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_scoring \\
        .venv/bin/python bench/recompute_bench.py [--units 3321] [--dossiers 1000000]

It never touches the database named in DATABASE_URL: it works in a sibling
database ``<name>_bench`` (created and migrated if missing) and prints the time of
data generation, of the full recomputation, of indicator queries, and the peak
RSS of this process (PostgreSQL's own memory is not included).
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
    with connection.cursor() as cur:
        cur.execute("TRUNCATE scoring_unitmonthdata, scoring_proceduremonth, scoring_criterionresult, "
                    f"{Dossier._meta.db_table}, {Procedure._meta.db_table} CASCADE")
        cur.execute("DELETE FROM organization_unit WHERE code LIKE 'BENCH-%%'")
    root = Unit.objects.create(code="BENCH-TINH", name="Tỉnh (benchmark)", kind="province")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO organization_unit (code, name, short_name, kind, parent_id, path, depth, place_name, is_active, "
            "is_demo, sort_order, email) "
            "SELECT 'BENCH-X' || g, 'Xã ' || g, '', 'commune', %s, '', 1, '', true, true, g, '' FROM generate_series(1, %s) g",
            [root.pk, n_units],
        )
        cur.execute("UPDATE organization_unit SET path = %s || id || '/' WHERE parent_id = %s", [root.path, root.pk])
        cur.execute("SELECT array_agg(id ORDER BY id) FROM organization_unit WHERE parent_id = %s", [root.pk])
        unit_ids = cur.fetchone()[0]
    _insert_procedures(connection, unit_ids, args.procedures)
    _insert_dossiers(connection, unit_ids, args.dossiers, year, args.procedures)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Dossier._meta.db_table}")
    t_generate = time.perf_counter() - t0

    t1 = time.perf_counter()
    rows = recompute_now(reason="benchmark")
    t_recompute = time.perf_counter() - t1

    t2 = time.perf_counter()
    province = values_for([root.pk], Period.year_of(year))[root.pk]
    t_province = time.perf_counter() - t2
    t3 = time.perf_counter()
    values_for(unit_ids[:500], Period.year_of(year))
    t_500 = time.perf_counter() - t3
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rate = province["online_dossier_rate"]
    print(f"Máy: {os.cpu_count()} CPU, PostgreSQL {connection.cursor().connection.info.server_version}")
    print(f"Dữ liệu: {n_units:,} đơn vị × 12 tháng, {args.dossiers:,} hồ sơ, {n_units * args.procedures:,} TTHC "
          f"(sinh trong {t_generate:.1f} s)")
    print(f"Tính lại toàn bộ (set-based SQL, 1 giao dịch): {t_recompute:.2f} s, {rows:,} dòng ghi")
    print(f"Chỉ số cả tỉnh năm {year} (22 chỉ số, Σ tử/Σ mẫu): {t_province * 1000:.0f} ms; "
          f"% hồ sơ trực tuyến = {rate.numerator}/{rate.denominator} = {rate.value}")
    print(f"Chỉ số của 500 đơn vị cùng lúc: {t_500 * 1000:.0f} ms")
    print(f"RSS đỉnh của tiến trình Python: {peak_mib:.0f} MiB")


def _insert_procedures(connection, unit_ids: list[int], per_unit: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO onestop_procedure (unit_id, code, name, field, online_level, fee_bearing, postal_enabled, last_batch_id) "
            "SELECT u, 'P' || p, 'Thủ tục ' || p, '', (ARRAY['full','partial','none'])[1 + p %% 3], p %% 4 = 0, true, NULL "
            "FROM unnest(%s::bigint[]) u, generate_series(1, %s) p",
            [unit_ids, per_unit],
        )


def _insert_dossiers(connection, unit_ids: list[int], n: int, year: int, procedures: int) -> None:
    """1,000,000 dossiers generated inside PostgreSQL; columns not listed take the
    model default, so fields added later to Dossier do not break the benchmark."""
    from scoring.onestop.models import Dossier

    k = len(unit_ids)
    start = f"DATE '{year}-01-01'"
    generated = {
        "code": "'B-' || g",
        "unit_id": "(%s::bigint[])[1 + g %% " + str(k) + "]",
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
    cols, exprs, params = [], [], [unit_ids]
    for f in Dossier._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.name in generated or f.column in generated:
            exprs.append(generated.get(f.name) or generated[f.column])
        elif f.null:
            exprs.append("NULL")
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_value(f.get_default(), connection))
    sql = (f"INSERT INTO {Dossier._meta.db_table} ({', '.join(cols)}) "
           f"SELECT {', '.join(exprs)} FROM generate_series(1, {n}) AS g")
    with connection.cursor() as cur:
        cur.execute(sql, params)


if __name__ == "__main__":
    main()
