"""Eligibility as plans mean it (issue 11): criteria bind only their rounds and
participant categories, a target can be the issuer's result, the deadline wording,
the appraiser's marks and an empty report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from awards import services
from awards.choices import NominationStatus as S
from awards.eligibility import eligibility_reasons
from campaigns.choices import CriterionKind, DeadlineWording, MeasuredOn, Requirement, RoundKind
from campaigns.models import Campaign, Criterion, Participant
from organization.choices import PersonCategory, Role
from organization.models import PerformanceRating, Person, Unit
from tests.conftest import make_user


def _rating_criterion(campaign: Campaign) -> Criterion:
    """The Hà Nam wording on Tam Nông: a yearly rating, demanded at year end of rated staff only."""
    return Criterion.objects.create(
        campaign=campaign, subject="individual", code="cn-xep-loai", order=99, kind=CriterionKind.RATING,
        requirement=Requirement.MUST_MEET, text="Được đánh giá, xếp loại hoàn thành tốt nhiệm vụ trở lên.",
        round_kinds=[RoundKind.YEAR_END, RoundKind.PERIOD_END],
        person_categories=[c.value for c in PersonCategory if c != PersonCategory.POST_STAFF],
    )


def test_six_month_round_accepts_post_office_and_civil_servant_without_rating(tn):
    _rating_criterion(tn.campaign)
    postal = Person.objects.filter(unit__code="DT-TAMNONG-BUUDIEN", category=PersonCategory.POST_STAFF, is_head=False).first()
    civil = Person.objects.filter(unit__code="DT-TAMNONG-PHUCUONG", category=PersonCategory.CIVIL_SERVANT, is_head=False).first()
    PerformanceRating.objects.filter(person__in=[postal, civil]).delete()  # no yearly rating exists in July
    district = tn.units["DT-TAMNONG"]
    for round_ in (tn.round, tn.round2):
        services.grant_deadline_exception(round_, actor=tn.staff, unit=district, until=date(2099, 12, 31), reason="Thử nghiệm")
    # Six-month review (July): neither is asked for a rating; both are sent.
    n_postal = tn.nominate(tn.staff, person=postal)
    n_civil = tn.nominate(tn.officer_pc, person=civil)
    assert not any("xếp loại" in r.message for r in eligibility_reasons(n_civil))
    services.submit_nomination(n_postal, actor=tn.staff)
    services.submit_nomination(n_civil, actor=tn.officer_pc)
    assert {n.status for n in (n_postal, n_civil)} == {S.SUBMITTED}
    # Year end: the civil servant's missing rating blocks; post-office staff have none to give.
    y_postal = tn.nominate(tn.staff, person=postal, round_=tn.round2)
    y_civil = tn.nominate(tn.officer_pc, person=civil, round_=tn.round2)
    with pytest.raises(services.AwardsError, match="Chưa có kết quả xếp loại mức độ hoàn thành nhiệm vụ năm 2023"):
        services.submit_nomination(y_civil, actor=tn.officer_pc)
    services.submit_nomination(y_postal, actor=tn.staff)
    PerformanceRating.objects.create(person=civil, year=2023, rating="done")
    with pytest.raises(services.AwardsError, match="cần từ “Hoàn thành tốt nhiệm vụ” trở lên"):
        services.submit_nomination(y_civil, actor=tn.officer_pc)


def test_deadline_before_the_tenth_means_up_to_the_ninth(tn):
    ha_nam = Campaign.objects.get(code="ha-nam-sgtvt-2023-2025").rounds.get(order=1)
    assert ha_nam.deadline_wording == DeadlineWording.BEFORE and ha_nam.last_submission_day == date(2024, 1, 9)
    tn.round.nomination_deadline, tn.round.deadline_wording = date(2024, 1, 10), DeadlineWording.BEFORE
    tn.round.save()
    officer = make_user("tamnong.xa.phuduc", tn.units["DT-TAMNONG-PHUDUC"], Role.OFFICER)
    n = tn.nominate(officer, person=Person.objects.filter(unit__code="DT-TAMNONG-PHUDUC", is_head=False).first())
    with pytest.raises(services.AwardsError, match=r"quá hạn gửi hồ sơ.*trước ngày 10/01/2024 \(hạn cuối 09/01/2024\)"):
        services.submit_nomination(n, actor=officer, today=date(2024, 1, 10))
    services.submit_nomination(n, actor=officer, today=date(2024, 1, 9))
    assert n.status == S.SUBMITTED


def test_target_on_the_issuers_result_is_met_by_every_contributing_unit(db):
    """Hà Nam: "góp phần đảm bảo chỉ tiêu Sở được chấm đạt từ 90 điểm" is the Sở's one score."""
    from campaigns.demo import load_base
    from scoring.criteria import evaluate_participants
    from scoring.models import IndexResult

    load_base()
    campaign = Campaign.objects.get(code="ha-nam-sgtvt-2023-2025")
    crit = campaign.criteria.get(code="tt-par-90")
    assert crit.measured_on == MeasuredOn.ISSUER
    round_ = campaign.rounds.get(order=1)
    offices = list(Participant.objects.filter(campaign=campaign, unit__isnull=False))
    sgtvt = Unit.objects.get(code="HNA-SGTVT")
    IndexResult.objects.create(unit=sgtvt, year=2023, index_code="par_index", score=Decimal("91.5"))
    results = evaluate_participants(round_, offices, save=False)
    par90 = [r for rows in results.values() for r in rows if r.criterion_id == crit.pk]
    assert len(par90) == len(offices) == 4
    assert all(r.met is True and r.value == Decimal("91.5") for r in par90)
    assert "Kết quả chung của Sở Giao thông vận tải Hà Nam" in par90[0].detail["explanation"]
    IndexResult.objects.filter(unit=sgtvt).update(score=Decimal("88"))
    results = evaluate_participants(round_, offices, save=False)
    assert {r.met for rows in results.values() for r in rows if r.criterion_id == crit.pk} == {False}


