"""Tam Nông 2023 (seed plan) as loaded by the lead's demo loader, with helpers to
run a nomination through the workflow by services."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from awards import services
from campaigns.models import Campaign
from organization.models import PerformanceRating, Person, Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class TamNong:
    def __init__(self) -> None:
        from campaigns.demo import load_base

        load_base()
        # The data migration's rows are gone after a transactional test flushed the
        # database: re-apply them (idempotent upsert).
        from awards.legal_data import apply
        from awards.models import BaseSalary, BonusCoefficient, LegalRegime

        apply(LegalRegime, BonusCoefficient, BaseSalary)
        User = get_user_model()
        self.campaign = Campaign.objects.get(code="tam-nong-2023")
        self.round = self.campaign.rounds.get(order=1)
        self.round2 = self.campaign.rounds.get(order=2)
        self.giay_khen = self.campaign.award_forms.get(order=1)
        self.units = {u.code: u for u in Unit.objects.filter(code__startswith="DT-TAMNONG")}
        self.staff = User.objects.get(username="tamnong.thidua")
        self.council = User.objects.get(username="tamnong.hoidong")
        self.leader = User.objects.get(username="tamnong.chutich")
        self.officer_pc = User.objects.get(username="tamnong.xa.phucuong")
        self.officer_al = User.objects.get(username="tamnong.xa.anlong")
        for code in ("DT-TAMNONG-PHUCUONG", "DT-TAMNONG-ANLONG"):
            services.grant_deadline_exception(self.round, actor=self.staff, unit=self.units[code], until=date(2099, 12, 31),
                                              reason="Thử nghiệm: mở lại hạn gửi hồ sơ")

    def people(self, code: str, n: int, rating: str = "good") -> list[Person]:
        people = list(Person.objects.filter(unit__code=code, is_head=False).order_by("code")[:n])
        for p in people:
            PerformanceRating.objects.update_or_create(person=p, year=2023, defaults={"rating": rating, "disciplined": False})
        return people

    def nominate(self, officer, *, person=None, unit=None, form=None, round_=None, report: bool = True):
        """A draft nomination; ``report``: with an achievement the officer wrote (an empty
        report cannot be submitted)."""
        n = services.create_nomination(round_ or self.round, actor=officer, award_form=form or self.giay_khen,
                                       person=person, unit=unit)
        if report:
            services.update_report(n, actor=officer, duties="", achievements=["Hoàn thành 100% nội dung Kế hoạch CCHC."],
                                   other="", awards_received="", summary="")
        return n

    def to_council(self, nomination):
        services.submit_nomination(nomination, actor=self.officer_for(nomination))
        services.appraise_nomination(nomination, actor=self.staff, note="Hồ sơ đầy đủ")
        services.send_to_council(nomination, actor=self.staff)
        return nomination

    def officer_for(self, nomination):
        return self.officer_for_unit(nomination.proposing_unit.code)

    def officer_for_unit(self, code: str):
        return self.officer_pc if code == "DT-TAMNONG-PHUCUONG" else self.officer_al

    def meeting(self, members: int = 5, present: int = 5):
        specs = []
        for i in range(members):
            specs.append({"name": f"Thành viên {i + 1}", "position": "Ủy viên Hội đồng", "council_role": "Chủ tịch Hội đồng" if i == 0 else ("Thư ký" if i == 1 else "Ủy viên"),
                          "is_chair": i == 0, "is_secretary": i == 1, "present": i < present})
        return services.create_meeting(self.round, actor=self.staff, held_at=datetime(2023, 7, 12, 8, 0, tzinfo=TZ),
                                       location="Hội trường UBND huyện Tam Nông", members=specs, number="3")


@pytest.fixture
def tn(db) -> TamNong:
    return TamNong()
