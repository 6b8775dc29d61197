"""Shared actors: the officer of commune A, the officer of commune B, emulation
staff, a council member, a leader, a judge and a user with no unit.

The tree is the seeds' three-level one (province → district → commune/office);
tests of the two-level structure build their own.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from organization.choices import Gender, PersonCategory, Role, UnitKind
from organization.models import Person, Unit, UserProfile

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run there unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Ids start at 100,000 in the test database so that an id rendered with the
# Vietnamese thousands separator ("100.001") breaks a test at once instead of
# only once a real database has grown past 999 rows.
FIRST_ID = 100_000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.apps import apps
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)
                  if m._meta.pk is not None and m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")]
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, "id"])
                seq = cursor.fetchone()[0]
                if seq:
                    cursor.execute("SELECT setval(%s, %s, false)", [seq, FIRST_ID])
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany("INSERT INTO sqlite_sequence(name, seq) VALUES (%s, %s)",
                               [(t, FIRST_ID - 1) for t in tables])


@pytest.fixture
def tree(db):
    """Province → district → (commune A, commune B, office) and a department."""
    province = Unit.objects.create(code="T-DEMO", name="UBND tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE, place_name="Thử Nghiệm")
    district = Unit.objects.create(code="H-DEMO", name="UBND huyện Thử Nghiệm", kind=UnitKind.DISTRICT, parent=province, place_name="Thử Nghiệm")
    commune_a = Unit.objects.create(code="XA-A", name="UBND xã A", kind=UnitKind.COMMUNE, parent=district, place_name="xã A")
    commune_b = Unit.objects.create(code="XA-B", name="UBND xã B", kind=UnitKind.COMMUNE, parent=district, place_name="xã B")
    office = Unit.objects.create(code="PNV", name="Phòng Nội vụ", kind=UnitKind.OFFICE, parent=district)
    department = Unit.objects.create(code="SO-X", name="Sở Thử Nghiệm", kind=UnitKind.DEPARTMENT, parent=province)
    return {
        "province": province, "district": district, "commune_a": commune_a, "commune_b": commune_b,
        "office": office, "department": department,
    }


def make_user(username: str, unit: Unit | None, role: str, full_name: str = ""):
    user = get_user_model().objects.create_user(username=username, password="matkhau-thu-nghiem-123")
    if full_name:
        user.first_name = full_name  # Vietnamese order kept whole (see campaigns.demo)
        user.save()
    UserProfile.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def officer_a(tree):
    return make_user("canbo_xa_a", tree["commune_a"], Role.OFFICER, "Nguyễn Văn An")


@pytest.fixture
def officer_b(tree):
    return make_user("canbo_xa_b", tree["commune_b"], Role.OFFICER, "Trần Thị Bình")


@pytest.fixture
def staff(tree):
    """Emulation staff at district level (Phòng Nội vụ works for the UBND huyện)."""
    return make_user("thidua_huyen", tree["district"], Role.STAFF, "Lê Thị Cúc")


@pytest.fixture
def council_member(tree):
    return make_user("hoidong_1", tree["district"], Role.COUNCIL, "Phạm Văn Dũng")


@pytest.fixture
def leader(tree):
    return make_user("chutich_huyen", tree["district"], Role.LEADER, "Hoàng Văn Em")


@pytest.fixture
def judge(tree):
    return make_user("giamkhao_1", tree["district"], Role.JUDGE, "Vũ Thị Giang")


@pytest.fixture
def no_unit_user(db):
    return make_user("chua_gan_don_vi", None, Role.OFFICER)


#: Every role of the shared actors, for the tests asserting that ``allowed()``
#: answers exactly what a service accepts (parametrize ``actor`` indirectly).
RULE_ACTORS = ["officer_a", "officer_b", "staff", "council_member", "leader", "judge", "no_unit_user",
               "staff_elsewhere", "superuser", "anonymous"]


@pytest.fixture
def actor(request, tree):
    """The user named by ``request.param`` (one of ``RULE_ACTORS``)."""
    from django.contrib.auth.models import AnonymousUser

    name = request.param
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    if name == "staff_elsewhere":  # emulation staff of a department: the district is outside their subtree
        return make_user("thidua_so", tree["department"], Role.STAFF)
    return request.getfixturevalue(name)


class _Rollback(Exception):
    """Undoes an accepted attempt so the next actor starts from the same state."""


def service_accepts(attempt, actor, refusal: type[Exception] | None = None) -> bool:
    """Whether the service accepted ``attempt(actor)`` (its effects rolled back).
    A refusal must be ``refusal`` (default: any ``DomainError``); anything else fails the test."""
    from django.db import transaction

    from core.errors import DomainError

    refusal = refusal or DomainError
    try:
        with transaction.atomic():
            attempt(actor)
            raise _Rollback
    except _Rollback:
        return True
    except refusal:
        return False


@pytest.fixture
def person_a(tree):
    return Person.objects.create(
        code="CN-A1", full_name="Nguyễn Thị Hoa", gender=Gender.FEMALE, birth_date=date(1985, 3, 4),
        category=PersonCategory.CIVIL_SERVANT, position="Công chức Văn phòng – Thống kê", unit=tree["commune_a"],
    )


@pytest.fixture
def person_b(tree):
    return Person.objects.create(
        code="CN-B1", full_name="Đỗ Văn Khánh", gender=Gender.MALE, birth_date=date(1980, 11, 20),
        category=PersonCategory.CIVIL_SERVANT, position="Công chức Tư pháp – Hộ tịch", unit=tree["commune_b"],
    )


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Tasks run in-process in ordinary tests; tests marked ``worker`` switch this
    off and start a real worker on Redis."""
    from cchc_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Deliberately weak hashing in tests only: the demo loader creates many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- browser tests (Debian chromium driven by Playwright; no browser download) ---
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
DEMO_PASSWORD = "matkhau-thu-nghiem-123"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium không có tại {CHROMIUM}: chạy scripts/setup.sh để cài đặt.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def login(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form."""
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def assert_rules_agree(request, actor, perm: str, obj, step, expected: set[str]) -> None:
    """``allowed(actor, perm, obj)`` equals whether the service accepts ``step(actor)``
    (refusing with ``NotAllowed``), and both are yes exactly for the ``RULE_ACTORS``
    named in ``expected``."""
    from core.errors import NotAllowed
    from organization.rules import allowed

    name = request.node.callspec.params["actor"]
    answers = (allowed(actor, perm, obj), service_accepts(step, actor, NotAllowed))
    assert answers == (name in expected,) * 2, f"{perm}: {name} (allowed, accepted) = {answers}"
