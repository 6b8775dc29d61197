"""Quotas cap what is awarded, not what is proposed (issue 11): units propose more
than the places, the council chooses, approval and decision hold the limit."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEvent
from awards import services
from awards.choices import NominationStatus as S
from campaigns.models import Quota


def test_five_proposals_for_three_places_fourth_approval_refused(tn, client):
    people = tn.people("DT-TAMNONG-PHUCUONG", 3) + tn.people("DT-TAMNONG-ANLONG", 2)
    noms = [tn.nominate(tn.officer_for_unit(p.unit.code), person=p) for p in people]
    for n in noms:  # all five are accepted although the plan gives three places
        services.submit_nomination(n, actor=tn.officer_for(n))
    assert [n.status for n in noms] == [S.SUBMITTED] * 5
    client.force_login(tn.staff)
    page = client.get(f"/khen-thuong/dot/{tn.round.pk}/").content.decode()
    assert "Không quá 03 cá nhân có thành tích tiêu biểu, xuất sắc" in page and "5 đề nghị / 3 chỉ tiêu (đã duyệt 0)" in page
    client.force_login(tn.officer_pc)
    assert "5 đề nghị / 3 chỉ tiêu" in client.get(f"/khen-thuong/ho-so/{noms[0].pk}/").content.decode()

    meeting = tn.meeting()
    for n in noms:
        services.appraise_nomination(n, actor=tn.staff)
        services.send_to_council(n, actor=tn.staff)
        services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    # An officer of a commune cannot approve, not even their own unit's nominee.
    with pytest.raises(services.AwardsNotAllowed, match="Chỉ lãnh đạo được duyệt"):
        services.approve_nomination(noms[0], actor=tn.officer_pc)
    for n in noms[:3]:
        services.approve_nomination(n, actor=tn.leader)
    with pytest.raises(services.AwardsError, match="Vượt chỉ tiêu “Không quá 03 cá nhân.*đã có 3 hồ sơ trong chỉ tiêu tối đa 03"):
        services.approve_nomination(noms[3], actor=tn.leader)
    noms[3].refresh_from_db()
    assert noms[3].status == S.TO_COUNCIL
    assert not AuditEvent.objects.filter(object_id=str(noms[3].pk), action="awards.nomination.approve").exists()

    # The decision holds the limit too: staff lowered the quota to 2 after three approvals.
    Quota.objects.filter(round=tn.round, subject="individual").update(max_count=2)
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    with pytest.raises(services.AwardsError, match="Không ban hành được: Vượt chỉ tiêu .*3 hồ sơ, tối đa 02"):
        services.issue_decision(decision, actor=tn.leader, number="12", decision_date=date(2023, 7, 15))
    assert not noms[0].__class__.objects.filter(round=tn.round, status=S.DECIDED).exists()


def test_percentage_quota_applies_its_rounding_at_approval(tn):
    quota = Quota.objects.get(round=tn.round, subject="individual")
    quota.kind, quota.percentage, quota.rounding, quota.max_count = "percentage", 3, "floor", None
    quota.save()
    base = tn.campaign.participants.filter(person__isnull=False).count()
    limit = base * 3 // 100
    people = tn.people("DT-TAMNONG-PHUCUONG", limit + 1)
    noms = [tn.nominate(tn.officer_pc, person=p) for p in people]
    meeting = tn.meeting()
    for n in noms:
        tn.to_council(n)
        services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    for n in noms[:limit]:
        services.approve_nomination(n, actor=tn.leader)
    with pytest.raises(services.AwardsError, match=f"tối đa {limit:02d}"):
        services.approve_nomination(noms[limit], actor=tn.leader)


def test_returned_nomination_is_corrected_and_resubmitted(tn):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    services.submit_nomination(n, actor=tn.officer_pc)
    services.return_nomination(n, actor=tn.staff, reason="Bổ sung minh chứng sáng kiến.")
    assert n.status == S.RETURNED
    # Another commune's officer can neither correct nor resubmit it.
    with pytest.raises(services.AwardsNotAllowed, match="Chỉ đơn vị đề nghị"):
        services.update_report(n, actor=tn.officer_al, duties="", achievements=["x"], other="", awards_received="", summary="")
    with pytest.raises(services.AwardsNotAllowed, match="Chỉ đơn vị đề nghị"):
        services.submit_nomination(n, actor=tn.officer_al)
    services.update_report(n, actor=tn.officer_pc, duties="", achievements=["Sáng kiến số hóa hồ sơ được xã công nhận."],
                           other="", awards_received="", summary="Đã bổ sung minh chứng.")
    services.submit_nomination(n, actor=tn.officer_pc)
    n.refresh_from_db()
    assert n.status == S.SUBMITTED and n.return_reason == ""
    actions = list(AuditEvent.objects.filter(object_id=str(n.pk), action__startswith="awards.nomination.")
                   .order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["awards.nomination.return", "awards.nomination.edit_report", "awards.nomination.submit"]