def test_tam_nong_late_dossiers_is_ranked_not_must_meet(db):
    from campaigns.demo import load_base

    load_base()
    crit = Criterion.objects.get(campaign__code="tam-nong-2023", code="tt-tre-han")
    assert crit.requirement == Requirement.SCORED


def test_empty_or_placeholder_report_cannot_be_submitted(tn):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person, report=False)
    with pytest.raises(services.AwardsError, match="chưa có nội dung thành tích"):
        services.submit_nomination(n, actor=tn.officer_pc)
    count = len(n.report["achievements"])
    services.update_report(n, actor=tn.officer_pc, duties="", achievements=["(Nêu thành tích đạt được)"] + ["……"] * (count - 1),
                           other="", awards_received="", summary="")
    with pytest.raises(services.AwardsError, match="còn nguyên nội dung mẫu"):
        services.submit_nomination(n, actor=tn.officer_pc)
    services.update_report(n, actor=tn.officer_pc, duties="", achievements=["Số hóa 1.250 hồ sơ, không hồ sơ trễ hạn."],
                           other="", awards_received="", summary="")
    services.submit_nomination(n, actor=tn.officer_pc)
    assert n.status == S.SUBMITTED


def test_appraiser_marks_attested_criteria_with_a_note(tn):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    services.submit_nomination(n, actor=tn.officer_pc)
    must = Criterion.objects.get(campaign=tn.campaign, code="cn-ke-hoach")
    scored = Criterion.objects.get(campaign=tn.campaign, code="cn-sang-kien")
    # The proposing officer and staff of another district cannot appraise.
    other_staff = make_user("dakrong.thidua2", Unit.objects.get(code="QT-DAKRONG"), Role.STAFF)
    for wrong in (tn.officer_pc, other_staff):
        with pytest.raises(services.AwardsNotAllowed, match="Chỉ cán bộ thi đua – khen thưởng được thẩm định"):
            services.mark_criteria(n, actor=wrong, marks={must.pk: (True, "")})
    with pytest.raises(services.AwardsError, match="thẩm định Không đạt: cần ghi rõ lý do"):
        services.mark_criteria(n, actor=tn.staff, marks={must.pk: (False, "")})
    services.mark_criteria(n, actor=tn.staff, marks={must.pk: (False, "Chưa có báo cáo kết quả thực hiện kế hoạch"),
                                                     scored.pk: (True, "Sáng kiến được xã công nhận")})
    n.refresh_from_db()
    assert n.appraisal_marks[str(must.pk)] == {"met": False, "note": "Chưa có báo cáo kết quả thực hiện kế hoạch"}
    blocking = [r.message for r in eligibility_reasons(n) if r.blocking]
    assert blocking == ["Thẩm định Không đạt: Tham mưu thực hiện tốt, hoàn thành đầy đủ các nội dung, chương trình theo "
                        "Kế hoạch CCHC năm 2023 của Huyện và của đơn vị, địa phương (Chưa có báo cáo kết quả thực hiện kế hoạch)."]
    with pytest.raises(services.AwardsError, match="tiêu chí bắt buộc được thẩm định Không đạt"):
        services.appraise_nomination(n, actor=tn.staff)
    event = AuditEvent.objects.filter(action="awards.nomination.mark_criteria").latest("id")
    assert event.data["marks"][str(must.pk)]["met"] is False
    services.mark_criteria(n, actor=tn.staff, marks={must.pk: (True, "Đã bổ sung báo cáo")})
    services.appraise_nomination(n, actor=tn.staff, note="Đủ điều kiện")
    assert n.status == S.APPRAISED
    with pytest.raises(services.AwardsError, match="không thẩm định được"):
        services.mark_criteria(n, actor=tn.staff, marks={must.pk: (True, "")})


