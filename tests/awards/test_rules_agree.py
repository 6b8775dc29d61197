"""What a page offers and what the service accepts cannot disagree: for every step of
the awards workflow and every shared actor, ``allowed(user, perm, obj)`` (the question
``{% can %}`` asks) is True exactly when the service accepts the action, which is
otherwise refused with ``NotAllowed`` / ``AwardsError``.

Each attempt runs in a savepoint that is rolled back, on an object read afresh, so
every actor meets the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction

from awards import services
from awards.choices import DocumentKind
from awards.models import CouncilMeeting, Decision, Nomination
from campaigns.models import Participant, Quota
from core.errors import NotAllowed
from organization.choices import Role
from organization.models import Unit
from organization.rules import allowed
from tests.awards.conftest import TZ
from tests.conftest import make_user


class _Rollback(Exception):
    """Undo an accepted attempt so the next actor meets the same state."""


def accepted(action: Callable[[], Any]) -> bool:
    try:
        with transaction.atomic():
            action()
            raise _Rollback
    except _Rollback:
        return True
    except (NotAllowed, services.AwardsError):
        return False


@pytest.fixture
def actors(tn, officer_a, officer_b, staff, council_member, leader, judge, no_unit_user) -> dict[str, Any]:
    """The round's own people (Tam Nông) and the shared actors of another province."""
    district = Unit.objects.get(code="DT-TAMNONG")
    return {
        "staff": tn.staff, "council": tn.council, "leader": tn.leader,
        "officer of the proposing commune": tn.officer_pc, "officer of another commune": tn.officer_al,
        "judge": make_user("tamnong.giamkhao", district, Role.JUDGE),
        "officer A elsewhere": officer_a, "officer B elsewhere": officer_b, "staff elsewhere": staff,
        "council elsewhere": council_member, "leader elsewhere": leader, "judge elsewhere": judge,
        "user with no unit": no_unit_user,
    }


@pytest.fixture
def states(tn) -> dict[str, Any]:
    """One object in each state a workflow step starts from, built by the services
    (the plan's quota of 03 individuals raised: quotas are not what is tested here)."""
    Quota.objects.filter(round=tn.round, subject="individual").update(max_count=20)
    people = tn.people("DT-TAMNONG-PHUCUONG", 4)
    draft, submitted, appraised, voting = (tn.nominate(tn.officer_pc, person=p) for p in people)
    approved = tn.nominate(tn.officer_pc, unit=tn.units["DT-TAMNONG-PHUCUONG"])
    services.submit_nomination(submitted, actor=tn.officer_pc)
    services.submit_nomination(appraised, actor=tn.officer_pc)
    services.appraise_nomination(appraised, actor=tn.staff)
    meeting = tn.meeting()
    for n in (voting, approved):
        tn.to_council(n)
    services.record_tally(meeting, voting, actor=tn.staff, yes=5, no=0)
    services.record_tally(meeting, approved, actor=tn.staff, yes=5, no=0)
    services.approve_nomination(approved, actor=tn.leader)
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    return {"draft": draft, "submitted": submitted, "appraised": appraised, "voting": voting, "meeting": meeting,
            "decision": decision}


def _nominee(actor: Any, tn) -> dict[str, Any]:
    """Someone the actor may pick on the form (a participant in their scope, not yet
    nominated), else a Phú Cường civil servant (for those who see no one here)."""
    mine = (Participant.objects.for_user(actor).filter(campaign=tn.campaign, person__isnull=False, person__is_head=False)
            .exclude(person__award_nominations__round=tn.round).select_related("person").first())
    return {"person": mine.person if mine else tn.people("DT-TAMNONG-PHUCUONG", 5)[4]}


