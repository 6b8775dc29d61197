"""What a page offers (``allowed`` / ``{% can %}``) and what the scoring services
accept are the same answer, for every scoring action and every role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from organization.choices import Role
from organization.models import UserProfile
from organization.rules import allowed
from organization.scope import scope_unit
from scoring.choices import RunStatus
from scoring.criteria import leaderboard_data
from scoring.models import RecomputeRun
from scoring.services import import_index_results, request_full_recompute, set_index_result
from scoring.todo import todo_items
from tests.conftest import RULE_ACTORS, service_accepts

from .conftest import make_campaign, xlsx


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
@pytest.mark.parametrize("unit_key", ["commune_a", "province"])
def test_set_index_result(actor, tree, unit_key):
    unit = tree[unit_key]

    def attempt(user):
        set_index_result(unit=unit, year=2023, index_code="par_index", score=Decimal("80"), actor=user,
                         reevaluate=False)

    assert allowed(actor, "scoring.set_index_result", unit) == service_accepts(attempt, actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_import_index_results(actor, tree):
    # A unit every staff account of the tree holds in scope (the department's staff: its own unit).
    code = "SO-X" if actor.get_username() == "thidua_so" else "XA-A"
    book = xlsx([["Mã đơn vị", "Năm", "Chỉ số", "Điểm"], [code, 2023, "PAR INDEX", 80]])
    assert allowed(actor, "scoring.import_index_results") == service_accepts(
        lambda user: import_index_results(book, actor=user), actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_request_full_recompute(actor, tree):
    assert allowed(actor, "scoring.request_full_recompute") == service_accepts(
        lambda user: request_full_recompute(actor=user, reason="kiểm tra quyền"), actor)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
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
@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_failed_runs_on_the_todo_list(actor, tree):
    if actor.is_superuser:  # a superuser working in the district has a to-do list
        UserProfile.objects.create(user=actor, unit=tree["district"], role=Role.STAFF)
        actor = get_user_model().objects.get(pk=actor.pk)
    run = RecomputeRun.objects.create(status=RunStatus.FAILED, reason="hỏng", scope=tree["district"],
                                      unit_ids=[tree["commune_a"].pk, tree["commune_b"].pk])
    shown = any("bị lỗi" in item.title for item in todo_items(actor))
    # The to-do list is for accounts with a unit; among them the item follows the
    # permission, for a run the account sees (its scope lies in their subtree).
    assert shown == (scope_unit(actor) is not None and allowed(actor, "scoring.view_runs")
                     and RecomputeRun.objects.for_user(actor).filter(pk=run.pk).exists())
    assert shown == (actor.get_username() in {"thidua_huyen", "quantri"})
