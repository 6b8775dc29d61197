"""Home page and JSON indicators API at two registry sizes (issue 14, acceptance 2):
the same number of queries and a bounded response however many units the user
sees. The lists (nominations, completeness, leaderboard, unit dashboard) are in
``test_lists.py``."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import CampaignKind, Subject
from campaigns.models import AwardForm, Campaign, Round
from organization.choices import UnitKind
from organization.models import Unit

#: issue 14: no HTML response above 200 KB; the API answer for one unit stays small.
MAX_HTML = 200_000
MAX_JSON = 50_000


def _communes(parent: Unit, start: int, count: int) -> list[Unit]:
    return [Unit.objects.create(code=f"QM-{i:04d}", name=f"UBND xã Quy Mô {i:04d}", kind=UnitKind.COMMUNE, parent=parent)
            for i in range(start, start + count)]


def _get(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content


@pytest.mark.django_db
def test_staff_home_counts_in_constant_queries(client, staff, tree):
    from model_bakery import baker

    from awards.choices import NominationStatus
    from awards.models import Nomination

    campaign = baker.make(Campaign, kind=CampaignKind.REGULAR, issuing_unit=tree["district"], code="qm-2026")
    round_ = baker.make(Round, campaign=campaign, name="Năm 2026")
    form = baker.make(AwardForm, campaign=campaign, name="Giấy khen của Chủ tịch UBND")

    def nominate(units: list[Unit]) -> None:
        Nomination.objects.bulk_create([
            Nomination(round=round_, award_form=form, subject=Subject.COLLECTIVE, unit=u, proposing_unit=u,
                       status=NominationStatus.SUBMITTED if i % 2 else NominationStatus.DRAFT)
            for i, u in enumerate(units)
        ])

    client.force_login(staff)
    nominate(_communes(tree["district"], 0, 6))
    small, body = _get(client, reverse("home"))
    assert "Hồ sơ khen thưởng chờ thẩm định" in body.decode()
    nominate(_communes(tree["district"], 6, 294))
    large, body = _get(client, reverse("home"))
    assert large == small, f"{small} queries at 6 communes, {large} at 300"
    assert len(body) < MAX_HTML
    # The counts are those of the larger registry (150 submitted of 300), read by one grouped count.
    waiting = (Nomination.objects.for_user(staff).filter(status=NominationStatus.SUBMITTED).count())
    assert waiting == 150 and f"?status={NominationStatus.SUBMITTED}" in body.decode()
    assert ">150<" in body.decode().replace(" ", "")


@pytest.mark.django_db
def test_indicators_api_in_constant_queries_and_size(client, staff, tree):
    from scoring.defaults import ensure_default_indicators
    from scoring.models import UnitMonthData

    ensure_default_indicators()

    def report(units: list[Unit]) -> None:
        UnitMonthData.objects.bulk_create([
            UnitMonthData(unit=u, month=datetime.date(2023, 3, 1), source="report", computed_at=timezone.now(),
                          received_total=10, received_in_period=10, received_online=6, resolved_total=10,
                          resolved_early=3, resolved_on_time=6, resolved_late=1)
            for u in units
        ])

    client.force_login(staff)
    url = reverse("scoring:api_indicators") + f"?unit={tree['district'].code}&from=2023-01&to=2023-12"
    report(_communes(tree["district"], 0, 5))
    small, body = _get(client, url)
    small_payload = json.loads(body)
    report(_communes(tree["district"], 5, 295))
    large, body = _get(client, url)
    payload = json.loads(body)
    assert large == small, f"{small} queries at 5 communes, {large} at 300"
    assert len(body) < MAX_JSON and len(payload["indicators"]) == len(small_payload["indicators"])
    online = {i["code"]: i for i in payload["indicators"]}["online_dossier_rate"]
    # Σ online / Σ received over the whole subtree: 300 × 6 / 300 × 10.
    assert online["numerator"] == 1800 and online["denominator"] == 3000 and online["value"] == 60
