"""Nomination workflow by services: quotas, eligibility, votes, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from awards import services
from awards.choices import NominationStatus as S
from awards.eligibility import eligibility_reasons
from awards.models import Nomination
from campaigns.models import AwardForm, Criterion, Quota
from organization.choices import Role
from organization.models import PerformanceRating, Person
from tests.conftest import make_user


def _approve_path(tn, nomination, meeting, yes=5, no=0):
    tn.to_council(nomination)
    services.record_tally(meeting, nomination, actor=tn.staff, yes=yes, no=no)
    services.approve_nomination(nomination, actor=tn.leader)


# Proposals beyond the quota are accepted at submission (issue 11): see
# tests/awards/test_quotas.py for the limit at approval and decision.


def test_fourth_individual_refused_at_approval(tn):
    """The quota is checked again at approval: here staff lowered it from 4 to the
    plan's 3 after four nominations had been submitted."""
    quota = Quota.objects.get(round=tn.round, subject="individual")
    quota.max_count = 4
    quota.save()
    people = tn.people("DT-TAMNONG-PHUCUONG", 4)
    noms = [tn.nominate(tn.officer_pc, person=p) for p in people]
    meeting = tn.meeting()
    for n in noms:
        tn.to_council(n)
        services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    quota.max_count = 3
    quota.save()
    for n in noms[:3]:
        services.approve_nomination(n, actor=tn.leader)
    with pytest.raises(services.AwardsError, match="Vượt chỉ tiêu"):
        services.approve_nomination(noms[3], actor=tn.leader)
    noms[3].refresh_from_db()
    assert noms[3].status == S.TO_COUNCIL


def test_failing_must_meet_criterion_shows_why(tn, client):
    from scoring.models import CriterionResult

    unit = tn.units["DT-TAMNONG-PHUCUONG"]
    n = tn.nominate(tn.officer_pc, unit=unit)
    crit = Criterion.objects.get(campaign=tn.campaign, code="tt-ho-so-truc-tuyen")
    # The scoring app stored its results when the report was pre-filled; the recompute
    # found 42.5 % against the plan's 50 %.
    CriterionResult.objects.update_or_create(round=tn.round, criterion=crit, participant=n.participant,
                                             defaults={"met": False, "value": "42.5", "computed_at": timezone.now()})
    reasons = [r for r in eligibility_reasons(n) if r.blocking]
    assert len(reasons) == 1
    assert "Chưa đạt tiêu chí bắt buộc: Từ 50% trở lên số hồ sơ TTHC" in reasons[0].message
    assert "kết quả: 42,5" in reasons[0].message and "≥ 50" in reasons[0].message
    with pytest.raises(services.AwardsError, match="Chưa đạt tiêu chí bắt buộc"):
        services.submit_nomination(n, actor=tn.officer_pc)
    client.force_login(tn.officer_pc)
    page = client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()
    assert "Chưa đạt tiêu chí bắt buộc: Từ 50% trở lên số hồ sơ TTHC" in page
    # The head of that commune is tied to the unit's result.
    head = Person.objects.get(unit=unit, is_head=True)
    PerformanceRating.objects.update_or_create(person=head, year=2023, defaults={"rating": "excellent"})
    head_nom = tn.nominate(tn.officer_pc, person=head)
    assert any("Người đứng đầu" in r.message and r.blocking for r in eligibility_reasons(head_nom))


def test_rating_and_discipline_block(tn):
    from campaigns.choices import CriterionKind, Requirement

    # The rating is demanded only where a rating criterion binds (issue 11); this one binds every round.
    Criterion.objects.create(campaign=tn.campaign, subject="individual", code="cn-xep-loai", kind=CriterionKind.RATING,
                             requirement=Requirement.MUST_MEET, text="Được xếp loại hoàn thành tốt nhiệm vụ trở lên.")
    done, disciplined = tn.people("DT-TAMNONG-PHUCUONG", 2)
    PerformanceRating.objects.filter(person=done, year=2023).update(rating="done")
    PerformanceRating.objects.filter(person=disciplined, year=2023).update(disciplined=True, discipline_note="Khiển trách")
    msgs = [r.message for r in eligibility_reasons(tn.nominate(tn.officer_pc, person=done))]
    assert any("cần từ “Hoàn thành tốt nhiệm vụ” trở lên" in m for m in msgs)
    msgs = [r.message for r in eligibility_reasons(tn.nominate(tn.officer_pc, person=disciplined))]
    assert any("Bị kỷ luật trong năm 2023 (Khiển trách)" in m for m in msgs)
    PerformanceRating.objects.filter(person=done).delete()
    assert any("Chưa có kết quả xếp loại" in r.message for r in eligibility_reasons(Nomination.objects.get(person=done)))


