"""What a page offers (``allowed`` / ``{% can %}``) and what the service accepts are
the same answer, for every campaign and round action and every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from campaigns import services
from campaigns.forms import SECTIONS, CampaignForm, QuotaFormSet
from campaigns.models import Campaign, ParticipantGroup, Round
from organization.rules import allowed
from tests.conftest import RULE_ACTORS, service_accepts


@pytest.fixture
def plan(tree):
    campaign = Campaign.objects.create(code="kh-quyen", title="Phong trào kiểm tra quyền", kind="thematic",
                                       issuing_unit=tree["district"], start_date=date(2024, 1, 1),
                                       end_date=date(2024, 12, 31))
    round_ = Round.objects.create(campaign=campaign, name="Tổng kết năm", kind="year_end",
                                  period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    group = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="Các xã", subject="collective",
                                            unit_kinds=["commune"])
    return campaign, round_, group


def campaign_form(campaign: Campaign | None, unit) -> CampaignForm:
    """A valid form (validated as a superuser would see it), fresh for each attempt."""
    data = {"code": campaign.code if campaign else "kh-moi", "title": "Phong trào", "kind": "regular",
            "issuing_unit": unit.pk, "start_date": "01/01/2024", "end_date": "31/12/2024"}
    form = CampaignForm(data, instance=campaign, user=get_user_model()(is_superuser=True, is_active=True))
    assert form.is_valid(), form.errors
    return form


def empty_formset(formset_class, instance, prefix: str, **kwargs):
    data = {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    formset = formset_class(data, instance=instance, prefix=prefix, **kwargs)
    assert formset.is_valid()
    return formset


def actions(plan, tree) -> dict[str, tuple[str, Any, Callable[..., Any]]]:
    """Action → (permission, object asked about, attempt(actor))."""
    campaign, round_, group = plan
    launched = Campaign.objects.create(code="kh-da-phat-dong", title="Đã phát động", kind="thematic",
                                       issuing_unit=tree["district"], start_date=date(2024, 1, 1),
                                       end_date=date(2024, 12, 31), status="launched")
    closed_round = Round.objects.create(campaign=campaign, name="Sơ kết", kind="six_month", status="closed",
                                        period_start=date(2024, 1, 1), period_end=date(2024, 6, 30))
    manage = "campaigns.manage_campaign"
    return {
        "create": (manage, tree["district"],
                   lambda a: services.save_campaign(campaign_form(None, tree["district"]), actor=a)),
        "edit": (manage, campaign, lambda a: services.save_campaign(
            campaign_form(Campaign.objects.get(pk=campaign.pk), tree["district"]), actor=a)),
        "section": (manage, campaign, lambda a: services.save_campaign_section(
            campaign, empty_formset(SECTIONS["contents"][1], campaign, "contents"), actor=a, section="contents")),
        "quotas": (manage, campaign, lambda a: services.save_campaign_section(
            campaign, empty_formset(QuotaFormSet, round_, "quotas", form_kwargs={"campaign": campaign}),
            actor=a, section="quotas")),
        "register": (manage, campaign, lambda a: services.register_participants(
            campaign, group, actor=a, units=[tree["commune_a"]])),
        "launch": (manage, campaign, lambda a: services.change_campaign_status(campaign, actor=a, to="launched")),
        "close": (manage, launched, lambda a: services.change_campaign_status(launched, actor=a, to="closed")),
        "close_round": ("campaigns.close_round", round_, lambda a: services.close_round(round_, actor=a)),
        "close_closed_round": ("campaigns.close_round", closed_round,
                               lambda a: services.close_round(closed_round, actor=a)),
    }


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_allowed_is_what_the_service_accepts(actor, plan, tree):
    for name, (perm, obj, attempt) in actions(plan, tree).items():
        assert allowed(actor, perm, obj) == service_accepts(attempt, actor, services.CampaignError), name


def test_the_check_is_not_vacuous(plan, tree, staff, officer_a):
    """Staff of the district manage its campaign, an officer of a commune does not."""
    for name, (perm, obj, _attempt) in actions(plan, tree).items():
        if name != "close_closed_round":
            assert allowed(staff, perm, obj) and not allowed(officer_a, perm, obj), name
    assert not allowed(staff, "campaigns.close_round", plan[1].campaign.rounds.get(status="closed"))
