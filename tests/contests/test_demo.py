from __future__ import annotations

import pytest

from audit.models import AuditEvent
from campaigns.demo import load_base
from contests import demo
from contests.choices import ContestStage
from contests.models import ContestSettings, Entry, JudgeAssignment, Score


@pytest.mark.django_db
def test_dakrong_demo_is_idempotent_and_left_in_judging():
    load_base()
    demo.load()
    contest = ContestSettings.objects.get(campaign__code=demo.CODE)
    assert contest.stage == ContestStage.JUDGING and contest.blind
    assert [e.measure_display for e in Entry.objects.order_by("code")] == ["1.350 chữ", "1.180 chữ", "5 phút 00 giây"]
    # Judge 2 works at Krông Klang: never assigned Krông Klang's entry.
    assert not JudgeAssignment.objects.filter(judge__username="dakrong.giamkhao2",
                                              entry__unit__code="QT-DAKRONG-KRONGKLANG").exists()
    counts = (Entry.objects.count(), JudgeAssignment.objects.count(), Score.objects.count(), AuditEvent.objects.count())
    demo.load()
    assert (Entry.objects.count(), JudgeAssignment.objects.count(), Score.objects.count(), AuditEvent.objects.count()) == counts
