"""Who may do what in a contest: the one answer services (``require``) and
templates (``{% can %}``) both ask. Predicates are about who (role, unit,
assignment); the stage map in ``choices.py`` still decides what each stage allows.

Objects: the contest's ``Campaign``, an ``Entry`` (an unsaved one names the unit
of an entry about to be registered), a ``JudgeAssignment``, a ``ContestSettings``.
"""

from __future__ import annotations

from typing import Any

import rules

from campaigns.rules import manage_campaign
from organization.choices import Role
from organization.models import Unit
from organization.scope import has_role, role_of, unit_in_scope


@rules.predicate
def enters_for_units(user: Any) -> bool:
    """Officers and staff register entries for their units."""
    return has_role(user, Role.OFFICER, Role.STAFF)


@rules.predicate
def entry_unit_in_scope(user: Any, entry: Any) -> bool:
    return unit_in_scope(user, entry.unit)


@rules.predicate
def has_participant_unit(user: Any, campaign: Any) -> bool:
    """A unit registered in the contest lies in the user's subtree."""
    return any(unit_in_scope(user, u) for u in Unit.objects.filter(participations__campaign=campaign).distinct())


@rules.predicate
def is_assigned_judge(user: Any, assignment: Any) -> bool:
    """The judge the entry was assigned to, and only while they hold the judge role."""
    return assignment.judge_id == getattr(user, "pk", None) and has_role(user, Role.JUDGE)


@rules.predicate
def is_judge(user: Any) -> bool:
    return role_of(user) == Role.JUDGE


@rules.predicate
def revealed(_user: Any, contest: Any) -> bool:
    """Not blind, or the results are published (``ContestSettings.revealed``)."""
    return contest.revealed


@rules.predicate
def manages_results(user: Any, contest: Any) -> bool:
    """A manager of the contest once judging has closed: they propose the prizes
    from the frozen ranking, so they see it before publication (judges do not)."""
    return contest.results_ready and manage_campaign.test(user, contest.campaign)


@rules.predicate
def manages_entry_contest(user: Any, entry: Any) -> bool:
    return manage_campaign.test(user, entry.contest)


@rules.predicate
def has_a_role(user: Any) -> bool:
    return role_of(user) is not None


@rules.predicate
def is_superuser(user: Any) -> bool:
    return getattr(user, "is_superuser", False)


#: Emulation staff of the issuing unit's subtree run the contest: rules and rubric,
#: stages (judging closes there), judge assignments, prizes and publication.
rules.add_perm("contests.manage_contest", manage_campaign)
#: The "+ Nộp bài dự thi" button: officers and staff with a participant unit in scope.
rules.add_perm("contests.enter_contest", enters_for_units & has_participant_unit)
#: Register, submit or withdraw (delete a draft) an entry of one's own unit.
rules.add_perm("contests.submit_entry", enters_for_units & entry_unit_in_scope)
#: The judges' view of a contest: their assigned entries and the "Chấm" column.
rules.add_perm("contests.judge_entries", is_judge)
rules.add_perm("contests.score_entry", is_assigned_judge)
#: Authors and units are hidden from judges in blind mode until the results are
#: published (not when judging closes: it may be reopened).
rules.add_perm("contests.see_identity", ~is_judge | revealed | is_superuser)
#: Everybody's scores and aggregates: in blind mode nobody sees them while judging
#: runs (pretalx hides aggregates, PX #611); after judging closes the contest's
#: managers do (they propose the prizes), everybody else after publication.
rules.add_perm("contests.see_all_scores", is_superuser | (revealed & has_a_role) | manages_results)
#: The file as uploaded, with its metadata (author, company…): managers only;
#: everybody else downloads the stripped copy.
rules.add_perm("contests.download_original", manages_entry_contest)
