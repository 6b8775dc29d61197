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

from awards import services
from awards.choices import DocumentKind
from awards.models import CouncilMeeting, Decision, Nomination
from campaigns.models import Participant, Quota
from organization.choices import Role
from organization.models import Unit
from organization.rules import allowed
from tests.awards.conftest import TZ
from tests.conftest import RULE_ACTORS, make_user, service_accepts


@pytest.fixture
def round_people(tn) -> dict[str, Any]:
    """Every role within the round's district (Tam Nông), where the answers differ."""
    district = Unit.objects.get(code="DT-TAMNONG")
    return {
        "staff": tn.staff, "council": tn.council, "leader": tn.leader,
        "officer of the proposing commune": tn.officer_pc, "officer of another commune": tn.officer_al,
        "judge": make_user("tamnong.giamkhao", district, Role.JUDGE),
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


def disagreements(tn, states: dict[str, Any], actors: dict[str, Any]) -> list[str]:
    """Every (step, actor) where the page's answer differs from the service's."""
    out = []
    for step, perm, obj, attempt in steps(tn, states):
        for name, actor in actors.items():
            may, did = allowed(actor, perm, obj()), service_accepts(attempt, actor)
            if may != did:
                out.append(f"{step} / {name}: page says {may}, service {'accepted' if did else 'refused'}")
    return out


def test_round_people_pages_and_services_agree(tn, states, round_people):
    assert not disagreements(tn, states, round_people)


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_shared_actors_pages_and_services_agree(request, tn, states, actor):
    """The shared actors work in another province: refused everywhere (pages agree),
    except the superuser, who is answered as the round's emulation staff."""
    name = request.node.callspec.params["actor"]
    assert not disagreements(tn, states, {name: actor})
    answers = [allowed(actor, perm, obj()) for _step, perm, obj, _attempt in steps(tn, states)]
    staff = [allowed(tn.staff, perm, obj()) for _step, perm, obj, _attempt in steps(tn, states)]
    assert answers == (staff if name == "superuser" else [False] * len(staff))


def test_every_step_is_open_to_someone_and_closed_to_someone(tn, states, round_people):
    """The matrix is not trivially all-yes or all-no."""
    for step, perm, obj, _attempt in steps(tn, states):
        answers = {allowed(actor, perm, obj()) for actor in round_people.values()}
        assert answers == {True, False}, step
