"""A fresh install computes (issue 15, part 9 and acceptance 2).

On a database built by ``migrate`` plus units only — no demo — the default indicators
exist (data migration ``scoring/0003_default_indicators``), and importing a procedure
catalogue and two months of dossiers with ``manage.py import_onestop`` gives the
indicators through ``manage.py indicators --json``. The files are generated here and
every figure asserted is computed by hand from them (see ``TWO_MONTHS``).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import Campaign
from scoring.defaults import CORRECTED, default_specs
from scoring.models import IndicatorDefinition
from scoring.onestop.models import ImportKind
from scoring.onestop.xlsx import build_workbook

D = datetime.date
MIGRATION = ("scoring", "0003_default_indicators")

#: The catalogue: code → (online level, fee, deployed through BCCI). Online procedures:
#: 1.001, 1.002, 1.004; BCCI: 1.001, 1.002.
CATALOGUE = {
    "1.001": ("Toàn trình", "Có", "Có"),
    "1.002": ("Một phần", "Không", "Có"),
    "1.003": ("Không", "Không", "Không"),
    "1.004": ("Toàn trình", "Không", "Không"),
}


def _row(code, procedure, channel, received, due, resolved=None, *, level="", fee="Không", paid="Không",
         eres="Không", post="Không", sat=None) -> list:
    """A dossier row in the template's column order (``parsing.DOSSIER_COLUMNS``)."""
    return [code, procedure, f"Thủ tục {procedure}", "Hộ tịch", "", channel, level, received, due, resolved,
            resolved, "", fee, paid, eres, "Không", post, sat]


#: March and April 2023. HS-305 is pending (overdue) in March's file and resolved
#: late in April's: upserted, counted once.
TWO_MONTHS = {
    "ho-so-thang-03-2023.xlsx": [
        _row("HS-301", "1.001", "Trực tuyến", D(2023, 3, 1), D(2023, 3, 5), D(2023, 3, 3), level="Toàn trình",
             fee="Có", paid="Có", eres="Có", sat=3),                                    # early
        _row("HS-302", "1.001", "Bưu chính công ích", D(2023, 3, 2), D(2023, 3, 6), D(2023, 3, 6), fee="Có",
             post="Có"),                                                                 # on time, by post
        _row("HS-303", "1.002", "Trực tiếp", D(2023, 3, 3), D(2023, 3, 7), D(2023, 3, 9), post="Có"),  # late
        _row("HS-304", "1.003", "Trực tiếp", D(2023, 3, 4), D(2023, 3, 8), D(2023, 3, 8), sat=1),     # on time
        _row("HS-305", "1.003", "Bưu chính công ích", D(2023, 3, 5), D(2023, 3, 10)),                 # pending
    ],
    "ho-so-thang-04-2023.xlsx": [
        _row("HS-305", "1.003", "Bưu chính công ích", D(2023, 3, 5), D(2023, 3, 10), D(2023, 4, 12),
             post="Có"),                                                                 # late, by post
        _row("HS-401", "1.004", "Trực tuyến", D(2023, 4, 3), D(2023, 4, 7), D(2023, 4, 5), level="Toàn trình",
             eres="Có", sat=3),                                                          # early
        _row("HS-402", "1.002", "Trực tiếp", D(2023, 4, 4), D(2023, 4, 10), D(2023, 4, 10), sat=2),   # on time
        _row("HS-403", "1.001", "Trực tiếp", D(2023, 4, 5), D(2023, 4, 20)),            # pending, overdue 30/04
    ],
}

#: By hand, March–April 2023 (code → numerator, denominator, value):
EXPECTED = {
    # received 8 (5 + 3 new); online HS-301, HS-401
    "online_dossier_rate": (2, 8, 25),
    # online procedures 3; with an online dossier: 1.001, 1.004
    "online_procedure_rate": (2, 3, Decimal("66.6667")),
    # with any dossier: 1.001, 1.002, 1.004
    "online_procedure_active_rate": (3, 3, 100),
    # resolved 7; early 301, 401; on time 302, 304, 402 (HS-403, pending overdue, counts in late_dossiers)
    "on_time_rate": (5, 7, Decimal("71.4286")),
    # late 303, 305 + pending overdue 403
    "late_dossiers": (3, None, 3),
    "digitized_result_rate": (2, 7, Decimal("28.5714")),
    # rated 301 (3), 304 (1), 401 (3), 402 (2); satisfied = at least 2
    "satisfaction_rate": (3, 4, 75),
    # fee-bearing 301, 302; paid online 301
    "online_payment_rate": (1, 2, 50),
    # BCCI procedures 1.001, 1.002 both with a postal dossier (302 received, 303 returned);
    # 1.003's postal dossier does not count (not deployed through BCCI: 150 % before the fix)
    "bcci_procedure_rate": (2, 2, 100),
    # received of BCCI procedures: 301, 302, 303, 402, 403; by post 302
    "bcci_received_rate": (1, 5, 20),
    # resolved of BCCI procedures: 301, 302, 303, 402; returned by post 302, 303
    "bcci_returned_rate": (2, 4, 50),
}


def write_files(folder: Path, prefix: str = "") -> dict[str, Path]:
    """The catalogue and the two monthly dossier files, as an officer would upload them
    (dossier codes start with ``prefix``: a code is unique across units)."""
    files = {"danh-muc-tthc.xlsx": folder / "danh-muc-tthc.xlsx"}
    files["danh-muc-tthc.xlsx"].write_bytes(build_workbook(ImportKind.CATALOG, [
        [code, f"Thủ tục {code}", "Hộ tịch", level, fee, bcci] for code, (level, fee, bcci) in CATALOGUE.items()
    ]))
    for name, rows in TWO_MONTHS.items():
        files[name] = folder / name
        files[name].write_bytes(build_workbook(ImportKind.DOSSIERS, [[prefix + row[0], *row[1:]] for row in rows]))
    return files