def test_improvement_criterion_reason(tn):
    from campaigns.choices import Comparator, CriterionKind, Requirement
    from scoring.models import CriterionResult

    crit = Criterion.objects.create(campaign=tn.campaign, subject="collective", code="tang-bac", text="Tăng điểm hoặc tăng bậc so với năm trước",
                                    kind=CriterionKind.INDICATOR, requirement=Requirement.MUST_MEET, indicator_code="par_index",
                                    comparator=Comparator.IMPROVE)
    n = tn.nominate(tn.officer_pc, unit=tn.units["DT-TAMNONG-PHUCUONG"])
    CriterionResult.objects.update_or_create(round=tn.round, criterion=crit, participant=n.participant,
                                             defaults={"met": False, "value": "80", "computed_at": timezone.now()})
    assert any("Chưa tăng điểm hoặc tăng bậc so với năm trước" in r.message and r.blocking for r in eligibility_reasons(n))


def test_deadline_enforced_unless_exception(tn):
    officer = make_user("tamnong.xa.phuduc", tn.units["DT-TAMNONG-PHUDUC"], Role.OFFICER)
    person = tn.people("DT-TAMNONG-PHUDUC", 1)[0]
    n = tn.nominate(officer, person=person)
    with pytest.raises(services.AwardsError, match="quá hạn gửi hồ sơ"):
        services.submit_nomination(n, actor=officer)
    services.submit_nomination(n, actor=officer, today=date(2023, 7, 10))  # on the deadline day itself
    assert n.status == S.SUBMITTED
    with pytest.raises(services.AwardsError, match="Chỉ cán bộ thi đua"):
        services.grant_deadline_exception(tn.round, actor=officer, unit=officer.profile.unit, until=date(2099, 1, 1), reason="x")
    events = AuditEvent.objects.filter(action="awards.deadline.grant")
    assert events.count() == 2  # the fixture's two exceptions, recorded


def test_below_threshold_vote_cannot_be_approved(tn):
    a, b = tn.people("DT-TAMNONG-PHUCUONG", 2)
    meeting = tn.meeting(members=5, present=5)
    na, nb = tn.nominate(tn.officer_pc, person=a), tn.nominate(tn.officer_pc, person=b)
    tn.to_council(na), tn.to_council(nb)
    services.record_tally(meeting, na, actor=tn.staff, yes=2, no=3)
    with pytest.raises(services.AwardsError, match="Không đạt tỷ lệ phiếu đồng ý: 2 phiếu, cần quá bán"):
        services.approve_nomination(na, actor=tn.leader)
    with pytest.raises(services.AwardsError, match="Chưa có kết quả bỏ phiếu"):
        services.approve_nomination(nb, actor=tn.leader)
    services.record_tally(meeting, nb, actor=tn.council, yes=3, no=2)
    services.approve_nomination(nb, actor=tn.leader)
    assert nb.status == S.APPROVED


def test_threshold_of_all_members_and_quorum(tn):
    """CSTĐCS-style threshold: ≥ 80% of ALL members, absentees' written opinions count."""
    form = AwardForm.objects.create(campaign=tn.campaign, order=9, name="Chiến sĩ thi đua cơ sở", award_type="cstdcs",
                                    level="district", subject="individual", vote_threshold_percent=80)
    a, b = tn.people("DT-TAMNONG-PHUCUONG", 2)
    meeting = tn.meeting(members=5, present=4)
    na, nb = tn.nominate(tn.officer_pc, person=a, form=form), tn.nominate(tn.officer_pc, person=b, form=form)
    tn.to_council(na), tn.to_council(nb)
    services.record_tally(meeting, na, actor=tn.staff, yes=3, no=1)  # 3/5 = 60 %
    with pytest.raises(services.AwardsError, match="80% tổng số thành viên"):
        services.approve_nomination(na, actor=tn.leader)
    services.record_tally(meeting, nb, actor=tn.staff, yes=3, no=1, absent_yes=1, absent_opinions="Đồng ý (văn bản ngày 11/7)")
    services.approve_nomination(nb, actor=tn.leader)  # 4/5 = 80 %
    no_quorum = tn.meeting(members=6, present=3)
    services.return_nomination(na, actor=tn.staff, reason="Bổ sung minh chứng")
    tn.to_council(na)
    services.record_tally(no_quorum, na, actor=tn.staff, yes=3, no=0)
    with pytest.raises(services.AwardsError, match="không đủ số thành viên dự họp"):
        services.approve_nomination(na, actor=tn.leader)
    with pytest.raises(services.AwardsError, match="vượt số thành viên có mặt"):
        services.record_tally(no_quorum, na, actor=tn.staff, yes=4, no=0)


