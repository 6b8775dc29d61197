#!/usr/bin/env bash
# Runs the whole test suite — the README's second command.
# With DATABASE_URL (PostgreSQL) and REDIS_URL set, the tests that need a real Celery
# worker run too; .ci/run sets both. pytest's "no tests collected" is a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test || exit 1
.venv/bin/ruff check . || { echo "LỖI: ruff báo lỗi mã nguồn."; exit 1; }
.venv/bin/python manage.py check --fail-level WARNING || exit 1
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || { echo "Thiếu migration: chạy makemigrations"; exit 1; }
.venv/bin/pytest -p no:cacheprovider "$@"
rc=$?
if [[ $rc -eq 5 ]]; then echo "LỖI: không có bài kiểm thử nào được chạy."; exit 1; fi
[[ $rc -ne 0 ]] && exit $rc
# On PostgreSQL (CI), run the import and scoring tests once more on SQLite, the
# embedded default: both have SQL written for each database. The browser and
# real-worker tests need PostgreSQL + Redis and ran above.
if [[ "${DATABASE_URL:-}" == postgres* && $# -eq 0 ]]; then
  echo "==> Kiểm thử lại phần nhập số liệu và tính điểm trên SQLite (mặc định nhúng)"
  env -u DATABASE_URL -u REDIS_URL .venv/bin/pytest -p no:cacheprovider -q tests/onestop tests/scoring \
    -k "not e2e and not worker_kill" -m "not worker"
  rc=$?
  if [[ $rc -eq 5 ]]; then echo "LỖI: không có bài kiểm thử nào được chạy."; exit 1; fi
fi
exit $rc