def steps(tn, s: dict[str, Any]) -> list[tuple[str, str, Callable[[], Any], Callable[[Any], Any]]]:
    """(step, permission, the object it is asked about, the attempt by one actor)."""
    def nomination(key: str) -> Callable[[], Nomination]:
        return lambda: Nomination.objects.get(pk=s[key].pk)

    def meeting() -> CouncilMeeting:
        return CouncilMeeting.objects.get(pk=s["meeting"].pk)

    def decision() -> Decision:
        return Decision.objects.get(pk=s["decision"].pk)

    members = [{"name": f"Thành viên {i}", "position": "Ủy viên", "is_chair": i == 1, "is_secretary": i == 3} for i in (1, 2, 3)]
    return [
        ("create", "awards.add_nomination", lambda: tn.round,
         lambda a: services.create_nomination(tn.round, actor=a, award_form=tn.giay_khen, **_nominee(a, tn))),
        ("edit report", "awards.change_nomination", nomination("draft"),
         lambda a: services.update_report(nomination("draft")(), actor=a, duties="Nhiệm vụ", achievements=[], other="",
                                          awards_received="", summary="Tóm tắt")),
        ("refresh report", "awards.change_nomination", nomination("draft"),
         lambda a: services.refresh_report(nomination("draft")(), actor=a)),
        ("submit", "awards.submit_nomination", nomination("draft"),
         lambda a: services.submit_nomination(nomination("draft")(), actor=a)),
        ("appraise", "awards.appraise_nomination", nomination("submitted"),
         lambda a: services.appraise_nomination(nomination("submitted")(), actor=a)),
        ("return", "awards.return_nomination", nomination("submitted"),
         lambda a: services.return_nomination(nomination("submitted")(), actor=a, reason="Bổ sung minh chứng")),
        ("send to council", "awards.send_nomination_to_council", nomination("appraised"),
         lambda a: services.send_to_council(nomination("appraised")(), actor=a)),
        ("approve", "awards.approve_nomination", nomination("voting"),
         lambda a: services.approve_nomination(nomination("voting")(), actor=a)),
        ("reject", "awards.reject_nomination", nomination("voting"),
         lambda a: services.reject_nomination(nomination("voting")(), actor=a, reason="Chưa tiêu biểu")),
        ("print dossier", "awards.print_nomination", nomination("draft"),
         lambda a: services.request_documents(actor=a, nomination=nomination("draft")(), kinds=[DocumentKind.REPORT])),
        ("deadline exception", "awards.grant_deadline_exception", lambda: tn.round,
         lambda a: services.grant_deadline_exception(tn.round, actor=a, unit=tn.units["DT-TAMNONG-PHUCUONG"],
                                                     until=date(2099, 1, 1), reason="Gia hạn")),
        ("open meeting", "awards.add_meeting", lambda: tn.round,
         lambda a: services.create_meeting(tn.round, actor=a, held_at=datetime(2023, 7, 20, 8, 0, tzinfo=TZ),
                                           location="Hội trường", members=members)),
        ("attendance", "awards.record_meeting", meeting,
         lambda a: services.set_attendance(meeting(), actor=a, present_ids=[m.pk for m in meeting().members.all()])),
        ("vote", "awards.record_meeting", meeting,
         lambda a: services.record_tally(meeting(), nomination("voting")(), actor=a, yes=4, no=1)),
        ("close meeting", "awards.record_meeting", meeting, lambda a: services.close_meeting(meeting(), actor=a)),
        ("minutes", "awards.request_documents", meeting,
         lambda a: services.request_documents(actor=a, meeting=meeting(), kinds=[DocumentKind.MINUTES])),
        ("proposal", "awards.add_decision", lambda: tn.round,
         lambda a: services.create_decision(tn.round, actor=a, proposal_date=date(2023, 7, 14))),
        ("decision documents", "awards.request_documents", decision,
         lambda a: services.request_documents(actor=a, decision=decision(), kinds=[DocumentKind.PROPOSAL])),
        ("issue decision", "awards.issue_decision", decision,
         lambda a: services.issue_decision(decision(), actor=a, number="12", decision_date=date(2023, 7, 15))),
    ]


def test_pages_and_services_agree_for_every_role(tn, states, actors):
    disagreements = []
    for step, perm, obj, attempt in steps(tn, states):
        for name, actor in actors.items():
            may = allowed(actor, perm, obj())
            did = accepted(lambda actor=actor, attempt=attempt: attempt(actor))
            if may != did:
                disagreements.append(f"{step} / {name}: page says {may}, service {'accepted' if did else 'refused'}")
    assert not disagreements, "\n".join(disagreements)


def test_every_role_meets_both_outcomes(tn, states, actors):
    """The matrix is not trivially all-no: each step is accepted for someone and refused for someone."""
    for step, perm, obj, _attempt in steps(tn, states):
        answers = {allowed(actor, perm, obj()) for actor in actors.values()}
        assert answers == {True, False}, step
