"""Two people act on the same record at the same moment: exactly one wins.

Each race loads the record once (as two open browser tabs did), then runs the two
services in two threads, each with its own PostgreSQL connection, released together by
a barrier. ``audit.services.transition`` re-reads the row under ``SELECT … FOR UPDATE``
and re-checks the state inside the transaction, so the loser waits for the winner's
commit and is refused with the state the winner left; one audit event is written.

PostgreSQL only: SQLite has no row locks (it serializes whole writes), and the
embedded mode has one web process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from awards import services
from awards.choices import NominationStatus as S
from awards.models import Nomination
from core.errors import DomainError

pytestmark = [
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="row locks are PostgreSQL's; SQLite serializes every write"),
    pytest.mark.django_db(transaction=True),
]


def race(load: Callable[[], Any], *attempts: Callable[[Any], object]) -> list[object]:
    """Give each attempt its own copy from ``load()`` (two tabs opened on the same
    state), then run them at once; each result is "ok" or the DomainError it raised."""
    copies = [load() for _ in attempts]
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(i: int, attempt: Callable[[Any], object]) -> None:
        try:
            barrier.wait(timeout=10)
            attempt(copies[i])
            results[i] = "ok"
        except DomainError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def one_wins(results: list[object], refusal: str) -> None:
    assert results.count("ok") == 1, results
    (loser,) = [r for r in results if r != "ok"]
    assert isinstance(loser, DomainError), loser
    assert refusal in str(loser), str(loser)


def fresh(nomination: Nomination) -> Nomination:
    """A separate copy, as the second tab loaded it."""
    return Nomination.objects.get(pk=nomination.pk)


def events(nomination: Nomination, action: str) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(nomination.pk)).count()


@pytest.fixture
def tn(transactional_db):
    from tests.awards.conftest import TamNong

    return TamNong()


def test_every_nomination_step_has_one_winner(tn):
    people = tn.people("DT-TAMNONG-PHUCUONG", 3)
    a, b, c = (tn.nominate(tn.officer_pc, person=p) for p in people)

    # Two submissions of the same draft (a double click, two tabs).
    one_wins(race(lambda: fresh(a),
                  lambda n: services.submit_nomination(n, actor=tn.officer_pc),
                  lambda n: services.submit_nomination(n, actor=tn.officer_pc)),
             "không gửi được")
    assert events(a, "awards.nomination.submit") == 1

    # Two staff appraise the same dossier.
    one_wins(race(lambda: fresh(a),
                  lambda n: services.appraise_nomination(n, actor=tn.staff, note="Đủ"),
                  lambda n: services.appraise_nomination(n, actor=tn.staff, note="Đạt")),
             "người khác vừa chuyển sang “Đã thẩm định”")
    assert events(a, "awards.nomination.appraise") == 1

    # "Gửi Hội đồng" and "Trả lại" at the same moment: one of them, never both.
    results = race(lambda: fresh(a),
                  lambda n: services.send_to_council(n, actor=tn.staff),
                   lambda n: services.return_nomination(n, actor=tn.staff, reason="Thiếu minh chứng"))
    one_wins(results, "người khác vừa chuyển sang")
    a.refresh_from_db()
    assert (a.status == S.TO_COUNCIL) == (results[0] == "ok")
    assert events(a, "awards.nomination.to_council") + events(a, "awards.nomination.return") == 1

    # Appraise and return of one submitted dossier.
    services.submit_nomination(b, actor=tn.officer_pc)
    one_wins(race(lambda: fresh(b),
                  lambda n: services.appraise_nomination(n, actor=tn.staff),
                  lambda n: services.return_nomination(n, actor=tn.staff, reason="Sai họ tên")),
             "người khác vừa chuyển sang")

    # The leader approves twice, and approves while declining.
    meeting = tn.meeting()
    tn.to_council(c)
    services.record_tally(meeting, c, actor=tn.staff, yes=5, no=0)
    one_wins(race(lambda: fresh(c),
                  lambda n: services.approve_nomination(n, actor=tn.leader),
                  lambda n: services.approve_nomination(n, actor=tn.leader)),
             "không duyệt được")
    assert events(c, "awards.nomination.approve") == 1
    c2 = tn.nominate(tn.officer_al, person=tn.people("DT-TAMNONG-ANLONG", 1)[0])
    tn.to_council(c2)
    services.record_tally(meeting, c2, actor=tn.staff, yes=5, no=0)
    one_wins(race(lambda: fresh(c2),
                  lambda n: services.approve_nomination(n, actor=tn.leader),
                  lambda n: services.reject_nomination(n, actor=tn.leader, reason="Chưa tiêu biểu")),
             "")
    assert events(c2, "awards.nomination.approve") + events(c2, "awards.nomination.reject") == 1

    # The council meeting is closed once.
    from awards.models import CouncilMeeting

    one_wins(race(lambda: CouncilMeeting.objects.get(pk=meeting.pk),
                  lambda m: services.close_meeting(m, actor=tn.staff),
                  lambda m: services.close_meeting(m, actor=tn.staff)),
             "Không thể chuyển")

    # One decision is issued once.
    from awards.models import Decision

    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    one_wins(race(lambda: Decision.objects.get(pk=decision.pk),
                  lambda d: services.issue_decision(
                      d, actor=tn.leader, number="12", decision_date=date(2023, 7, 15)),
                  lambda d: services.issue_decision(
                      d, actor=tn.leader, number="13", decision_date=date(2023, 7, 15))),
             "")
    assert AuditEvent.objects.filter(action="awards.decision.issue", object_id=str(decision.pk)).count() == 1


def test_par_assessment_steps_have_one_winner(tree, officer_a, staff):
    from organization.choices import UnitKind
    from par_index import services as par
    from par_index.models import Assessment
    from tests.par_index.conftest import FULL, answers_by_code, build, fill

    framework = par.create_framework(actor=staff, year=2021, level=UnitKind.COMMUNE, issuing_unit=tree["district"],
                                     name="Bộ chỉ số CCHC cấp xã năm 2021")
    build(framework)
    assessment = par.start_assessment(framework, tree["commune_a"], actor=officer_a)
    fill(assessment, officer_a, FULL)

    def copy() -> Assessment:
        return Assessment.objects.get(pk=assessment.pk)

    one_wins(race(copy,
                  lambda x: par.submit_assessment(x, actor=officer_a),
                  lambda x: par.submit_assessment(x, actor=officer_a)), "")
    by_code = answers_by_code(assessment)
    par.appraise_answers(copy(), actor=staff, values={by_code[c].pk: (p, "") for c, p in FULL.items()})
    one_wins(race(copy,
                  lambda x: par.finalize_assessment(x, actor=staff),
                  lambda x: par.finalize_assessment(x, actor=staff)), "")
    assert AuditEvent.objects.filter(object_id=str(assessment.pk), to_state="finalized").count() == 1


def test_contest_stage_moves_once(tree, staff):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.choices import CampaignKind, CampaignStatus
    from campaigns.models import Campaign
    from contests import services as cs
    from contests.choices import ContestStage
    from contests.models import ContestSettings, RubricCriterion

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code="cuoc-thi-dua-tranh", title="Cuộc thi tuyên truyền CCHC", kind=CampaignKind.CONTEST,
        issuing_unit=tree["district"], start_date=today - timedelta(days=20), end_date=today + timedelta(days=30),
        status=CampaignStatus.LAUNCHED,
    )
    contest = ContestSettings.objects.create(
        campaign=campaign, submission_start=today - timedelta(days=20), submission_end=today - timedelta(days=1),
        judging_deadline=today + timedelta(days=16), results_date=today + timedelta(days=25),
        stage=ContestStage.SETUP, blind=True,
    )
    RubricCriterion.objects.create(contest=contest, order=1, name="Nội dung", weight=1, max_score=10)
    # Two managers open submissions at once.
    one_wins(race(lambda: ContestSettings.objects.get(pk=contest.pk),
                  lambda c: cs.change_stage(c, actor=staff, to=ContestStage.SUBMISSION),
                  lambda c: cs.change_stage(c, actor=staff, to=ContestStage.SUBMISSION)),
             "Không thể chuyển")
    assert AuditEvent.objects.filter(action="contest.stage", object_id=str(contest.pk)).count() == 1
