"""Helpers of the scoring tests: facts are created directly (the import pipeline is
tested by the one-stop app); the recompute then derives everything from them."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from openpyxl import Workbook

from scoring.defaults import ensure_default_indicators
from scoring.onestop.models import Dossier, MonthlyReport, Procedure
from tests.worker_support import celery_worker_process  # noqa: F401  (fixture for worker tests)

_seq = itertools.count(1)


def dossier(unit, received: datetime.date, *, channel: str = "direct", level: str = "", resolved=None, due=None,
            procedure: str = "P1", **extra) -> Dossier:
    return Dossier(
        code=f"HS-{next(_seq):07d}", unit=unit, procedure_code=procedure, channel=channel, online_level=level,
        received_on=received, due_on=due, resolved_on=resolved, **extra,
    )


def make_dossiers(unit, month: datetime.date, *, online: int = 0, direct: int = 0, postal: int = 0, **extra) -> list[Dossier]:
    rows = []
    day = month.replace(day=10)
    for _ in range(online):
        rows.append(dossier(unit, day, channel="online", level="full", **extra))
    for _ in range(direct):
        rows.append(dossier(unit, day, channel="direct", **extra))
    for _ in range(postal):
        rows.append(dossier(unit, day, channel="postal", **extra))
    Dossier.objects.bulk_create(rows)
    return rows


def report(unit, month: datetime.date, **values) -> MonthlyReport:
    base = dict(received_total=0, received_online=0, received_direct_postal=0, carried_over=0, resolved_total=0,
                resolved_early=0, resolved_on_time=0, resolved_late=0, pending_total=0, pending_in_time=0,
                pending_overdue=0)
    base.update(values)
    return MonthlyReport.objects.create(unit=unit, month=month, **base)


def procedure(unit, code: str, level: str = "full", fee: bool = False) -> Procedure:
    return Procedure.objects.create(unit=unit, code=code, name=f"Thủ tục {code}", online_level=level, fee_bearing=fee)


def xlsx(rows: list[list]) -> bytes:
    """A one-sheet workbook of these rows (index-result imports)."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def indicators(db):
    ensure_default_indicators()


D = Decimal


def make_campaign(tree, *, code: str = "thi-dua-test", criteria: list[dict] | None = None, units=None, year: int = 2023):
    """A campaign of the district with one commune group, one round (the year) and
    the given indicator criteria; the communes registered as participants."""
    from campaigns.choices import CampaignKind, CampaignStatus, CriterionKind, RoundKind, Subject
    from campaigns.models import Campaign, Criterion, Participant, ParticipantGroup, Round
    from organization.choices import UnitKind

    campaign = Campaign.objects.create(
        code=code, title="Thi đua CCHC thử nghiệm", kind=CampaignKind.THEMATIC, issuing_unit=tree["district"],
        start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31), status=CampaignStatus.LAUNCHED,
    )
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="UBND các xã", subject=Subject.COLLECTIVE,
                                            unit_kinds=[UnitKind.COMMUNE])
    round_ = Round.objects.create(campaign=campaign, name=f"Tổng kết năm {year}", kind=RoundKind.YEAR_END,
                                  period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    for i, spec in enumerate(criteria or [], 1):
        Criterion.objects.create(campaign=campaign, subject=Subject.COLLECTIVE, code=spec.pop("code", f"c{i}"), order=i,
                                 text=spec.pop("text", f"Tiêu chí {i}"), kind=spec.pop("kind", CriterionKind.INDICATOR), **spec)
    participants = [Participant.objects.create(campaign=campaign, group=group, unit=u)
                    for u in (units or [tree["commune_a"], tree["commune_b"]])]
    return campaign, group, round_, participants
