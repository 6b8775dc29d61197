"""Incremental recompute (issue 14, acceptance 6): after one commune's upload the
criteria are evaluated for that commune (and its ancestors), not for the whole
campaign, and the stored results equal those of a clean full recompute.

2,000 communes under one province, rows made with bulk_create; the upload's
hand-off is the signal the one-stop import sends (``facts_committed``), so the
run goes through the receiver, the run row and the same task as in production."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from campaigns.choices import (
    CampaignKind,
    CampaignStatus,
    Comparator,
    CriterionKind,
    MeasuredOn,
    RoundKind,
    Subject,
)
from campaigns.models import Campaign, Criterion, Participant, ParticipantGroup, Round
from organization.choices import UnitKind
from organization.models import Unit
from scoring.criteria import stats
from scoring.models import CriterionResult, RecomputeRun
from scoring.onestop.models import Dossier, ImportBatch
from scoring.onestop.signals import facts_committed
from scoring.runs import recompute_now

from .conftest import dossier, make_campaign, make_dossiers

N = 2000
JAN = datetime.date(2023, 1, 1)


def _snapshot(round_: Round) -> dict[tuple[int, int], tuple]:
    return {(r.criterion_id, r.participant_id): (r.met, r.value, r.points, r.detail)
            for r in CriterionResult.objects.filter(round=round_)}


@pytest.fixture
def big_campaign(db, indicators):
    province = Unit.objects.create(code="T-LON", name="UBND tỉnh Lớn", kind=UnitKind.PROVINCE)
    Unit.objects.bulk_create([Unit(code=f"XL{i:04d}", name=f"UBND xã {i}", kind=UnitKind.COMMUNE, parent=province,
                                   depth=1, sort_order=i) for i in range(N)])
    Unit.objects.filter(parent=province).update(path=Concat(Value(province.path), Cast("id", CharField()), Value("/")))
    communes = list(Unit.objects.filter(parent=province).order_by("sort_order"))
    campaign = Campaign.objects.create(
        code="thi-dua-lon", title="Thi đua CCHC cấp tỉnh", kind=CampaignKind.THEMATIC, issuing_unit=province,
        start_date=JAN, end_date=datetime.date(2023, 12, 31), status=CampaignStatus.LAUNCHED)
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="UBND các xã", subject=Subject.COLLECTIVE,
                                            unit_kinds=[UnitKind.COMMUNE])
    round_ = Round.objects.create(campaign=campaign, name="Tổng kết năm 2023", kind=RoundKind.YEAR_END,
                                  period_start=JAN, period_end=datetime.date(2023, 12, 31))
    specs = [
        {"code": "truc-tuyen-50", "comparator": Comparator.GTE, "threshold": Decimal(50), "max_points": Decimal(10)},
        {"code": "cao-nhat", "comparator": Comparator.MAX},
        {"code": "tinh-40", "comparator": Comparator.GTE, "threshold": Decimal(40), "measured_on": MeasuredOn.ISSUER},
        {"code": "minh-chung", "kind": CriterionKind.ATTESTATION, "indicator_code": ""},
    ]
    criteria = [Criterion.objects.create(campaign=campaign, subject=Subject.COLLECTIVE, order=i, text=f"Tiêu chí {i}",
                                         **{"kind": CriterionKind.INDICATOR, "indicator_code": "online_dossier_rate",
                                            **spec})
                for i, spec in enumerate(specs, 1)]
    Participant.objects.bulk_create([Participant(campaign=campaign, group=group, unit=u) for u in communes])
    # Commune i: (i % 7) online of (i % 7) + 3 dossiers in January: many ties, one best value (6/9).
    rows = []
    for i, u in enumerate(communes):
        rows += [dossier(u, JAN.replace(day=5), channel="online", level="full") for _ in range(i % 7)]
        rows += [dossier(u, JAN.replace(day=6)) for _ in range(3)]
    Dossier.objects.bulk_create(rows, batch_size=2000)
    recompute_now(reason="khởi tạo")
    return {"province": province, "communes": communes, "round": round_, "criteria": criteria}


def _upload(commune: Unit, online: int, capture) -> RecomputeRun:
    """New dossiers of one commune, then the import's hand-off as the upload sends it."""
    Dossier.objects.bulk_create([dossier(commune, JAN.replace(day=20), channel="online", level="full")
                                 for _ in range(online)])
    with capture(execute=True):
        facts_committed.send(sender=ImportBatch, unit_months={commune.pk: {JAN}}, actor=None, reason="import:test",
                             batch=None)
    return RecomputeRun.objects.order_by("-pk").first()


