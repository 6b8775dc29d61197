"""The pages and the services ask the same question: for every role and every
workflow action of the one-stop upload, ``allowed(user, perm, obj)`` is True
exactly when the service accepts the action (and it refuses with
``ImportNotAllowed``, a ``NotAllowed``, otherwise).

Each attempt runs in a savepoint that is rolled back, on a fresh object, so one
role's success does not change what the next one sees.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from core.errors import NotAllowed
from organization.rules import allowed
from organization.scope import scope_unit
from scoring.onestop import services
from tests.onestop.helpers import D, dossier_file, dossier_row, upload

ROLES = ["officer_a", "officer_b", "staff", "council_member", "leader", "judge", "no_unit_user", "superuser", "anonymous"]
MONTH = D(2023, 3, 1)
_codes = count(1)


class _Rollback(Exception):
    pass


def accepts(action: Callable[[], object]) -> bool:
    """Whether the service accepts the action (its effects rolled back)."""
    try:
        with transaction.atomic():
            action()
            raise _Rollback
    except _Rollback:
        return True
    except services.ImportNotAllowed as exc:
        assert isinstance(exc, NotAllowed)
        return False


@pytest.fixture
def actor(request, tree):
    name = request.param
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    return request.getfixturevalue(name)


@pytest.fixture
def ready_batch(commune, officer_a, submit):
    """A new parsed, ready batch of commune A for each call."""

    def make():
        return submit(commune, "dossiers", dossier_file([dossier_row(f"HS-R{next(_codes)}")]), officer_a)

    return make


def _file():
    return upload(dossier_file([dossier_row(f"HS-U{next(_codes)}")]))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_upload_agrees(actor, commune):
    assert allowed(actor, "onestop.upload", commune) == accepts(
        lambda: services.create_batch(commune, "dossiers", _file(), actor=actor, enqueue=False))
    # The page's question without a unit ("show the upload button?") is the same
    # answer as for the user's own unit.
    own = scope_unit(actor) if not getattr(actor, "is_superuser", False) else commune
    assert allowed(actor, "onestop.upload") == (own is not None and accepts(
        lambda: services.create_batch(own, "dossiers", _file(), actor=actor, enqueue=False)))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_confirm_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.confirm_batch", batch) == accepts(lambda: services.confirm_batch(batch, actor=actor))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_cancel_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.cancel_batch", batch) == accepts(lambda: services.cancel_batch(batch, actor=actor))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_lock_agrees(actor, commune):
    assert allowed(actor, "onestop.lock_month", commune) == accepts(
        lambda: services.lock_month(commune, MONTH, actor=actor, reason="Đã thẩm định"))
    own = scope_unit(actor) if not getattr(actor, "is_superuser", False) else commune
    assert allowed(actor, "onestop.lock_month") == (own is not None and accepts(
        lambda: services.lock_month(own, MONTH, actor=actor, reason="Đã thẩm định")))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ROLES, indirect=True)
def test_reopen_agrees(actor, commune, staff):
    services.lock_month(commune, MONTH, actor=staff, reason="Đã thẩm định")
    assert allowed(actor, "onestop.reopen_month", commune) == accepts(
        lambda: services.reopen_month(commune, MONTH, actor=actor, reason="Bổ sung"))