def test_staff_tick_to_whom_and_when_a_criterion_applies(tn, client):
    from django.urls import reverse

    client.force_login(tn.staff)
    url = reverse("campaigns:section", args=[tn.campaign.code, "criteria"])
    page = client.get(url).content.decode()
    assert "Chỉ áp dụng cho loại đợt xét" in page and "Nhân viên bưu điện" in page
    existing = list(tn.campaign.criteria.order_by("subject", "order", "id"))
    data = {"criteria-TOTAL_FORMS": str(len(existing) + 1), "criteria-INITIAL_FORMS": str(len(existing)),
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000"}
    fields = ["order", "code", "subject", "text", "kind", "requirement", "indicator_code", "comparator"]
    for i, c in enumerate(existing):
        data.update({f"criteria-{i}-id": str(c.pk), **{f"criteria-{i}-{f}": getattr(c, f) for f in fields}})
        if c.threshold is not None:
            data[f"criteria-{i}-threshold"] = str(c.threshold)
    new = len(existing)
    data.update({f"criteria-{new}-order": "20", f"criteria-{new}-code": "cn-xep-loai", f"criteria-{new}-subject": "individual",
                 f"criteria-{new}-text": "Được xếp loại hoàn thành tốt nhiệm vụ trở lên.", f"criteria-{new}-kind": "rating",
                 f"criteria-{new}-requirement": "must_meet", f"criteria-{new}-round_kinds": ["year_end"],
                 f"criteria-{new}-person_categories": ["cong_chuc", "vien_chuc"]})
    assert client.post(url, data).status_code == 302
    crit = tn.campaign.criteria.get(code="cn-xep-loai")
    assert (crit.round_kinds, crit.person_categories, crit.measured_on) == (["year_end"], ["cong_chuc", "vien_chuc"], "participant")
    assert crit.applicability_display == "Chỉ áp dụng: đợt Tổng kết năm; Công chức, Viên chức"
    # Officers of a commune cannot change it.
    client.force_login(tn.officer_pc)
    assert client.post(url, data).status_code in (403, 404)



def test_campaign_page_says_to_whom_and_when_criteria_apply(db, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from campaigns.demo import load_base

    load_base()
    client.force_login(get_user_model().objects.get(username="hanam.sgtvt.vanphong"))
    page = client.get(reverse("campaigns:detail", args=["ha-nam-sgtvt-2023-2025"])).content.decode()
    assert "Chỉ áp dụng: đợt Tổng kết năm, Tổng kết giai đoạn; Cán bộ, Công chức, Viên chức" in page
    assert "so với kết quả chung của cơ quan phát động" in page
    assert "Hạn gửi hồ sơ: trước ngày 10/01/2024 (hạn cuối 09/01/2024)" in page