def _participant(round_: Round, unit: Unit) -> Participant:
    return Participant.objects.get(campaign_id=round_.campaign_id, unit=unit)


@pytest.mark.django_db
def test_one_commune_upload_evaluates_that_commune_only_and_equals_full(big_campaign,
                                                                         django_capture_on_commit_callbacks):
    round_, criteria = big_campaign["round"], big_campaign["criteria"]
    maximum, on_issuer = criteria[1].pk, criteria[2].pk
    before = _snapshot(round_)
    assert len(before) == N * len(criteria)

    # 1. Commune 1001 (0 online of 3, far down the group) uploads 2 online: 2/5 = 40 %.
    commune = big_campaign["communes"][1001]
    me = _participant(round_, commune)
    stats.reset()
    run = _upload(commune, 2, django_capture_on_commit_callbacks)
    assert run.unit_ids == [commune.pk] and run.status == "done"
    # Its four criteria, plus the issuer's criterion once for every participant.
    assert stats.evaluations <= len(criteria) + 1
    after = _snapshot(round_)
    assert after[(maximum, me.pk)][3]["value"] == 40.0
    moved = {k for k in after if after[k] != before[k] and k[1] != me.pk}
    # Others' rows changed only where their place in the group moved (re-derived from
    # stored values, counted apart) or the issuer's shared result changed.
    group_moved = {k for k in moved if k[0] == maximum}
    assert stats.group_updates == len(group_moved) > 0
    assert len(group_moved) < N
    assert moved == group_moved | {k for k in moved if k[0] == on_issuer}

    # 2. Commune 14 (0 of 3) uploads 20 online: 20/23 beats the former best 6/9, so
    # every measured member's "best" changes — rewritten, still not evaluated.
    commune = big_campaign["communes"][14]
    me = _participant(round_, commune)
    stats.reset()
    _upload(commune, 20, django_capture_on_commit_callbacks)
    assert stats.evaluations <= len(criteria) + 1
    after = _snapshot(round_)
    best = after[(maximum, me.pk)]
    assert best[0] is True and "hạng 1/" in best[3]["explanation"]
    others = [v for (c, p), v in after.items() if c == maximum and p != me.pk and v[1] is not None]
    assert others and not any(v[0] for v in others)  # the former best no longer is
    assert stats.group_updates == len(others)

    # 3. A clean full recompute evaluates everyone and stores exactly the same results.
    stats.reset()
    recompute_now(reason="toàn bộ")
    assert stats.evaluations >= N * 3
    assert _snapshot(round_) == after


@pytest.mark.django_db
def test_a_criterion_added_since_is_evaluated_for_everyone_at_the_next_upload(tree, indicators):
    """Stored results that do not cover the configuration make the round's
    evaluation a full one: the unit that did not upload gets the new criterion too."""
    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, JAN, online=3, direct=1)
    make_dossiers(b, JAN, online=1, direct=3)
    campaign, _, round_, (pa, pb) = make_campaign(tree, criteria=[
        {"code": "c1", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    added = Criterion.objects.create(campaign=campaign, subject=Subject.COLLECTIVE, code="c2", order=2, text="Mới",
                                     kind=CriterionKind.INDICATOR, indicator_code="online_dossier_rate",
                                     comparator=Comparator.GTE, threshold=Decimal(20))
    make_dossiers(a, JAN, online=1)
    stats.reset()
    recompute_now(unit_ids=[a.pk], months=[JAN])
    assert stats.evaluations == 4  # both criteria for both communes: a full evaluation of the round
    assert CriterionResult.objects.get(round=round_, criterion=added, participant=pb).met is True
    stats.reset()
    make_dossiers(a, JAN, online=1)
    recompute_now(unit_ids=[a.pk], months=[JAN])
    assert stats.evaluations == 2  # covered again: commune A's two criteria only
