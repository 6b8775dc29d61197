"""What a page offers (``allowed`` / ``{% can %}``) and what the scoring services
accept are the same answer, for every scoring action and every role."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from core.errors import DomainError
from organization.choices import Role
from organization.models import UserProfile
from organization.rules import allowed
from organization.scope import scope_unit
from scoring.choices import RunStatus
from scoring.criteria import leaderboard_data
from scoring.models import RecomputeRun
from scoring.services import import_index_results, request_full_recompute, set_index_result
from scoring.todo import todo_items
from tests.conftest import make_user

from .conftest import make_campaign
from .test_services import _xlsx

ACTORS = ["officer_a", "officer_b", "staff", "council_member", "leader", "judge", "no_unit_user",
          "staff_elsewhere", "superuser", "anonymous"]


class Rollback(Exception):
    """Undoes an accepted attempt so the next attempt starts from the same state."""


def accepts(attempt: Callable[[Any], Any], actor: Any) -> bool:
    """Whether the service accepted ``attempt(actor)`` (its effects rolled back); a
    refusal must be a ``DomainError`` (``ScoringError`` or ``NotAllowed``)."""
    try:
        with transaction.atomic():
            attempt(actor)
            raise Rollback
    except Rollback:
        return True
    except DomainError:
        return False


@pytest.fixture
def actor(request, tree):
    name = request.param
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    if name == "staff_elsewhere":  # emulation staff of a department: the district is outside their subtree
        return make_user("thidua_so", tree["department"], Role.STAFF)
    return request.getfixturevalue(name)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS, indirect=True)
@pytest.mark.parametrize("unit_key", ["commune_a", "province"])
def test_set_index_result(actor, tree, unit_key):
    unit = tree[unit_key]

    def attempt(user):
        set_index_result(unit=unit, year=2023, index_code="par_index", score=Decimal("80"), actor=user,
                         reevaluate=False)

    assert allowed(actor, "scoring.set_index_result", unit) == accepts(attempt, actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS, indirect=True)
def test_import_index_results(actor, tree):
    # A unit every staff account of the tree holds in scope (the department's staff: its own unit).
    code = "SO-X" if actor.get_username() == "thidua_so" else "XA-A"
    book = _xlsx([["Mã đơn vị", "Năm", "Chỉ số", "Điểm"], [code, 2023, "PAR INDEX", 80]])
    assert allowed(actor, "scoring.import_index_results") == accepts(
        lambda user: import_index_results(book, actor=user), actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS, indirect=True)
def test_request_full_recompute(actor, tree):
    assert allowed(actor, "scoring.request_full_recompute") == accepts(
        lambda user: request_full_recompute(actor=user, reason="kiểm tra quyền"), actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS, indirect=True)
def test_full_ranking(actor, tree):
    _, _, round_, _ = make_campaign(tree)
    data = leaderboard_data(actor, round_)
    rows = sum(len(t["rows"]) for t in data["tables"])
    assert data["see_all"] == allowed(actor, "scoring.view_full_ranking", round_)
    # Both communes' rows exactly for those who may see the whole ranking; others their own at most.
    assert (rows == 2) == data["see_all"]
    # Staff, council, leader and judge of the district (the issuer), and superusers.
    assert data["see_all"] == (actor.get_username() in {"thidua_huyen", "hoidong_1", "chutich_huyen", "giamkhao_1",
                                                        "quantri"})


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS, indirect=True)
def test_failed_runs_on_the_todo_list(actor, tree):
    if actor.is_superuser:  # a superuser working in the district has a to-do list
        UserProfile.objects.create(user=actor, unit=tree["district"], role=Role.STAFF)
        actor = get_user_model().objects.get(pk=actor.pk)
    RecomputeRun.objects.create(status=RunStatus.FAILED, reason="hỏng")
    shown = any("bị lỗi" in item.title for item in todo_items(actor))
    # The to-do list is for accounts with a unit; among them the item follows the permission.
    assert shown == (scope_unit(actor) is not None and allowed(actor, "scoring.view_runs"))
    assert shown == actor.is_superuser
