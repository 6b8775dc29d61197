"""Campaign pages: Vietnamese, constant queries, staff-only editing with audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from campaigns.models import Campaign, Participant, ParticipantGroup, Round
from campaigns.services import CampaignError, change_campaign_status
from organization.models import Person, Unit


@pytest.fixture
def campaign(tree):
    c = Campaign.objects.create(code="kh-thu", title="Phong trào thử nghiệm", kind="thematic",
                                issuing_unit=tree["district"], start_date=date(2023, 3, 1),
                                end_date=date(2023, 10, 31), status="launched",
                                funding_source="Từ nguồn CCHC năm 2023")
    Round.objects.create(campaign=c, name="Sơ kết 6 tháng", kind="six_month", period_start=date(2023, 3, 1),
                         period_end=date(2023, 6, 30), nomination_deadline=date(2023, 7, 5))
    return c


def add_participants(campaign, district, n):
    units_group, _ = ParticipantGroup.objects.get_or_create(campaign=campaign, code="xa", defaults={"name": "Các xã", "subject": "collective"})
    people_group, _ = ParticipantGroup.objects.get_or_create(campaign=campaign, code="cn", defaults={"name": "Cá nhân", "subject": "individual"})
    start = Unit.objects.count()
    for i in range(n):
        unit = Unit.objects.create(code=f"XA-N{start + i}", name=f"UBND xã Số {start + i}", kind="commune", parent=district)
        Participant.objects.create(campaign=campaign, group=units_group, unit=unit)
        person = Person.objects.create(code=f"P-{start + i}", full_name=f"Cá nhân {i}", gender="male",
                                       category="cong_chuc", unit=unit)
        Participant.objects.create(campaign=campaign, group=people_group, person=person)


def test_detail_runs_constant_queries_as_participants_grow(client, staff, campaign, tree, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("campaigns:detail", args=[campaign.code])
    add_participants(campaign, tree["district"], 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_participants(campaign, tree["district"], 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    # Each unit shows twice: as a collective participant and as its person's unit.
    assert response.content.decode().count("UBND xã Số") == 2 * 43


def test_detail_is_vietnamese_with_vietnamese_dates(client, officer_a, campaign):
    client.force_login(officer_a)
    html = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()
    assert "Từ 01/03/2023 đến hết ngày 31/10/2023" in html
    assert "Hạn gửi hồ sơ: đến hết ngày 05/07/2023" in html
    assert "Đợt xét và chỉ tiêu số lượng khen thưởng" in html
    assert "Sửa thông tin chung" not in html  # officers do not manage campaigns


def test_staff_creates_campaign_with_audit(client, staff, tree):
    client.force_login(staff)
    response = client.post(reverse("campaigns:create"), {
        "code": "kh-moi", "title": "Phong trào mới", "kind": "regular", "issuing_unit": tree["district"].pk,
        "start_date": "01/01/2024", "end_date": "31/12/2024", "doc_symbol": "KH-UBND",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Campaign.objects.get(code="kh-moi")
    assert created.status == "draft" and created.start_date == date(2024, 1, 1)
    event = AuditEvent.objects.for_object(created).get()
    assert event.action == "campaign.create" and event.actor == staff


def test_staff_cannot_issue_campaign_for_unit_outside_scope(client, staff, tree):
    client.force_login(staff)
    response = client.post(reverse("campaigns:create"), {
        "code": "kh-so", "title": "Kế hoạch sở", "kind": "regular", "issuing_unit": tree["department"].pk,
        "start_date": "01/01/2024", "end_date": "31/12/2024",
    })
    assert response.status_code == 200  # the form refuses a unit outside the scope
    assert not Campaign.objects.filter(code="kh-so").exists()


def test_end_before_start_refused_in_vietnamese(client, staff, tree):
    client.force_login(staff)
    response = client.post(reverse("campaigns:create"), {
        "code": "kh-sai", "title": "Sai ngày", "kind": "regular", "issuing_unit": tree["district"].pk,
        "start_date": "31/12/2024", "end_date": "01/01/2024",
    })
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in response.content.decode()


@pytest.mark.parametrize("actor", ["officer_a", "officer_b", "council_member", "leader", "judge"])
def test_non_staff_cannot_edit_or_change_status(request, client, actor, campaign):
    user = request.getfixturevalue(actor)
    client.force_login(user)
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.get(reverse("campaigns:edit", args=[campaign.code])).status_code in (403, 404)
    assert client.get(reverse("campaigns:section", args=[campaign.code, "criteria"])).status_code in (403, 404)
    client.post(reverse("campaigns:status", args=[campaign.code]), {"to": "closed"})
    campaign.refresh_from_db()
    assert campaign.status == "launched"
    assert not AuditEvent.objects.filter(action="campaign.status").exists()


def test_staff_edits_criteria_section(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:section", args=[campaign.code, "criteria"])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-order": "1", "criteria-0-code": "tt-online", "criteria-0-subject": "collective",
        "criteria-0-text": "Từ 50% hồ sơ trực tuyến", "criteria-0-kind": "indicator", "criteria-0-requirement": "must_meet",
        "criteria-0-indicator_code": "online_dossier_rate", "criteria-0-comparator": "gte", "criteria-0-threshold": "50",
    })
    assert response.status_code == 302
    assert campaign.criteria.get().threshold == 50
    assert AuditEvent.objects.filter(action="campaign.criteria.update").exists()


def test_status_follows_transition_map(staff, campaign):
    with pytest.raises(CampaignError, match="Không thể chuyển"):
        change_campaign_status(campaign, actor=staff, to="draft")
    change_campaign_status(campaign, actor=staff, to="closed")
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    event = AuditEvent.objects.get(action="campaign.status")
    assert (event.from_state, event.to_state) == ("launched", "closed")


def test_audit_events_cannot_be_changed_or_deleted(staff, campaign):
    change_campaign_status(campaign, actor=staff, to="closed")
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError, match="không được sửa"):
        event.comment = "sửa"
        event.save()
    with pytest.raises(PermissionError, match="không được xóa"):
        event.delete()
    with pytest.raises(PermissionError, match="không được xóa"):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError, match="không được sửa"):
        AuditEvent.objects.update(comment="x")


def test_quota_percentage_floor_and_absolute(campaign):
    from campaigns.models import Quota

    r = campaign.rounds.get()
    pct = Quota(round=r, subject="individual", kind="percentage", percentage=15, rounding="floor")
    assert pct.limit(12) == 1 and pct.limit(20) == 3 and pct.limit(6) == 0
    assert Quota(round=r, subject="individual", kind="percentage", percentage=15, rounding="ceil").limit(12) == 2
    assert Quota(round=r, subject="individual", kind="absolute", max_count=3).limit() == 3


def test_staff_registers_participants_and_officer_cannot(client, staff, officer_a, campaign, tree):
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="Các xã", subject="collective",
                                            unit_kinds=["commune"])
    url = reverse("campaigns:participants_register", args=[campaign.code, group.code])
    client.force_login(officer_a)
    assert client.post(url, {"ids": [tree["commune_a"].pk]}).status_code == 403
    assert not Participant.objects.exists()
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "UBND xã A" in page and "Phòng Nội vụ" not in page  # offices are not in this group
    client.post(url, {"ids": [tree["commune_a"].pk, tree["commune_b"].pk, tree["office"].pk]})
    assert set(Participant.objects.values_list("unit__code", flat=True)) == {"XA-A", "XA-B"}
    assert AuditEvent.objects.filter(action="campaign.participants.register").exists()


def test_staff_edits_groups_with_ticked_kinds(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:section", args=[campaign.code, "groups"])
    response = client.post(url, {
        "groups-TOTAL_FORMS": "1", "groups-INITIAL_FORMS": "0", "groups-MIN_NUM_FORMS": "0", "groups-MAX_NUM_FORMS": "1000",
        "groups-0-order": "1", "groups-0-code": "phong", "groups-0-name": "Các phòng chuyên môn", "groups-0-subject": "collective",
        "groups-0-unit_kinds": ["office", "public_service"],
    })
    assert response.status_code == 302
    assert campaign.groups.get().unit_kinds == ["office", "public_service"]
