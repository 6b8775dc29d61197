"""The Tờ trình costs the same number of queries whatever the number of nominees
(issue 14, acceptance 5): nominees awaiting the leader's approval after a council
vote used to cost two queries each (their latest tally and its meeting's members)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.choices import NominationStatus
from awards.documents import proposal_context, render_html
from awards.models import Nomination, VoteTally
from campaigns.models import Participant
from organization.models import Person


def _nominees(tn, meeting, start: int, count: int) -> None:
    """``count`` individuals the council passed (5 of 5 votes), every third already
    approved by the leader; written directly: the workflow is tested elsewhere."""
    group = tn.campaign.groups.get(code="ca-nhan")
    communes = [u for code, u in sorted(tn.units.items()) if u.kind == "commune"]
    for i in range(start, start + count):
        unit = communes[i % len(communes)]
        person = Person.objects.create(code=f"TTR-{i:04d}", full_name=f"Trần Thị Hồng Nhung {i:03d}", gender="female",
                                       category="cong_chuc", position="Công chức Văn phòng – Thống kê", unit=unit)
        participant = Participant.objects.create(campaign=tn.campaign, person=person, group=group)
        status = NominationStatus.APPROVED if i % 3 == 2 else NominationStatus.TO_COUNCIL
        n = Nomination.objects.create(round=tn.round, award_form=tn.giay_khen, subject="individual", person=person,
                                      participant=participant, group=group, proposing_unit=unit, status=status)
        VoteTally.objects.create(meeting=meeting, nomination=n, yes=5)
    # One the council turned down: the Tờ trình leaves it out.
    rejected = Nomination.objects.create(round=tn.round, award_form=tn.giay_khen, subject="individual",
                                         person=Person.objects.create(code=f"TTR-X{start}", full_name=f"Không Đạt {start}",
                                                                      category="cong_chuc", unit=communes[0]),
                                         proposing_unit=communes[0], status=NominationStatus.TO_COUNCIL)
    VoteTally.objects.create(meeting=meeting, nomination=rejected, yes=1, no=4)


def _render(decision) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        html = render_html("awards/print/proposal.html", proposal_context(decision))
    return len(queries), html


def test_proposal_queries_do_not_grow_with_nominees(tn):
    meeting = tn.meeting()
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5",
                                        meeting=meeting)
    _nominees(tn, meeting, 0, 3)
    few, html = _render(decision)
    assert html.count("Trần Thị Hồng Nhung") == 3 and "Không Đạt" not in html

    _nominees(tn, meeting, 3, 27)
    many, html = _render(decision)
    assert html.count("Trần Thị Hồng Nhung") == 30 and "Không Đạt" not in html
    assert many == few, f"{few} queries for 3 nominees, {many} for 30"