def test_every_transition_is_audited_and_trail_is_immutable(tn):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    services.submit_nomination(n, actor=tn.officer_pc)
    services.return_nomination(n, actor=tn.staff, reason="Thiếu minh chứng sáng kiến")
    assert n.status == S.RETURNED and n.return_reason == "Thiếu minh chứng sáng kiến"
    services.submit_nomination(n, actor=tn.officer_pc)
    meeting = tn.meeting()
    services.appraise_nomination(n, actor=tn.staff)
    services.send_to_council(n, actor=tn.staff)
    services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    services.approve_nomination(n, actor=tn.leader)
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    services.issue_decision(decision, actor=tn.leader, number="12", decision_date=date(2023, 7, 15))
    events = list(AuditEvent.objects.for_object(n).exclude(from_state="", to_state=""))
    transitions = [(e.from_state, e.to_state) for e in events if e.from_state]
    assert sorted(transitions) == sorted([
        ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"), ("submitted", "appraised"),
        ("appraised", "to_council"), ("to_council", "approved"), ("approved", "decided"),
    ])
    by_action = {e.action: e for e in events}
    assert by_action["awards.nomination.return"].comment == "Thiếu minh chứng sáng kiến"
    assert by_action["awards.nomination.approve"].actor == tn.leader
    event = by_action["awards.nomination.submit"]
    event.comment = "sửa"
    with pytest.raises(PermissionError, match="không được sửa"):
        event.save()
    with pytest.raises(PermissionError, match="không được xóa"):
        event.delete()
    with pytest.raises(PermissionError, match="không được xóa"):
        AuditEvent.objects.for_object(n).delete()
    with pytest.raises(PermissionError, match="không được sửa"):
        AuditEvent.objects.for_object(n).update(comment="x")


def test_audit_and_workflow_rows_read_only_in_admin(tn, client):
    from django.contrib.auth import get_user_model

    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    services.submit_nomination(n, actor=tn.officer_pc)
    admin = get_user_model().objects.create_superuser("quantri", "a@example.org", "x-pass-123456")
    client.force_login(admin)
    event = AuditEvent.objects.for_object(n).first()
    assert client.post(f"/quan-tri/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/quan-tri/audit/auditevent/{event.pk}/change/", {"comment": "x"}).status_code == 403
    assert client.post(f"/quan-tri/awards/nomination/{n.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/quan-tri/awards/nomination/{n.pk}/change/", {"status": "decided"}).status_code == 403
    n.refresh_from_db()
    assert n.status == S.SUBMITTED and AuditEvent.objects.filter(pk=event.pk).exists()


def test_wrong_roles_refused(tn):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    with pytest.raises(services.AwardsError, match="Chỉ đơn vị đề nghị được sửa, gửi hồ sơ này"):
        services.submit_nomination(n, actor=tn.officer_al)  # another commune's officer
    services.submit_nomination(n, actor=tn.officer_pc)
    with pytest.raises(services.AwardsError, match="Chỉ cán bộ thi đua"):
        services.appraise_nomination(n, actor=tn.officer_pc)
    with pytest.raises(services.AwardsError, match="lý do"):
        services.return_nomination(n, actor=tn.staff, reason="  ")
    services.appraise_nomination(n, actor=tn.staff)
    services.send_to_council(n, actor=tn.staff)
    with pytest.raises(services.AwardsError, match="Chỉ lãnh đạo"):
        services.approve_nomination(n, actor=tn.staff)
    with pytest.raises(services.AwardsError, match="phải thuộc đơn vị đề nghị"):
        services.create_nomination(tn.round, actor=tn.officer_al, award_form=tn.giay_khen, person=tn.people("DT-TAMNONG-PHUCUONG", 2)[1])
