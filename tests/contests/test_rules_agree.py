"""Contest permissions: for each step (enter, submit, withdraw, assign, judge, close,
award, publish) and each role, ``{% can %}``'s answer is the service's answer.
Attempts are rolled back (``service_accepts``); a superuser counts as staff.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from contests import services
from contests.choices import ContestStage, EntryFormat
from contests.models import Entry, JudgeAssignment
from core.errors import NotAllowed
from organization.choices import Role
from organization.rules import allowed
from tests.conftest import RULE_ACTORS, assert_rules_agree, make_user, service_accepts

from .conftest import AUTHOR, article


def _create(contest, user, unit) -> Entry:
    return services.create_entry(contest, actor=user, unit=unit, title="Bộ phận một cửa", fmt=EntryFormat.ARTICLE,
                                 upload=article(1200), authors=[AUTHOR])


def _scores(contest, *values: str) -> dict[int, Decimal]:
    return {c.pk: Decimal(v) for c, v in zip(services.settings_of(contest).rubric.all(), values, strict=True)}


@pytest.fixture
def judge2(tree):
    return make_user("giamkhao_2", tree["district"], Role.JUDGE, "Mai Văn Hai")


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_entries(request, actor, contest, tree, officer_a):
    unit = tree["commune_a"]
    # Officers and staff whose subtree holds the entry's unit (district staff: every commune).
    assert_rules_agree(request, actor, "contests.submit_entry", Entry(contest=contest, unit=unit),
          lambda u: _create(contest, u, unit), {"officer_a", "staff", "superuser"})
    draft = _create(contest, officer_a, unit)
    assert_rules_agree(request, actor, "contests.submit_entry", draft,
          lambda u: services.submit_entry(draft, actor=u), {"officer_a", "staff", "superuser"})
    assert_rules_agree(request, actor, "contests.submit_entry", draft,
          lambda u: services.delete_draft(draft, actor=u), {"officer_a", "staff", "superuser"})


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_enter_contest_button_matches_some_unit_accepting(contest, actor):
    """The "+ Nộp bài dự thi" button shows exactly for those the service accepts for
    at least one participant unit."""
    units = services.participant_units(contest)
    some = any(service_accepts(lambda a, unit=unit: _create(contest, a, unit), actor, NotAllowed) for unit in units)
    assert allowed(actor, "contests.enter_contest", contest) == some


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_management_and_judging(request, actor, contest, tree, officer_a, officer_b, staff, judge, judge2):
    entries = [services.submit_entry(_create(contest, officer, tree[unit]), actor=officer)
               for officer, unit in ((officer_a, "commune_a"), (officer_b, "commune_b"))]
    managers = {"staff", "superuser"}
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.assign_judge(entries[0], actor=u, judge=judge2), managers)
    assignment = services.assign_judge(entries[0], actor=staff, judge=judge)
    pk = assignment.pk
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.unassign_judge(assignment, actor=u), managers)
    assignment = JudgeAssignment.objects.get(pk=pk)  # delete() in the rolled-back attempt cleared its pk
    services.assign_judge(entries[1], actor=staff, judge=judge)
    settings_obj = services.settings_of(contest)
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.change_stage(settings_obj, actor=u, to=ContestStage.JUDGING), managers)
    services.change_stage(settings_obj, actor=staff, to=ContestStage.JUDGING)
    assert_rules_agree(request, actor, "contests.score_entry", assignment,
          lambda u: services.save_scores(assignment, actor=u, values=_scores(contest, "8", "7", "4")), {"judge"})
    for a in (assignment, entries[1].assignments.get()):
        services.save_scores(a, actor=judge, values=_scores(contest, "8", "7", "4"))
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.change_stage(settings_obj, actor=u, to=ContestStage.CLOSED), managers)
    services.change_stage(settings_obj, actor=staff, to=ContestStage.CLOSED)
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.propose_prizes(contest, actor=u), managers)
    services.propose_prizes(contest, actor=staff)
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.confirm_prizes(contest, actor=u), managers)
    services.confirm_prizes(contest, actor=staff)
    assert_rules_agree(request, actor, "contests.manage_contest", contest,
          lambda u: services.publish_results(contest, actor=u), managers)
