"""Scope fails closed: officers see their own subtree, a user with no unit sees nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Participant, ParticipantGroup
from organization.models import Unit, UserProfile
from organization.scope import unit_in_scope


def client_for(client, user):
    client.force_login(user)
    return client


def test_officer_gets_404_on_other_commune_unit_page(client, officer_a, tree):
    c = client_for(client, officer_a)
    assert c.get(reverse("organization:unit_detail", args=[tree["commune_a"].pk])).status_code == 200
    assert c.get(reverse("organization:unit_detail", args=[tree["commune_b"].pk])).status_code == 404
    assert c.get(reverse("organization:unit_detail", args=[tree["district"].pk])).status_code == 404


def test_officer_lists_only_own_subtree(client, officer_a, tree):
    html = client_for(client, officer_a).get(reverse("organization:unit_list")).content.decode()
    assert "UBND xã A" in html
    assert "UBND xã B" not in html and "Phòng Nội vụ" not in html


def test_user_without_unit_sees_nothing(client, no_unit_user, tree):
    c = client_for(client, no_unit_user)
    assert Unit.objects.for_user(no_unit_user).count() == 0
    assert "chưa được gán đơn vị" in c.get(reverse("home")).content.decode()
    assert c.get(reverse("organization:unit_detail", args=[tree["commune_a"].pk])).status_code == 404
    assert "UBND xã A" not in c.get(reverse("organization:unit_list")).content.decode()


def test_account_without_profile_sees_nothing(client, django_user_model, tree):
    user = django_user_model.objects.create_user("khong_ho_so", password="x-123456789")
    assert Unit.objects.for_user(user).count() == 0
    assert Campaign.objects.for_user(user).count() == 0
    client.force_login(user)
    assert client.get(reverse("organization:unit_detail", args=[tree["commune_a"].pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("organization:unit_list"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("actor", ["staff", "council_member", "leader", "judge"])
def test_district_roles_see_district_subtree_not_other_branches(request, actor, tree):
    user = request.getfixturevalue(actor)
    visible = set(Unit.objects.for_user(user).values_list("code", flat=True))
    assert visible == {"H-DEMO", "XA-A", "XA-B", "PNV"}
    assert not unit_in_scope(user, tree["department"])


def test_campaign_visibility(client, officer_a, officer_b, no_unit_user, tree):
    from datetime import date

    district_plan = Campaign.objects.create(code="kh-huyen", title="Kế hoạch huyện", kind="thematic",
                                            issuing_unit=tree["district"], start_date=date(2023, 1, 1),
                                            end_date=date(2023, 12, 31), status="launched")
    draft = Campaign.objects.create(code="du-thao", title="Dự thảo", kind="regular", issuing_unit=tree["district"],
                                    start_date=date(2023, 1, 1), end_date=date(2023, 12, 31))
    commune_plan = Campaign.objects.create(code="kh-xa-b", title="Kế hoạch xã B", kind="regular",
                                           issuing_unit=tree["commune_b"], start_date=date(2023, 1, 1),
                                           end_date=date(2023, 12, 31), status="launched")
    assert set(Campaign.objects.for_user(officer_a)) == {district_plan}
    assert set(Campaign.objects.for_user(officer_b)) == {district_plan, commune_plan}
    assert Campaign.objects.for_user(no_unit_user).count() == 0
    client.force_login(officer_a)
    assert client.get(reverse("campaigns:detail", args=["kh-xa-b"])).status_code == 404
    assert client.get(reverse("campaigns:detail", args=[draft.code])).status_code == 404
    # Officer A sees its own participation but not commune B's in the district plan.
    group = ParticipantGroup.objects.create(campaign=district_plan, code="xa", name="Các xã", subject="collective")
    Participant.objects.create(campaign=district_plan, group=group, unit=tree["commune_a"])
    Participant.objects.create(campaign=district_plan, group=group, unit=tree["commune_b"])
    html = client.get(reverse("campaigns:detail", args=["kh-huyen"])).content.decode()
    assert "UBND xã A" in html and "UBND xã B" not in html


def test_moving_a_unit_moves_its_subtree(tree):
    office = tree["office"]
    Unit.objects.create(code="PNV-TO", name="Tổ thi đua", kind="other", parent=office)
    office.parent = tree["province"]
    office.save()
    child = Unit.objects.get(code="PNV-TO")
    assert child.path.startswith(office.path) and child.depth == office.depth + 1
    assert not child.is_within(tree["district"])
    with pytest.raises(ValueError, match="cấp dưới của chính nó"):
        office.parent = child
        office.save()


def test_profile_roles_are_vietnamese(officer_a):
    assert UserProfile.objects.get(user=officer_a).get_role_display() == "Cán bộ đơn vị"
