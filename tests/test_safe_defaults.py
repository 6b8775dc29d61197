"""Issue 12, parts 2 and 6 — safe by default, exports that cannot run formulas, and
the lock hierarchy.

- Debug is off unless DJANGO_DEBUG=1; the secret key is generated once into the
  state directory (0600) and reused; a short given key is refused.
- The README's demo command serves without Django's debug pages (a real
  ``runserver`` is started with the demo script's environment).
- ``check --deploy`` with the README's production settings reports only what the
  README explains.
- The admin's person/unit export (django-import-export) escapes text starting with
  = + - @ tab CR in every format, and its files re-import unchanged.
- A month lock is lifted only by the level that set it or one above it.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from organization.choices import Role
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The process environment without the variables a test must not inherit."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "PRIVATE_FILES_")) and k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH")}
    env.update({"CCHC_STATE_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static")})
    env.update(extra)
    return env


def _settings_of(env: dict[str, str], *names: str) -> list[str]:
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cchc_portal.settings'; "
            "from django.conf import settings; "
            + "; ".join(f"print(repr(settings.{n}))" for n in names))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


# --- debug and secret key -----------------------------------------------------------------------


def test_debug_is_off_unless_asked_for(tmp_path):
    assert _settings_of(_clean_env(tmp_path), "DEBUG") == ["False"]
    assert _settings_of(_clean_env(tmp_path, DJANGO_DEBUG="1"), "DEBUG") == ["True"]


def test_secret_key_generated_once_into_the_state_directory(tmp_path):
    env = _clean_env(tmp_path)
    first = _settings_of(env, "SECRET_KEY")[0]
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == first.strip("'")
    assert len(first.strip("'")) >= 50
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert _settings_of(env, "SECRET_KEY")[0] == first  # reused, not regenerated
    given = secrets.token_urlsafe(64)
    assert _settings_of(_clean_env(tmp_path, DJANGO_SECRET_KEY=given), "SECRET_KEY") == [repr(given)]


def test_short_secret_key_refused(tmp_path):
    env = _clean_env(tmp_path, DJANGO_SECRET_KEY="ngan-qua")
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY must be a long random value" in proc.stderr


def test_unknown_file_server_refused(tmp_path):
    env = _clean_env(tmp_path, PRIVATE_FILES_SERVER="apache2")
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0 and "PRIVATE_FILES_SERVER='apache2'" in proc.stderr


# --- the demo command serves without debug pages ---------------------------------------------------


def _demo_environment(tmp_path: Path) -> dict[str, str]:
    """The environment scripts/demo.sh gives the server: its export/unset lines applied."""
    script = (ROOT / "scripts" / "demo.sh").read_text()
    env = _clean_env(tmp_path)
    for line in script.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("export "):
            for assignment in line[len("export "):].split():
                name, _, value = assignment.partition("=")
                env[name] = value
        elif line.startswith("unset "):
            for name in line[len("unset "):].split():
                env.pop(name, None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own local server)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_demo_command_serves_vietnamese_error_pages_not_debug_pages(tmp_path):
    env = _demo_environment(tmp_path)
    assert "DJANGO_DEBUG" not in env
    # As the script does: static files collected for whitenoise (runserver serves
    # none with debug off).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        status, body = _get(f"{base}/khong-co-trang-nay/")
        assert status == 404
        assert "Không tìm thấy trang" in body
        assert "Using the URLconf" not in body and "DEBUG = True" not in body  # Django's debug 404
        status, body = _get(f"{base}/media/awards/nominations/bat-ky.pdf")
        assert status == 404 and "Không tìm thấy trang" in body
        status, body = _get(f"{base}/dang-nhap/")  # plain http works: no redirect to https
        assert status == 200 and "Đăng nhập" in body
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body).group(1)
        status, css = _get(base + stylesheet)
        assert status == 200 and "{" in css
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- check --deploy with the README's production settings ---------------------------------------------


def _readme_production_env(tmp_path: Path) -> dict[str, str]:
    """The variables of the README's production block (``export DJANGO_DEBUG=0 …``),
    a real random key in place of ``...`` and an example host."""
    block = README.split("## Chạy trên PostgreSQL", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    env = _clean_env(tmp_path, SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("export "):
            continue
        for assignment in line[len("export "):].split():
            name, _, value = assignment.partition("=")
            if name in ("DATABASE_URL", "REDIS_URL"):
                continue  # the deploy check needs neither server
            env[name] = secrets.token_urlsafe(64) if value == "..." else value
    return env


def test_check_deploy_with_readme_settings_reports_only_what_readme_explains(tmp_path):
    env = _readme_production_env(tmp_path)
    assert env["DJANGO_DEBUG"] == "0" and env.get("DJANGO_HTTPS") == "1"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright, never in production
    proc = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    issues = set(re.findall(r"^\?: \(([\w.]+)\)", output, flags=re.M))
    explained = {code for code in issues if code.split(".")[-1] in README}
    assert issues == explained, output
    assert issues <= {"security.W021"}, output


# --- exports escape formulas ------------------------------------------------------------------------


HOSTILE = ["=HYPERLINK(\"http://x\",\"bấm\")", "+84912345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("fmt", ["CSV", "XLSX", "TSV"])
def test_admin_person_export_escapes_formulas_and_reimports_unchanged(tree, fmt):
    from import_export.formats import base_formats

    from organization.choices import Gender, PersonCategory
    from organization.models import Person
    from organization.resources import PersonResource

    for i, text in enumerate(HOSTILE):
        Person.objects.create(code=f"CN-F{i}", full_name=text, position=text, phone=text[:20], unit=tree["commune_a"],
                              gender=Gender.FEMALE, category=PersonCategory.CIVIL_SERVANT)
    dataset = PersonResource().export()
    names = {row[dataset.headers.index("code")]: row for row in dataset}
    for i, text in enumerate(HOSTILE):
        row = names[f"CN-F{i}"]
        assert row[dataset.headers.index("full_name")] == "'" + text
        assert row[dataset.headers.index("phone")] == "'" + text[:20]
    # The file as the admin writes it, read back by the admin's import: no change.
    file_format = getattr(base_formats, fmt)()
    exported = file_format.export_data(dataset)
    if not file_format.is_binary():
        exported = exported.encode() if isinstance(exported, str) else exported
    reread = file_format.create_dataset(exported if file_format.is_binary() else exported.decode())
    result = PersonResource().import_data(reread, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    for i, text in enumerate(HOSTILE):
        person = Person.objects.get(code=f"CN-F{i}")
        assert (person.full_name, person.phone) == (text, text[:20])


def test_admin_unit_export_escapes_formulas(tree):
    from organization.resources import UnitResource

    unit = tree["commune_b"]
    unit.name = "=1+1"
    unit.save()
    dataset = UnitResource().export()
    row = next(r for r in dataset if r[dataset.headers.index("code")] == unit.code)
    assert row[dataset.headers.index("name")] == "'=1+1"


# --- lock hierarchy -----------------------------------------------------------------------------------


@pytest.fixture
def commune_staff(tree):
    """Emulation staff of commune A itself (two-level structure: the commune's own
    Phòng Văn hóa – Xã hội works for the UBND xã)."""
    return make_user("thidua_xa_a", tree["commune_a"], Role.STAFF, "Ngô Thị Lan")


@pytest.fixture
def province_staff(tree):
    return make_user("thidua_tinh", tree["province"], Role.STAFF, "Bùi Văn Sở")


MARCH = date(2023, 3, 1)


def test_commune_cannot_lift_the_districts_lock(tree, staff, commune_staff, province_staff):
    from audit.models import AuditEvent
    from core.errors import NotAllowed
    from scoring.onestop import services
    from scoring.onestop.models import MonthLock

    commune = tree["commune_a"]
    services.lock_month(commune, MARCH, actor=staff, reason="Huyện đã thẩm định số liệu quý I")
    assert MonthLock.objects.get(unit=commune, month=MARCH).locked_by_unit == tree["district"]
    events = AuditEvent.objects.count()
    with pytest.raises(NotAllowed, match=r"do UBND huyện Thử Nghiệm khóa: chỉ UBND huyện Thử Nghiệm hoặc cấp trên"):
        services.reopen_month(commune, MARCH, actor=commune_staff, reason="Xã muốn sửa")
    assert MonthLock.objects.get(unit=commune, month=MARCH).is_locked
    assert AuditEvent.objects.count() == events
    # The page's question (rules) gives the same answer as the service, for the lock itself.
    from organization.rules import allowed

    lock = MonthLock.objects.get(unit=commune, month=MARCH)
    assert not allowed(commune_staff, "onestop.reopen_month", lock)
    assert allowed(commune_staff, "onestop.reopen_month", commune)  # a lock it set itself it could lift
    assert allowed(province_staff, "onestop.reopen_month", lock)
    # The province, above the district, may.
    services.reopen_month(commune, MARCH, actor=province_staff, reason="Tỉnh cho bổ sung")
    assert not MonthLock.objects.get(unit=commune, month=MARCH).is_locked


def test_the_level_that_locked_lifts_its_own_lock(tree, staff, commune_staff):
    from scoring.onestop import services
    from scoring.onestop.models import MonthLock

    commune = tree["commune_a"]
    services.lock_month(commune, MARCH, actor=commune_staff, reason="Xã chốt số liệu")
    services.reopen_month(commune, MARCH, actor=commune_staff, reason="Xã bổ sung hồ sơ")
    services.lock_month(commune, MARCH, actor=commune_staff, reason="Xã chốt lại")
    services.reopen_month(commune, MARCH, actor=staff, reason="Huyện mở lại")  # the level above
    assert not MonthLock.objects.get(unit=commune, month=MARCH).is_locked


def test_superusers_lock_belongs_to_the_top_of_the_tree(tree, staff, province_staff):
    from django.contrib.auth import get_user_model

    from core.errors import NotAllowed
    from scoring.onestop import services

    root = get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    services.lock_month(tree["commune_a"], MARCH, actor=root, reason="Quản trị chốt")
    with pytest.raises(NotAllowed, match="chỉ UBND tỉnh Thử Nghiệm hoặc cấp trên"):
        services.reopen_month(tree["commune_a"], MARCH, actor=staff, reason="Huyện mở")
    services.reopen_month(tree["commune_a"], MARCH, actor=province_staff, reason="Tỉnh mở")
