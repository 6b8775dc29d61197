"""Benchmark: the worst hostile files of issue 10, read the way an upload reads them.

    .venv/bin/python bench/hostile_bench.py [--memory-mb 2048] [--cpu-s 120]

For each file (generated here, a few KB each) it prints the outcome (the first
words of the message the batch would show), the wall seconds, and the parse
child's peak RSS and CPU seconds, twice:

  guarded   as configured: the measurement from the file's own XML records
            (``readers.measure_xlsx``) first, then the child under
            RLIMIT_AS/RLIMIT_CPU (``sandbox``);
  child only  the measurement switched off (limits set absurdly high): what the
            last guard, the child's memory and CPU limits, does alone.

"dừng khi đo": the measurement (in this process, while the child starts) refused
the file and killed the child, whose figures up to then are printed. Peak RSS is
the child's ``ru_maxrss`` (it includes the pages it shares with this
process at the fork; this process's own peak is printed for reference). The
child reads the file and validates its rows as in production; nothing touches a
database (the validation context is empty, so the reading stops at the first
check that needs one). Before issue 10 the first three files aborted the process
(a dense 512 GiB range), the merges took 6 minutes and the ten XFD sheets 4–5.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mb", type=int, default=None, help="ONESTOP_PARSE_MEMORY_MB (default: settings)")
    parser.add_argument("--cpu-s", type=int, default=None, help="ONESTOP_PARSE_CPU_SECONDS (default: settings)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings

    from scoring.onestop import preview, sandbox
    from scoring.onestop.readers import FileRejected
    from scoring.onestop.validation import Context
    from tests.onestop import test_hostile_files as hostile

    if args.memory_mb is not None:
        settings.ONESTOP_PARSE_MEMORY_MB = args.memory_mb
    if args.cpu_s is not None:
        settings.ONESTOP_PARSE_CPU_SECONDS = args.cpu_s
    cell = hostile._cell
    valid = hostile._valid_dossiers()
    files = {
        "ô XFD1048576 trong tệp hợp lệ": hostile._sheet_xml(valid, hostile._append_rows(
            b'<row r="1048576">' + cell("XFD1048576", "x") + b"</row>")),
        "ô A1048576 trong tệp hợp lệ": hostile._sheet_xml(valid, hostile._append_rows(
            b'<row r="1048576">' + cell("A1048576", "x") + b"</row>")),
        "tiêu đề ở cột XFD, 2.000 dòng": hostile._header_xfd_2000_rows(),
        "3.000 vùng gộp A:XFD trên 30 dòng": hostile._merges_far(),
        "chữ ở cột XFD, 30 dòng × 10 trang": hostile._xfd_sheets(),
        "25.000 vùng gộp ô": hostile.raw_xlsx([b'<row r="1">' + cell("A1", "x") + b"</row>|"
                                              + b'<mergeCell ref="A1:B1"/>' * 25_000]),
        "60.000 chuỗi dùng chung": hostile._shared_strings_flood(),
        "bom zip 25 MB": hostile._zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (25 << 20)}),
        "ô 100.000 ký tự": hostile.dossier_file([hostile.dossier_row("H1"), [*hostile.dossier_row("H2")[:2], "x" * 100_000,
                                                                               *hostile.dossier_row("H2")[3:]]]),
    }
    ctx = Context(batch_unit_id=1, batch_unit_label="Đơn vị thử", units={}, unit_labels={1: "Đơn vị thử"},
                  procedures={}, locks={}, today=datetime.date.today())
    modes = {
        "guarded": {},
        "child only": {"ONESTOP_MAX_ROWS": 10**12, "ONESTOP_MAX_COLUMNS": 16384, "ONESTOP_MAX_CELLS": 10**15,
                       "ONESTOP_MAX_MERGES": 10**9},
    }
    print(f"Giới hạn: bộ nhớ tiến trình con +{settings.ONESTOP_PARSE_MEMORY_MB} MB, CPU {settings.ONESTOP_PARSE_CPU_SECONDS} s; "
          f"dòng {settings.ONESTOP_MAX_ROWS:_}, cột {settings.ONESTOP_MAX_COLUMNS}, ô {settings.ONESTOP_MAX_CELLS:_}".replace("_", "."))
    saved = {k: getattr(settings, k) for k in modes["child only"]}
    for mode, overrides in modes.items():
        for key, value in {**saved, **overrides}.items():
            setattr(settings, key, value)
        print(f"\n== {mode} ==")
        print(f"{'tệp':36} {'KB':>6} {'giây':>7} {'RSS con MB':>11} {'CPU con s':>10} {'tín hiệu':>4}  kết quả")
        for name, data in files.items():
            started = time.monotonic()
            sandbox.last_run.clear()
            try:
                out = preview.read_file(data, "dossiers", {}, {}, ctx, answer=lambda kind, payload: {})
                outcome = f"đọc xong, {out['error_count']} lỗi" + (f": {out['errors'][0]['message']}" if out["errors"] else "")
                outcome = outcome[:90]
            except FileRejected as exc:
                outcome = str(exc)[:90]
            except sandbox.ChildError as exc:
                outcome = f"lỗi: {exc}"[:90]
            wall = time.monotonic() - started
            run = sandbox.last_run
            print(f"{name:36} {len(data) / 1024:6.1f} {wall:7.2f} {run.get('peak_rss_mb', 0):11.1f} "
                  f"{run.get('cpu_s', 0):10.2f} {run.get('signal') or '':>4}"
                  f"{' (dừng khi đo)' if run.get('stopped_by_measurement') else ''}  {outcome}")
    print(f"\nRSS đỉnh của tiến trình này: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
