"""Load benchmark (issue 14, item 4): the portal behind gunicorn at 3,321 communes,
20 concurrent signed-in clients of mixed roles for 60 s.

    pip install -e ".[bench]"         # gunicorn
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db> [REDIS_URL=redis://127.0.0.1:6379/<n>] \\
        .venv/bin/python bench/load_bench.py [--communes 3321] [--clients 20] [--seconds 60] [--workers 3]

1. Builds (or reuses) the database named in DATABASE_URL — PostgreSQL only, a
   database of your own: migrated, the demo loaded (``manage.py load_demo``),
   then communes added under the demo district Tam Nông (Đồng Tháp) until the
   registry holds ``--communes`` communes (3,321: the country since 01/07/2025).
   Each added commune takes part in the Tam Nông 2023 campaign, reports every
   month of 2023 (form II.06a rows, as the report import stores them) and one in
   three has a collective nomination in the first round (draft, submitted, sent
   to the council, approved); a full recomputation then writes indicators,
   criterion results and rankings. Five added communes get an officer account.
   What is already there is kept: a second run starts at once.
2. Starts gunicorn (``--workers`` sync workers, 120 s timeout, access log with
   each request's server time ``%(D)s``) with DEBUG off, as production runs it.
3. ``--clients`` threads, each signed in as one account (a session written
   straight into the session store: the sign-in form and its lockout are not
   what is measured), walk the pages of their role in a shuffled loop with no
   think time for ``--seconds`` seconds over keep-alive connections:
   home, leaderboard (the round of the district, all communes ranked),
   dashboard (the unit's own: the district's for staff and leaders, the
   commune's for officers), completeness grid, nomination list, JSON
   indicators API. Roles: staff, leader, council member (district), officers
   (communes), the administrator (superuser: sees everything).
4. Prints, per page: requests, errors (status ≥ 400 or no answer), server time
   p50/p95/p99 (gunicorn's ``%(D)s``: from the worker reading the request to the
   response written; queueing in the listen backlog excluded), the client's
   round trip p50/p95 (queueing included: 20 closed-loop clients against 3
   workers on 2 cores queue), the largest response; then requests/s overall.
   Exits 1 when a page's server p95 is above 300 ms, an error happened, or an
   HTML response is above 200 KB (issue 14, acceptance 1).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2023
CAMPAIGN = "tam-nong-2023"
DISTRICT = "DT-TAMNONG"
PREFIX = "LB-X"  # the added communes' codes
MAX_HTML = 200_000
BUDGET_MS = 300


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL phải trỏ tới PostgreSQL của riêng bạn (postgres://…/<tên>).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    import django

    django.setup()


def build(communes: int) -> None:
    """The database at ``communes`` communes, with a year of reports, participants,
    nominations and a full recomputation (idempotent: adds only what is missing)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from awards.choices import NominationStatus
    from awards.models import Nomination
    from campaigns.models import Campaign, Participant
    from organization.choices import Role, UnitKind
    from organization.models import Unit, UserProfile
    from scoring.models import UnitMonthData
    from scoring.onestop.models import MonthlyReport
    from scoring.runs import recompute_now

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(code=DISTRICT).exists():
        print("Nạp dữ liệu mẫu (load_demo)…", flush=True)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    district = Unit.objects.get(code=DISTRICT)
    campaign = Campaign.objects.get(code=CAMPAIGN)
    group = campaign.groups.get(code="xa")
    round_ = campaign.rounds.get(order=1)
    form = campaign.award_forms.get(order=1)
    missing = communes - Unit.objects.filter(kind=UnitKind.COMMUNE).count()
    changed = False
    if missing > 0:
        changed = True
        start = Unit.objects.filter(code__startswith=PREFIX).count()
        print(f"Thêm {missing:,} xã dưới {district.name}…", flush=True)
        Unit.objects.bulk_create([
            Unit(code=f"{PREFIX}{i:05d}", name=f"UBND xã Thử Tải {i:05d}", kind=UnitKind.COMMUNE, parent=district,
                 place_name=f"Thử Tải {i:05d}", sort_order=1000 + i, is_demo=True)
            for i in range(start, start + missing)
        ], batch_size=2000)
        table = Unit._meta.db_table
        with connection.cursor() as cur:  # the materialized path Unit.save() would write
            cur.execute(f"UPDATE {table} SET path = %s || id || '/', depth = %s WHERE code LIKE %s AND path = ''",
                        [district.path, district.depth + 1, PREFIX + "%"])
    added = list(Unit.objects.filter(code__startswith=PREFIX).order_by("code"))
    have = set(Participant.objects.filter(campaign=campaign, unit__in=added).values_list("unit_id", flat=True))
    Participant.objects.bulk_create([Participant(campaign=campaign, group=group, unit=u) for u in added if u.pk not in have],
                                    batch_size=2000)
    reported = set(MonthlyReport.objects.filter(unit__code__startswith=PREFIX).values_list("unit_id", flat=True).distinct())
    todo = [u.pk for u in added if u.pk not in reported]
    if todo:
        changed = True
        print(f"Báo cáo tháng năm {YEAR} cho {len(todo):,} xã…", flush=True)
        table = MonthlyReport._meta.db_table
        with connection.cursor() as cur:
            # Plausible II.06a rows: received r, 60 % online, 1/3 early, 1/20 late, some pending.
            cur.execute(
                f"""INSERT INTO {table} (unit_id, month, received_total, received_online, received_direct_postal,
                        carried_over, resolved_total, resolved_early, resolved_on_time, resolved_late, pending_total,
                        pending_in_time, pending_overdue, paid_online, fee_bearing, electronic_results, satisfied,
                        rated, updated_at)
                    SELECT u, m, r, r * 6 / 10, r - r * 6 / 10, 4, r, r / 3, r - r / 3 - r / 20, r / 20, 4, 3, 1,
                        r / 5, r / 3, r / 2, r / 2 - r / 20, r / 2, now()
                    FROM (SELECT u, m, 20 + ((u * 7 + extract(month FROM m)::int * 13) %% 90) AS r
                          FROM unnest(%s::int[]) AS u,
                               generate_series(%s::date, %s::date, interval '1 month') AS m) AS g""",
                [todo, f"{YEAR}-01-01", f"{YEAR}-12-01"],
            )
    nominated = set(Nomination.objects.filter(round=round_, unit__code__startswith=PREFIX).values_list("unit_id", flat=True))
    statuses = [NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.TO_COUNCIL, NominationStatus.APPROVED]
    Nomination.objects.bulk_create([
        Nomination(round=round_, award_form=form, subject="collective", unit=u, proposing_unit=u,
                   status=statuses[i % len(statuses)], submitted_at=timezone.now())
        for i, u in enumerate(added[::3]) if u.pk not in nominated
    ], batch_size=2000)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for u in added[:5]:
        user, _ = User.objects.get_or_create(username=f"loadbench.{u.code.lower()}", defaults={"first_name": "Cán bộ xã"})
        UserProfile.objects.get_or_create(user=user, defaults={"unit": u, "role": Role.OFFICER})
    if changed or not UnitMonthData.objects.filter(unit__code__startswith=PREFIX).exists():
        print("Tính lại toàn bộ (chỉ số, tiêu chí, xếp hạng)…", flush=True)
        t1 = time.perf_counter()
        rows = recompute_now(reason="load_bench: tính lại toàn bộ")
        print(f"  {rows:,} dòng trong {time.perf_counter() - t1:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"Cơ sở dữ liệu sẵn sàng: {Unit.objects.filter(kind=UnitKind.COMMUNE).count():,} xã "
          f"({len(added):,} thêm dưới {district.name}), "
          f"{Participant.objects.filter(campaign=campaign).count():,} đối tượng tham gia {CAMPAIGN}, "
          f"{Nomination.objects.filter(round=round_).count():,} hồ sơ đề nghị; {time.perf_counter() - t0:.0f} s", flush=True)


