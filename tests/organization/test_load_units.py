"""The official unit registry (issue 13, acceptance 1): ``manage.py load_units`` and
its staff page create a province and its communes from ``vietnam-provinces`` with
official codes, idempotently and all-or-nothing, audited; a 2026 campaign is then
set up on them through the campaign pages."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from vietnam_provinces import ProvinceCode, Ward

from audit.models import AuditEvent
from campaigns.models import Campaign, Participant
from organization import registry
from organization.choices import Role, UnitKind
from organization.models import Unit
from organization.services import unit_for_old_name
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DONG_THAP = ProvinceCode.P_82


def package_communes() -> dict[str, str]:
    """The package's own list for Đồng Tháp: official code → official name."""
    return {f"{int(w.code):05d}": w.name for w in Ward.iter_by_province(DONG_THAP)}


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_units", *args, stdout=out)
    return out.getvalue()


def test_load_units_creates_the_province_and_its_communes_with_official_codes():
    assert not Unit.objects.exists()  # an empty database
    output = load("--province", "Đồng Tháp")

    province = Unit.objects.get(official_code="82")
    assert (province.name, province.kind, province.parent, province.valid_from) == (
        "UBND tỉnh Đồng Tháp", UnitKind.PROVINCE, None, date(2025, 7, 1))
    communes = Unit.objects.filter(parent=province)
    expected = package_communes()
    assert len(expected) == 102  # NQ 1663/NQ-UBTVQH15 Điều 1 khoản 103: 82 xã and 20 phường
    assert {u.official_code: u.short_name for u in communes} == expected
    assert all(u.code == u.official_code and u.kind == UnitKind.COMMUNE and u.valid_from == date(2025, 7, 1)
               and u.valid_until is None for u in communes)
    assert communes.get(official_code="28261").name == "UBND phường Mỹ Tho"
    assert Unit.objects.count() == 1 + len(expected)
    assert "103 đơn vị — tạo mới 103, cập nhật 0, không đổi 0" in output
    # Audited with the system as actor: the command, the load, one event per unit created.
    assert AuditEvent.objects.filter(action="unit.registry.create", actor=None, actor_name="Hệ thống").count() == 103
    assert AuditEvent.objects.get(action="command.load_units").data["options"]["province"] == "Đồng Tháp"


def test_load_units_is_idempotent_and_restores_the_official_names():
    load("--province", "82")
    ids = dict(Unit.objects.values_list("code", "pk"))
    Unit.objects.filter(code="28261").update(name="UBND phường gõ sai")
    Unit.objects.filter(code="28249").update(email="daothanh@example.vn")  # the province's own data stays

    output = load("--province", "dong thap")  # no diacritics, other case
    assert "tạo mới 0, cập nhật 1, không đổi 102" in output
    assert dict(Unit.objects.values_list("code", "pk")) == ids  # nothing duplicated, nothing replaced
    assert Unit.objects.get(code="28261").name == "UBND phường Mỹ Tho"
    assert Unit.objects.get(code="28249").email == "daothanh@example.vn"
    event = AuditEvent.objects.get(action="unit.registry.update")
    assert event.data["changed"]["name"] == ["UBND phường gõ sai", "UBND phường Mỹ Tho"]


def test_unknown_province_is_refused_in_vietnamese():
    with pytest.raises(CommandError, match="Không có tỉnh, thành phố nào tên hoặc mã “Hà Tây”"):
        load("--province", "Hà Tây")
    assert not Unit.objects.exists()


def test_load_is_all_or_nothing(monkeypatch):
    real = registry.current_units

    def with_a_broken_last_row(province):
        rows = real(province)
        return rows + [registry.RegistryUnit(
            official_code="99999", code="99999", official_name="Xã Không Có", name="UBND xã Không Có",
            place_name="Không Có", kind=UnitKind.COMMUNE, parent_code="00000", valid_from=date(2025, 7, 1),
            valid_until=None)]

    monkeypatch.setattr(registry, "current_units", with_a_broken_last_row)
    with pytest.raises(KeyError, match="00000"):
        load("--province", "Đồng Tháp")
    assert not Unit.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="unit.registry").exists()


