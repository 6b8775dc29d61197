"""The benchmarks still run end to end (on a small file, SQLite): their figures are
only worth something if the scripts work. The budgets themselves are not asserted
here: a small file is dominated by fixed costs, and speed lives in bench/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_bench_runs_and_prints_its_ratio():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    proc = subprocess.run([sys.executable, "bench/import_bench.py", "--rows", "3000", "--repeat", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1 = above budget, a figure all the same
    assert "Tỷ lệ (b + c)/(a):" in proc.stdout, proc.stdout + proc.stderr
    assert "Tỷ lệ tải lại (b + c)/(a):" in proc.stdout, proc.stdout
    # Each repetition: the all-new upload, then the re-upload with 15 % of its rows changed.
    assert proc.stdout.count("\n   1 mới ") == 1 and proc.stdout.count("\n   1 tải lại ") == 1, proc.stdout
    assert "\n   2 tải lại " in proc.stdout and "\n   3 " not in proc.stdout, proc.stdout
    assert "Tệp: 3,000 dòng" in proc.stdout