def plan() -> list[dict]:
    """One entry per client kind: the account, its session cookie and its pages."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.urls import reverse

    from campaigns.models import Campaign
    from organization.models import Unit
    from organization.scope import scope_unit

    campaign = Campaign.objects.get(code=CAMPAIGN)
    round_ = campaign.rounds.get(order=1)
    User = get_user_model()

    from importlib import import_module

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def session(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    def pages(user) -> dict[str, str]:
        unit = scope_unit(user) or Unit.objects.get(code=DISTRICT)
        return {
            "home": "/",
            "leaderboard": reverse("scoring:leaderboard", args=[CAMPAIGN, round_.pk]),
            "dashboard": reverse("scoring:unit_dashboard", args=[unit.pk]) + f"?year={YEAR}",
            "completeness": reverse("completeness") + f"?year={YEAR}",
            "nominations": reverse("awards:nomination_list"),
            "api": reverse("scoring:api_indicators") + f"?year={YEAR}&unit={unit.code}",
        }

    officers = ["tamnong.xa.phucuong", "tamnong.xa.anlong"] + sorted(
        User.objects.filter(username__startswith="loadbench.").values_list("username", flat=True))[:4]
    # 20 clients: 6 staff, 2 leaders, 2 council members, 8 officers, 2 administrators.
    mix = (["tamnong.thidua"] * 6 + ["tamnong.chutich"] * 2 + ["tamnong.hoidong"] * 2
           + [officers[i % len(officers)] for i in range(8)] + ["admin"] * 2)
    out = []
    for username in mix:
        user = User.objects.get(username=username)
        out.append({"user": username, "cookie": session(user), "pages": pages(user)})
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        sys.exit('gunicorn chưa được cài: .venv/bin/pip install -e ".[bench]"')
    proc = subprocess.Popen(
        [str(gunicorn), "cchc_portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "120", "--access-logfile", str(log),
         "--access-logformat", '%(s)s %(D)s %(B)s "%(U)s"'],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(log.with_suffix(".err"), "w"),  # noqa: SIM115
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/dang-nhap/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn không khởi động được: " + log.with_suffix(".err").read_text()[-2000:])


def client(port: int, spec: dict, stop: float, results: list, seed: int) -> None:
    """Closed loop, no think time: the role's pages shuffled, again and again."""
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=130)
    names = list(spec["pages"])
    while time.monotonic() < stop:
        rnd.shuffle(names)
        for name in names:
            if time.monotonic() >= stop:
                break
            path = spec["pages"][name]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": spec["cookie"], "Accept-Encoding": "identity"})
                resp = conn.getresponse()
                body = resp.read()
                status, ctype = resp.status, resp.getheader("Content-Type", "")
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=130)
                status, body, ctype = 0, b"", ""
            results.append((name, path, status, time.perf_counter() - t0, len(body), ctype, spec["user"]))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--skip", default="", help="pages left out, comma-separated (e.g. leaderboard: what the "
                        "others cost when it does not hold the cores)")
    args = parser.parse_args()

    setup_django()
    build(args.communes)
    if args.build_only:
        return 0
    specs = plan()
    skipped = {p for p in args.skip.split(",") if p}
    for spec in specs:
        spec["pages"] = {k: v for k, v in spec["pages"].items() if k not in skipped}
    from django.db import connections

    connections.close_all()

    tmp = Path(tempfile.mkdtemp(prefix="cchc-load-bench-"))
    log = tmp / "access.log"
    port = free_port()
    server = start_gunicorn(port, args.workers, log)
    try:
        # Warm-up: one pass of every page for every kind of client (imports, caches),
        # then the access log starts from the measured requests only.
        for spec in {s["user"]: s for s in specs}.values():
            for name, path in spec["pages"].items():
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=130)
                c.request("GET", path, headers={"Cookie": spec["cookie"]})
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    print(f"Khởi động: {spec['user']} {name} {path} → HTTP {r.status}")
                c.close()
        warm_lines = len(log.read_text().splitlines()) if log.exists() else 0
        results: list = []
        stop = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(port, specs[i % len(specs)], stop, results, i))
                   for i in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        time.sleep(0.5)  # the access log is written after the response
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # Server time per path from the access log (measured requests only).
    server_ms: dict[str, list[float]] = defaultdict(list)
    line_re = re.compile(r'^(\d{3}) (\d+) (\S+) "(.*)"$')
    for line in log.read_text().splitlines()[warm_lines:]:
        m = line_re.match(line.strip())
        if m:
            server_ms[m.group(4)].append(int(m.group(2)) / 1000)
    # %(U)s is the path without the query string.
    path_page = {path.split("?")[0]: name for s in specs for name, path in s["pages"].items()}
    by_page: dict[str, list[float]] = defaultdict(list)
    for path, times in server_ms.items():
        if path in path_page:
            by_page[path_page[path]].extend(times)

    print(f"\n{args.clients} máy khách, {args.seconds:.0f} s, gunicorn {args.workers} worker, "
          f"{len(results):,} yêu cầu trong {elapsed:.1f} s = {len(results) / elapsed:.1f} yêu cầu/s")
    print(f"{'trang':<13} {'số yc':>6} {'lỗi':>4} {'máy chủ p50':>12} {'p95':>7} {'p99':>7} "
          f"{'khứ hồi p50':>12} {'p95':>7} {'lớn nhất':>10}")
    ok = True
    pages = [p for p in ("home", "leaderboard", "dashboard", "completeness", "nominations", "api") if p not in skipped]
    for name in pages:
        rows = [r for r in results if r[0] == name]
        errors = [r for r in rows if r[2] == 0 or r[2] >= 400]
        rt = [r[3] * 1000 for r in rows]
        st = by_page.get(name, [])
        biggest = max((r[4] for r in rows), default=0)
        html_big = max((r[4] for r in rows if "html" in r[5]), default=0)
        print(f"{name:<13} {len(rows):>6} {len(errors):>4} {pct(st, 50):>10.0f}ms {pct(st, 95):>5.0f}ms "
              f"{pct(st, 99):>5.0f}ms {pct(rt, 50):>10.0f}ms {pct(rt, 95):>5.0f}ms {biggest / 1024:>8.0f}KiB")
        for r in errors[:3]:
            print(f"    lỗi: {r[6]} {r[1]} → {r[2] or 'không trả lời'}")
        if errors or html_big > MAX_HTML or not st or pct(st, 95) > BUDGET_MS:
            ok = False
    by_user: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_user[r[6]].append(r[3] * 1000)
    print("khứ hồi p50 theo tài khoản: " + ", ".join(f"{u} {statistics.median(v):.0f}ms" for u, v in sorted(by_user.items())))
    print(f"Ngân sách (issue 14): p95 máy chủ ≤ {BUDGET_MS} ms mỗi trang, 0 lỗi, HTML ≤ {MAX_HTML // 1000} KB: "
          + ("ĐẠT" if ok else "CHƯA ĐẠT"))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
