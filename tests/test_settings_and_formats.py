from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation

from cchc_portal import settings as portal_settings


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='maybe' is not a boolean"):
        portal_settings.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "mười")
    with pytest.raises(ImproperlyConfigured, match="X_INT='mười' is not an integer"):
        portal_settings.env_int("X_INT", 1)
    monkeypatch.setenv("X_BOOL", "yes")
    assert portal_settings.env_bool("X_BOOL", False) is True


def test_vietnamese_number_and_date_formats():
    from datetime import date

    with translation.override("vi"):
        html = Template("{{ n }}|{{ d }}|{{ day|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"n": 1234567, "d": Decimal("98.5"), "day": date(2024, 1, 5)}))
    assert html == "1.234.567|98,5|05/01/2024"


def test_check_deploy_reports_only_what_readme_explains(tmp_path):
    """Production settings: `check --deploy` leaves only W021 (HSTS preload), which
    the README explains is the operator's decision."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
           "DJANGO_ALLOWED_HOSTS": "cchc.example.gov.vn", "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
           "STATIC_ROOT": str(tmp_path / "static")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright, never in production
    proc = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    issues = {line.split(")")[0].strip("?: (") for line in output.splitlines() if line.startswith("?: (")}
    assert issues == {"security.W021"}, output
    assert "W021" in (root / "README.md").read_text()


def test_production_refuses_missing_secret_key(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_DEBUG": "0", "SQLITE_PATH": str(tmp_path / "db.sqlite3")})
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "DJANGO_SECRET_KEY" in proc.stderr
