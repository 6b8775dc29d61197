"""Who may act in the awards workflow: the one answer the services (guard) and the
pages (``{% can %}`` / ``allowed``) both ask, so they cannot disagree.

Every permission takes the object the action is about — a ``Nomination``, a
``CouncilMeeting``, a ``Decision`` or a ``Round`` (anything with a ``round``) — or
nothing ("may this user do it in some round at all?", e.g. the bulk-action menu).
Predicates answer WHO (role and unit scope); the state (transition map, meeting
open, decision draft) is checked by the services with its own message.
"""

from __future__ import annotations

from typing import Any

import rules

from campaigns.models import Campaign, Round
from organization.choices import Role
from organization.scope import has_role, unit_in_scope


def round_of(obj: Any) -> Round | None:
    """The round ``obj`` belongs to (``obj`` itself when it is a Round)."""
    if obj is None or isinstance(obj, Round):
        return obj
    return obj.round


def round_staff(*roles: str) -> rules.Predicate:
    """Users of one of ``roles`` whose subtree holds the unit that issued the
    round's campaign (staff, leader and council act on rounds issued above the
    communes). Without an object: the role alone."""

    @rules.predicate(name=f"round_staff({', '.join(roles)})")
    def check(user: Any, obj: Any = None) -> bool:
        round_ = round_of(obj)
        if round_ is None:
            return has_role(user, *roles)
        return has_role(user, *roles) and unit_in_scope(user, round_.campaign.issuing_unit)

    return check


@rules.predicate
def is_proposer(user: Any, nomination: Any = None) -> bool:
    """An officer (or emulation staff) of the proposing unit's subtree."""
    if not has_role(user, Role.OFFICER, Role.STAFF):
        return False
    return nomination is None or unit_in_scope(user, nomination.proposing_unit)


@rules.predicate
def is_nominating_officer(user: Any, nomination: Any = None) -> bool:
    """An officer of the proposing unit's subtree (prints its own dossier)."""
    return has_role(user, Role.OFFICER) and (nomination is None or unit_in_scope(user, nomination.proposing_unit))


@rules.predicate
def round_visible(user: Any, obj: Any = None) -> bool:
    """The round's campaign is one the user sees (issued above or within their unit,
    or one their unit takes part in); no object: any."""
    round_ = round_of(obj)
    return round_ is None or Campaign.objects.for_user(user).filter(pk=round_.campaign_id).exists()


@rules.predicate
def is_meeting_member(user: Any, meeting: Any = None) -> bool:
    """A council member of this meeting, linked to the user's account by the staff who
    opened it (a member may work in a phòng outside the issuer's own unit); without a
    meeting: any user of a council, leader or staff role."""
    if meeting is None:
        return has_role(user, Role.COUNCIL, Role.LEADER, Role.STAFF)
    if not getattr(user, "is_authenticated", False):
        return False
    return meeting.members.filter(user_id=user.pk).exists()


@rules.predicate
def is_meeting_voter(user: Any, meeting: Any = None) -> bool:
    """A voting member of this meeting linked to the user's account, other than its
    secretary: they cast a secret ballot, so they do not also count or record it."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    return meeting.members.filter(user_id=user.pk, is_secretary=False).exists()


@rules.predicate
def is_meeting_secretary(user: Any, meeting: Any = None) -> bool:
    """The meeting's secretary (thư ký), linked to the user's account."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    return meeting.members.filter(user_id=user.pk, is_secretary=True).exists()


may_nominate = rules.predicate(lambda user: has_role(user, Role.OFFICER, Role.STAFF), name="may_nominate") & round_visible
emulation_staff = round_staff(Role.STAFF)
staff_or_leader = round_staff(Role.STAFF, Role.LEADER)
round_leader = round_staff(Role.LEADER)
# The clerk of a meeting: emulation staff of the round, its secretary, or a council
# account of the round that is not itself voting there (finding 2 of the trial).
meeting_clerk = emulation_staff | is_meeting_secretary | (round_staff(Role.COUNCIL) & ~is_meeting_voter)
round_manager = round_staff(Role.STAFF, Role.LEADER, Role.COUNCIL)

PERMISSIONS: dict[str, rules.Predicate] = {
    # Rounds: the management pages (quotas, meetings, decisions, budget, export).
    "awards.manage_round": round_manager,
    "awards.grant_deadline_exception": emulation_staff,
    # Nominations.
    "awards.add_nomination": may_nominate,
    "awards.change_nomination": is_proposer,  # edit the report, refresh it, attach
    "awards.submit_nomination": is_proposer,
    "awards.appraise_nomination": emulation_staff,
    "awards.return_nomination": staff_or_leader,
    "awards.send_nomination_to_council": emulation_staff,
    "awards.approve_nomination": round_leader,
    "awards.reject_nomination": round_leader,
    "awards.print_nomination": round_manager | is_nominating_officer,
    # Council meetings: open one; staff or the secretary record it, the members vote.
    "awards.add_meeting": emulation_staff,
    "awards.record_meeting": meeting_clerk,  # attendance, paper tallies, written opinions, closing
    "awards.cast_ballot": is_meeting_member,  # one ballot in the portal
    # Decisions and the round's documents.
    "awards.add_decision": emulation_staff,
    "awards.issue_decision": staff_or_leader,
    "awards.request_documents": staff_or_leader,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