def import_all(files: dict[str, Path], unit_code: str, *, user: str | None = None) -> str:
    """``manage.py import_onestop … --commit`` for each file in order; the printed output."""
    out = io.StringIO()
    for name, path in files.items():
        kind = ImportKind.CATALOG if name.startswith("danh-muc") else ImportKind.DOSSIERS
        args = [str(path), "--unit", unit_code, "--kind", kind, "--commit"]
        if user:
            args += ["--user", user]
        call_command("import_onestop", *args, stdout=out)
    return out.getvalue()


def migrate_defaults() -> None:
    """Run the data migration's own code on the historical models, as ``migrate`` does
    (a transactional test earlier in the session may have flushed the table)."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(MIGRATION)
    module = executor.loader.get_migration(*MIGRATION)
    module.operations[0].code(state.apps, None)


def test_migrate_alone_creates_the_default_indicators(tmp_path):
    """A real ``manage.py migrate`` on an empty SQLite file: every default definition
    exists once, each citing its text (idempotence: the next test)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SQLITE_PATH"] = str(tmp_path / "fresh.sqlite3")
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    count = ("from scoring.models import IndicatorDefinition as I; "
             "print(I.objects.count(), I.objects.exclude(basis='').count(), I.objects.values('code').distinct().count())")
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run([*manage, "shell", "-c", count], env=env, check=True, capture_output=True, text=True,
                          timeout=120)
    n = len(default_specs())
    assert done.stdout.split()[-3:] == [str(n), str(n), str(n)], done.stdout + done.stderr


@pytest.mark.django_db
def test_data_migration_is_idempotent_and_corrects_only_unchanged_formulas():
    IndicatorDefinition.objects.all().delete()
    migrate_defaults()
    migrate_defaults()
    assert IndicatorDefinition.objects.count() == len(default_specs())
    # An older install: one definition with the earlier BCCI formula, one that staff changed.
    old = CORRECTED["bcci_received_rate"][0]
    IndicatorDefinition.objects.filter(code="bcci_received_rate").update(basis="", **old)
    IndicatorDefinition.objects.filter(code="on_time_rate").update(denominator="resolved_total + 0")
    migrate_defaults()
    received = IndicatorDefinition.objects.get(code="bcci_received_rate")
    assert (received.numerator, received.denominator) == ("postal_received_bcci_procedures", "received_bcci_procedures")
    assert "Ea Ly" in received.basis
    assert IndicatorDefinition.objects.get(code="on_time_rate").denominator == "resolved_total + 0"


@pytest.mark.django_db
def test_catalogue_and_two_months_through_the_commands_give_the_indicators(tmp_path, django_capture_on_commit_callbacks):
    from organization.choices import UnitKind
    from organization.models import Unit

    if not IndicatorDefinition.objects.exists():
        migrate_defaults()
    assert not Campaign.objects.exists()  # no demo: migrate plus units only
    province = Unit.objects.create(code="T-MOI", name="UBND tỉnh Mới", kind=UnitKind.PROVINCE)
    Unit.objects.create(code="X-MOI", name="UBND xã Mới", kind=UnitKind.COMMUNE, parent=province)
    get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")

    # The recomputation each commit requests runs after the commit, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        printed = import_all(write_files(tmp_path), "X-MOI")
    assert printed.count("Lượt tải số") == 3, printed

    for unit_code in ("X-MOI", "T-MOI"):  # the province = Σ over its subtree (one commune here)
        out = io.StringIO()
        call_command("indicators", "--unit", unit_code, "--from", "2023-03", "--to", "2023-04", "--json", stdout=out)
        payload = json.loads(out.getvalue())
        assert (payload["unit"], payload["from"], payload["to"]) == (unit_code, "2023-03", "2023-04")
        got = {i["code"]: i for i in payload["indicators"]}
        for code, (num, den, value) in EXPECTED.items():
            item = got[code]
            assert (item["numerator"], item["denominator"]) == (num, den), (code, item)
            assert Decimal(str(item["value"])) == Decimal(value), (code, item)
        # Measured from the one-stop facts: QĐ 766 group 2 = 20 × 5 / 8.
        assert got["qd766_group2"]["value"] == 12.5


@pytest.mark.django_db
def test_a_file_that_cannot_measure_something_needs_accept_gaps(tree, tmp_path, officer_a):
    """No "Đánh giá hài lòng" column: the command names what cannot be measured and
    records the file only with --accept-gaps (the page's tick)."""
    from django.core.management.base import CommandError

    from scoring.onestop.models import Dossier
    from tests.onestop.helpers import xlsx

    path = tmp_path / "ho-so-thieu-cot.xlsx"
    header = ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày giải quyết xong"]
    path.write_bytes(xlsx([header, ["HS-G1", "1.001", "Trực tuyến", D(2023, 3, 1), D(2023, 3, 5), D(2023, 3, 3)]]))
    call_command("import_onestop", str(write_files(tmp_path)["danh-muc-tthc.xlsx"]), "--unit", "XA-A", "--kind", "catalog",
                 "--commit", "--user", officer_a.username, stdout=io.StringIO())
    args = [str(path), "--unit", "XA-A", "--commit", "--user", officer_a.username]
    out = io.StringIO()
    with pytest.raises(CommandError, match="không đo được"):
        call_command("import_onestop", *args, stdout=out)
    assert "Không đo được:" in out.getvalue() and not Dossier.objects.filter(code="HS-G1").exists()
    call_command("import_onestop", *args, "--accept-gaps", stdout=io.StringIO())
    assert Dossier.objects.filter(code="HS-G1").exists()