def test_history_adds_old_districts_and_communes_with_end_date_and_successor(client):
    output = load("--province", "Đồng Tháp", "--history")
    old = Unit.objects.filter(valid_until=date(2025, 6, 30))
    districts = old.filter(kind=UnitKind.DISTRICT)
    old_communes = old.filter(kind=UnitKind.COMMUNE)
    # Tiền Giang and the old Đồng Tháp merged: their districts sit under the new province.
    assert districts.count() == 23 and old_communes.count() == 305
    assert set(districts.values_list("parent__code", flat=True)) == {"82"}
    assert f"{103 + 23 + 305} đơn vị" in output
    assert not old_communes.filter(successor__isnull=True).exists()
    assert set(old_communes.values_list("successor__valid_until", flat=True)) == {None}  # successors are current
    phuong_1 = Unit.objects.get(code="28261-truoc-2025")
    assert (phuong_1.short_name, phuong_1.parent.short_name, phuong_1.successor.code) == (
        "Phường 1", "Thành phố Mỹ Tho", "28261")
    # NQ 1663 Điều 1 khoản 83: Phường 1, Phường 2 (Mỹ Tho) and phường Tân Long form phường Mỹ Tho.
    assert set(Unit.objects.get(code="28261").predecessors.values_list("short_name", flat=True)) == {
        "Phường 1", "Phường 2", "Phường Tân Long"}
    # An upload naming a unit as it was before 01/07/2025 finds today's unit.
    assert unit_for_old_name("Phường 1, Thành phố Mỹ Tho, Tỉnh Tiền Giang").code == "28261"
    assert unit_for_old_name("Không phải địa chỉ") is None
    # The unit pages show it.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123"))
    old_page = client.get(reverse("organization:unit_detail", args=[phuong_1.pk])).content.decode()
    assert "Hoạt động đến" in old_page and "UBND phường Mỹ Tho" in old_page
    new = client.get(reverse("organization:unit_detail", args=[phuong_1.successor.pk])).content.decode()
    assert "28261 (Phường Mỹ Tho)" in new and "Hoạt động từ</dt><dd>01/07/2025" in new
    assert "UBND phường 1" in new and "UBND phường Tân Long" in new


def test_staff_page_loads_for_superuser_and_own_province_staff_only(client, staff, tree):
    url = reverse("organization:load_units")
    client.force_login(staff)  # district staff: not a province's
    assert client.get(url).status_code == 403
    assert client.post(url, {"province": "82"}).status_code == 403

    from django.contrib.auth import get_user_model
    admin = get_user_model().objects.create_superuser("quantri", password="matkhau-thu-nghiem-123")
    client.force_login(admin)
    response = client.post(url, {"province": "82"})
    province = Unit.objects.get(code="82")
    assert response.status_code == 302 and response["Location"] == reverse("organization:unit_detail",
                                                                           args=[province.pk])
    assert AuditEvent.objects.get(action="unit.registry.load").actor == admin

    own = make_user("thidua_dongthap", province, Role.STAFF)
    client.force_login(own)
    page = client.get(url).content.decode()
    assert "Đồng Tháp" in page and "An Giang" not in page  # only their own province is offered
    assert client.post(url, {"province": "91"}).status_code == 200  # not a choice for them
    assert not Unit.objects.filter(code="91").exists()
    assert client.post(url, {"province": "82"}).status_code == 302


def test_a_2026_campaign_is_set_up_on_the_loaded_units_through_the_pages(client):
    load("--province", "Đồng Tháp")
    province = Unit.objects.get(code="82")
    client.force_login(make_user("thidua_dongthap", province, Role.STAFF))

    response = client.post(reverse("campaigns:create"), {
        "code": "cchc-2026", "title": "Phong trào thi đua cải cách hành chính năm 2026", "kind": "regular",
        "issuing_unit": province.pk, "start_date": "01/01/2026", "end_date": "31/12/2026", "doc_symbol": "KH-UBND",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(code="cchc-2026")
    response = client.post(reverse("campaigns:section", args=[campaign.code, "groups"]), {
        "groups-TOTAL_FORMS": "1", "groups-INITIAL_FORMS": "0", "groups-MIN_NUM_FORMS": "0",
        "groups-MAX_NUM_FORMS": "1000", "groups-0-order": "1", "groups-0-code": "xa",
        "groups-0-name": "Các xã, phường", "groups-0-subject": "collective", "groups-0-unit_kinds": ["commune"],
    })
    assert response.status_code == 302
    register = reverse("campaigns:participants_register", args=[campaign.code, "xa"])
    page = client.get(register).content.decode()
    assert "UBND phường Mỹ Tho" in page and "UBND xã Phú Cường" in page
    communes = list(Unit.objects.filter(parent=province).values_list("pk", flat=True))
    assert client.post(register, {"ids": communes}).status_code == 302
    assert Participant.objects.filter(campaign=campaign).count() == len(package_communes()) == 102


def test_every_province_of_the_package_maps_to_portal_units():
    """All 34 provinces and 3,321 communes map (xã, phường and đặc khu are communes)."""
    from vietnam_provinces import Province

    provinces = list(Province.iter_all())
    rows = [row for p in provinces for row in registry.current_units(p)]
    assert len(provinces) == 34
    assert sum(row.kind == UnitKind.PROVINCE for row in rows) == 34
    assert sum(row.kind == UnitKind.COMMUNE for row in rows) == len(list(Ward.iter_all())) == 3321
    assert len({row.code for row in rows}) == len(rows)
    names = {row.official_name: row.name for row in rows}
    assert names["Thành phố Hà Nội"] == "UBND thành phố Hà Nội"
    assert names["Đặc khu Phú Quốc"] == "UBND đặc khu Phú Quốc"

