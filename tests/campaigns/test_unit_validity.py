"""Units valid only within their dates (issue 11): since 01/07/2025 an abolished district
or a merged commune neither issues a campaign nor takes part in one; the issuer list
offers only units valid on the campaign's date; campaigns issued before stay as history."""

from __future__ import annotations

from datetime import date

import pytest

from campaigns.forms import CampaignForm
from campaigns.models import Campaign, ParticipantGroup
from campaigns.services import (
    CampaignError,
    issuer_problem,
    register_participants,
    registration_candidates,
)
from organization.choices import Role, UnitKind
from organization.models import Person, Unit
from tests.conftest import make_user

END_OF_DISTRICTS = date(2025, 6, 30)


@pytest.fixture
def reform(tree):
    """The test tree after 01/07/2025: the district and its communes end; a new commune
    directly under the province begins; province staff run the 2026 campaign."""
    for key in ("district", "commune_a", "commune_b", "office"):
        Unit.objects.filter(pk=tree[key].pk).update(valid_until=END_OF_DISTRICTS)
        tree[key].refresh_from_db()
    new_commune = Unit.objects.create(code="XA-MOI", name="UBND xã Mới", kind=UnitKind.COMMUNE, parent=tree["province"],
                                      place_name="xã Mới", valid_from=date(2025, 7, 1))
    staff = make_user("thidua_tinh", tree["province"], Role.STAFF, "Vũ Thị Hằng")
    campaign = Campaign.objects.create(code="tinh-2026", title="Phong trào thi đua CCHC năm 2026", kind="regular",
                                       issuing_unit=tree["province"], start_date=date(2026, 1, 1),
                                       end_date=date(2026, 12, 31), status="launched")
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="UBND các xã", subject="collective",
                                            unit_kinds=[UnitKind.COMMUNE])
    people = ParticipantGroup.objects.create(campaign=campaign, code="cn", name="Cá nhân", subject="individual")
    return {**tree, "new_commune": new_commune, "staff": staff, "campaign": campaign, "group": group, "people": people}


def _form(data_unit: Unit, user, start: str, doc_date: str = "") -> CampaignForm:
    return CampaignForm(data={"code": "kh-moi", "title": "Kế hoạch thử", "kind": "regular", "issuing_unit": data_unit.pk,
                              "doc_date": doc_date, "start_date": start, "end_date": "31/12/2026", "doc_symbol": "KH-UBND"},
                        user=user)


def test_abolished_district_is_not_offered_nor_accepted_as_issuer(reform):
    form = _form(reform["district"], reform["staff"], "01/01/2026")
    offered = set(form.fields["issuing_unit"].queryset)
    assert reform["province"] in offered and reform["new_commune"] in offered
    assert reform["district"] not in offered and reform["commune_a"] not in offered
    assert not form.is_valid() and "issuing_unit" in form.errors
    assert _form(reform["province"], reform["staff"], "01/01/2026").is_valid()
    # The rule itself, as the service applies it on save (fails closed whatever the form offered).
    problem = issuer_problem(reform["district"], date(2026, 1, 1))
    assert "kết thúc hoạt động từ sau ngày 30/06/2025" in problem and "không thể ban hành" in problem
    assert issuer_problem(reform["new_commune"], date(2025, 3, 1)).startswith("“UBND xã Mới” chỉ hoạt động từ ngày 01/07/2025")


def test_history_stays_a_2023_district_campaign_is_still_valid(reform):
    assert issuer_problem(reform["district"], date(2023, 3, 1)) == ""
    form = _form(reform["district"], reform["staff"], "01/03/2023", doc_date="01/03/2023")
    assert reform["district"] in set(form.fields["issuing_unit"].queryset)


def test_abolished_units_cannot_take_part_after_their_end(reform):
    campaign, group = reform["campaign"], reform["group"]
    with pytest.raises(CampaignError, match="UBND xã A.*kết thúc hoạt động từ sau ngày 30/06/2025, không thể tham gia"):
        register_participants(campaign, group, actor=reform["staff"], units=[reform["commune_a"]])
    assert register_participants(campaign, group, actor=reform["staff"], units=[reform["new_commune"]]) == 1
    clerk = Person.objects.create(code="P-CU", full_name="Đinh Văn Cũ", gender="male", category="cong_chuc",
                                  unit=reform["commune_b"])
    with pytest.raises(CampaignError, match="Cá nhân “Đinh Văn Cũ”: “UBND xã B” kết thúc hoạt động"):
        register_participants(campaign, reform["people"], actor=reform["staff"], people=[clerk])
    candidates, _ = registration_candidates(campaign, group, reform["staff"])
    assert reform["new_commune"] in candidates and reform["commune_a"] not in candidates


def test_demo_provinces_merged_in_2025_end_and_keep_their_history(db):
    from campaigns.demo import load_base

    load_base()
    for code in ("HNA", "HNA-SGTVT", "PY", "PY-SONGHINH-EALY-VP"):
        assert Unit.objects.get(code=code).valid_until == END_OF_DISTRICTS
    ha_nam = Campaign.objects.get(code="ha-nam-sgtvt-2023-2025")
    assert issuer_problem(ha_nam.issuing_unit, ha_nam.doc_date) == ""  # issued in 2023: history
    assert issuer_problem(ha_nam.issuing_unit, date(2026, 1, 1)) != ""


def test_a_unit_ended_before_the_round_cannot_be_nominated(reform):
    from awards import services as awards
    from campaigns.models import AwardForm, Round

    campaign = reform["campaign"]
    round_ = Round.objects.create(campaign=campaign, name="Sơ kết 6 tháng đầu năm 2026", kind="six_month",
                                  period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))
    form = AwardForm.objects.create(campaign=campaign, name="Bằng khen của Chủ tịch UBND tỉnh", award_type="bang_khen_tinh",
                                    level="province")
    with pytest.raises(awards.AwardsError, match="“UBND xã A” kết thúc hoạt động từ sau ngày 30/06/2025, không thể tham gia"):
        awards.create_nomination(round_, actor=reform["staff"], award_form=form, unit=reform["commune_a"])
    made = awards.create_nomination(round_, actor=reform["staff"], award_form=form, unit=reform["new_commune"])
    assert made.unit == reform["new_commune"]


def test_cited_dates_are_written_in_full():
    from awards.templatetags.awards_print import full_dates

    line = "Thực hiện Kế hoạch số 267/KH-UBND ngày 27/12/2022 và Công văn số 3202/UBND-NC ngày 16/7/2020"
    assert full_dates(line) == ("Thực hiện Kế hoạch số 267/KH-UBND ngày 27 tháng 12 năm 2022 và Công văn số "
                                "3202/UBND-NC ngày 16 tháng 7 năm 2020")
    assert full_dates("ngày 31/2/2020") == "ngày 31/2/2020"  # not a date: kept as typed
