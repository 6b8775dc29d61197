#!/usr/bin/env bash
# Runs the portal with demo data on the embedded default (SQLite, tasks in-process)
# at http://127.0.0.1:8000 — the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
unset DATABASE_URL REDIS_URL
# Debug pages stay off (DJANGO_DEBUG unset = 0): a visitor sees the Vietnamese error
# pages, never a traceback. The secret key is generated once into var/secret_key.
# Plain http on 127.0.0.1: no HTTPS redirect, no secure-only cookies.
export DJANGO_HTTPS=0
unset DJANGO_DEBUG
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0   # whitenoise serves var/static
echo "==> Nạp dữ liệu mẫu (lần đầu dưới một phút, khoảng 20 giây CPU; từng bước in ra dưới đây)"
.venv/bin/python manage.py load_demo
echo
echo "==> Cổng CCHC đang chạy tại http://127.0.0.1:${PORT:-8000}  (Ctrl+C để dừng)"
exec .venv/bin/python manage.py runserver 127.0.0.1:${PORT:-8000} --noreload
