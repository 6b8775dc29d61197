"""Celery application. Tasks live in each app's ``tasks.py``.

Without ``REDIS_URL`` the settings make tasks run in-process (eager), which is the
embedded default; with it, run ``celery -A cchc_portal worker`` and ``beat``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")

app = Celery("cchc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
