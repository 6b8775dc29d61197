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

from organization.choices import Role
from organization.rules import allowed
from organization.scope import scope_unit
from scoring.onestop import services
from tests.conftest import RULE_ACTORS, make_user, service_accepts
from tests.onestop.helpers import D, dossier_file, dossier_row, upload

MONTH = D(2023, 3, 1)
_codes = count(1)


def accepts(action: Callable[[], object]) -> bool:
    """Whether the service accepts the action (its effects rolled back); a refusal
    must be ``ImportNotAllowed`` (a ``NotAllowed``)."""
    return service_accepts(lambda _user: action(), None, services.ImportNotAllowed)


@pytest.fixture
def ready_batch(commune, officer_a, submit):
    """A new parsed, ready batch of commune A for each call."""

    def make():
        return submit(commune, "dossiers", dossier_file([dossier_row(f"HS-R{next(_codes)}")]), officer_a)

    return make


def _file():
    return upload(dossier_file([dossier_row(f"HS-U{next(_codes)}")]))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_upload_agrees(actor, commune):
    assert allowed(actor, "onestop.upload", commune) == accepts(
        lambda: services.create_batch(commune, "dossiers", _file(), actor=actor, enqueue=False))
    # The page's question without a unit ("show the upload button?") is the same
    # answer as for the user's own unit.
    own = scope_unit(actor) if not getattr(actor, "is_superuser", False) else commune
    assert allowed(actor, "onestop.upload") == (own is not None and accepts(
        lambda: services.create_batch(own, "dossiers", _file(), actor=actor, enqueue=False)))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_confirm_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.confirm_batch", batch) == accepts(lambda: services.confirm_batch(batch, actor=actor))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_cancel_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.cancel_batch", batch) == accepts(lambda: services.cancel_batch(batch, actor=actor))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_lock_agrees(actor, commune):
    assert allowed(actor, "onestop.lock_month", commune) == accepts(
        lambda: services.lock_month(commune, MONTH, actor=actor, reason="Đã thẩm định"))
    own = scope_unit(actor) if not getattr(actor, "is_superuser", False) else commune
    assert allowed(actor, "onestop.lock_month") == (own is not None and accepts(
        lambda: services.lock_month(own, MONTH, actor=actor, reason="Đã thẩm định")))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_reopen_agrees(actor, commune, staff):
    services.lock_month(commune, MONTH, actor=staff, reason="Đã thẩm định")
    assert allowed(actor, "onestop.reopen_month", commune) == accepts(
        lambda: services.reopen_month(commune, MONTH, actor=actor, reason="Bổ sung"))


def _mapping(batch) -> dict[str, str]:
    """The batch's columns as read, with the third one (Tên TTHC) ignored."""
    mapping = {str(c["index"]): c["field"] or "" for c in batch.reading["columns"]}
    mapping["2"] = ""
    return mapping


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_remap_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.remap_batch", batch) == accepts(
        lambda: services.remap_batch(batch, _mapping(batch), actor=actor))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_share_profile_agrees(actor, ready_batch):
    batch = ready_batch()
    assert allowed(actor, "onestop.share_profile", batch) == accepts(
        lambda: services.share_mapping(batch, actor=actor, name="VNPT iGate"))


@pytest.mark.django_db
def test_remap_and_share_from_the_wrong_unit_are_refused(ready_batch, officer_b, tree):
    from scoring.onestop.models import MappingProfile

    batch = ready_batch()
    with pytest.raises(services.ImportNotAllowed, match="Bạn không có quyền sửa cách ghép cột của lượt tải này"):
        services.remap_batch(batch, _mapping(batch), actor=officer_b)
    with pytest.raises(services.ImportNotAllowed, match="Chỉ cán bộ thi đua có thẩm quyền với đơn vị này"):
        services.share_mapping(batch, actor=make_user("thidua_so_2", tree["department"], Role.STAFF), name="Viettel")
    batch.refresh_from_db()
    assert batch.mapping == {} and not MappingProfile.objects.exists()

