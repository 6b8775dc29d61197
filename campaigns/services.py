"""State changes of campaigns. Views call these; they never assign fields themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.forms import BaseModelFormSet, ModelForm
from django.utils import timezone

from audit.services import record, transition
from core import formats
from core.errors import DomainError
from organization.models import Person, Unit
from organization.rules import allowed

from .choices import CAMPAIGN_TRANSITIONS, ROUND_TRANSITIONS, CampaignStatus, RoundStatus, Subject
from .models import Campaign, Participant, ParticipantGroup, Round

#: Sent inside ``close_round``'s transaction; the scoring app freezes the ranking.
round_closed = Signal()
#: Sent (inside the saving transaction) when what a campaign's results depend on was
#: saved: the campaign itself, its criteria, rounds, groups or participants. Scoring
#: re-evaluates the campaign's open rounds once the transaction commits, so an edited
#: threshold never leaves stale results on the leaderboard (campaigns never import
#: scoring: a hand-off upward is a signal).
campaign_configured = Signal()

MANAGE_REFUSED = "Bạn không có quyền quản lý phong trào này."


class CampaignError(DomainError):
    """A refused campaign operation; the message is shown to the user."""


# --- unit validity (issue 11): abolished districts and merged communes/provinces -------


def unit_valid_on(unit: Unit, day: date) -> bool:
    """``unit`` existed on ``day``: within [valid_from, valid_until] (blank = open)."""
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_until is None or day <= unit.valid_until)


def units_valid_between(queryset: Any, start: date, end: date) -> Any:
    """The units of ``queryset`` that existed at some day of [start, end]."""
    return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start))


def _validity_text(unit: Unit) -> str:
    if unit.valid_until is not None:
        return f"kết thúc hoạt động từ sau ngày {formats.date(unit.valid_until)}"
    return f"chỉ hoạt động từ ngày {formats.date(unit.valid_from)}"


def issuer_problem(unit: Unit | None, issued_on: date | None) -> str:
    """Why ``unit`` cannot issue a campaign dated ``issued_on`` ("" when it can).

    Since 01/07/2025 districts are abolished and merged communes/provinces end
    (Luật Tổ chức chính quyền địa phương số 72/2025/QH15; NQ 202/2025/QH15): a unit
    issues only while it exists. A campaign issued before its end stays as history."""
    if unit is None or issued_on is None or unit_valid_on(unit, issued_on):
        return ""
    return (f"“{unit.name}” {_validity_text(unit)}, không thể ban hành phong trào ngày "
            f"{formats.date(issued_on)}. Chọn đơn vị đang hoạt động (đơn vị kế thừa sau sắp xếp).")


def round_participation_problem(unit: Unit, round_: Any) -> str:
    """Why ``unit`` cannot take part in ``round_`` ("" when it can): a unit that ended
    before the round's period began (an abolished district, a merged commune) is out."""
    if unit.valid_until is not None and unit.valid_until < round_.period_start:
        return (f"“{unit.name}” {_validity_text(unit)}, không thể tham gia {round_.name.lower()} "
                f"(kỳ đánh giá từ {formats.date(round_.period_start)}).")
    return ""


def participant_problem(unit: Unit, campaign: Campaign) -> str:
    """Why ``unit`` cannot take part in ``campaign`` ("" when it can): it must exist
    at some day of the campaign's period (a unit ended before the start cannot)."""
    start, end = campaign.start_date, campaign.end_date
    if unit.valid_until is not None and unit.valid_until < start or unit.valid_from is not None and unit.valid_from > end:
        return (f"“{unit.name}” {_validity_text(unit)}, không thể tham gia phong trào diễn ra từ "
                f"{formats.date(start)} đến {formats.date(end)}.")
    return ""


def _guard_manage(user: Any, obj: Any) -> None:
    """``obj``: the campaign, or the issuing unit of one about to be created.
    Raises ``CampaignError`` (not bare ``NotAllowed``) so callers catching the app's
    error keep seeing every refusal."""
    if not allowed(user, "campaigns.manage_campaign", obj):
        raise CampaignError(MANAGE_REFUSED)


@transaction.atomic
def save_campaign(form: ModelForm, *, actor: Any) -> Campaign:
    """Create or update a campaign from a validated form (staff of the issuing unit's scope)."""
    is_new = form.instance.pk is None
    if not is_new:  # the unit it was issued by, before the form changed it
        _guard_manage(actor, Campaign.objects.get(pk=form.instance.pk))
    _guard_manage(actor, form.cleaned_data.get("issuing_unit"))
    data = form.cleaned_data
    problem = issuer_problem(data.get("issuing_unit"), data.get("doc_date") or data.get("start_date"))
    if problem:
        raise CampaignError(problem)
    campaign = form.save()
    record(
        actor=actor, action="campaign.create" if is_new else "campaign.update", obj=campaign,
        unit=campaign.issuing_unit, data={"fields": sorted(form.changed_data)},
    )
    if not is_new and form.changed_data:
        campaign_configured.send(sender=Campaign, campaign=campaign, actor=actor)
    return campaign


@transaction.atomic
def save_campaign_section(campaign: Campaign, formset: BaseModelFormSet, *, actor: Any, section: str) -> Campaign:
    """Save one inline section (criteria, rounds, award forms, quotas…) of a campaign;
    returns the campaign. Raises ``CampaignError`` unless the actor manages it."""
    _guard_manage(actor, campaign)
    formset.save()
    record(
        actor=actor, action=f"campaign.{section}.update", obj=campaign, unit=campaign.issuing_unit,
        data={
            "added": len(formset.new_objects),
            "changed": len(formset.changed_objects),
            "deleted": len(formset.deleted_objects),
        },
    )
    if formset.new_objects or formset.changed_objects or formset.deleted_objects:
        campaign_configured.send(sender=Campaign, campaign=campaign, actor=actor)
    return campaign


@transaction.atomic
def change_campaign_status(campaign: Campaign, *, actor: Any, to: str, comment: str = "") -> Campaign:
    """Launch or close a campaign following the transition map."""
    _guard_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if to == CampaignStatus.LAUNCHED and to in CAMPAIGN_TRANSITIONS[campaign.status] and not campaign.rounds.exists():
        raise CampaignError("Phong trào cần có ít nhất một đợt xét trước khi phát động.")
    transition(campaign, to, transitions=CAMPAIGN_TRANSITIONS, actor=actor, action="campaign.status",
               error=CampaignError, labels=CampaignStatus, what="phong trào", unit=campaign.issuing_unit,
               comment=comment)
    return campaign


@transaction.atomic
def close_round(round_: Round, *, actor: Any) -> Round:
    """Close a round; its ranking is frozen from now on (the scoring app snapshots it)."""
    _guard_manage(actor, round_.campaign)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == RoundStatus.CLOSED:
        raise CampaignError("Đợt xét này đã được khóa.")
    round_.closed_at = timezone.now()
    transition(round_, RoundStatus.CLOSED, transitions=ROUND_TRANSITIONS, actor=actor, action="round.close",
               error=CampaignError, labels=RoundStatus, unit=round_.campaign.issuing_unit,
               update_fields=("closed_at",))
    round_closed.send(sender=Round, round=round_, actor=actor)
    return round_


def registration_candidates(campaign: Campaign, group: ParticipantGroup, user: Any) -> tuple[list, set[int]]:
    """What a manager may tick for ``group``: the units (collective group) or active
    people (individual group) of their scope that the group admits, in tree order,
    and the ids of those already registered in ``campaign``. Units that did not
    exist during the campaign (abolished, merged) are not offered."""
    units = units_valid_between(Unit.objects.for_user(user), campaign.start_date, campaign.end_date).order_by("path")
    if group.subject == Subject.COLLECTIVE:
        candidates = [u for u in units if group.admits_unit(u)]
        taken = campaign.participants.filter(unit__isnull=False).values_list("unit_id", flat=True)
    else:
        people = (Person.objects.filter(unit__in=units, is_active=True).select_related("unit")
                  .order_by("unit__path", "full_name"))
        candidates = [p for p in people if group.admits_person(p)]
        taken = campaign.participants.filter(person__isnull=False).values_list("person_id", flat=True)
    return candidates, set(taken)


@transaction.atomic
def register_chosen(campaign: Campaign, group: ParticipantGroup, ids: list[str], *, actor: Any) -> int:
    """Register the candidates whose ids were ticked (others and taken ones ignored);
    returns how many were added. Raises ``CampaignError`` as ``register_participants``."""
    candidates, taken = registration_candidates(campaign, group, actor)
    chosen = {int(x) for x in ids if x.isdigit()}
    picked = [c for c in candidates if c.pk in chosen and c.pk not in taken]
    key = "units" if group.subject == Subject.COLLECTIVE else "people"
    return register_participants(campaign, group, actor=actor, **{key: picked})


@transaction.atomic
def register_participants(
    campaign: Campaign, group: ParticipantGroup, *, actor: Any, units: list | None = None, people: list | None = None
) -> int:
    """Register units or people in a participant group; already registered ones are skipped."""
    _guard_manage(actor, campaign)
    created = 0
    for unit in units or []:
        if not group.admits_unit(unit):
            raise CampaignError(f"Đơn vị “{unit}” không thuộc đối tượng của nhóm “{group}”.")
        if problem := participant_problem(unit, campaign):
            raise CampaignError(problem)
        _, was_created = Participant.objects.get_or_create(campaign=campaign, unit=unit, defaults={"group": group})
        created += was_created
    for person in people or []:
        if not group.admits_person(person):
            raise CampaignError(f"Cá nhân “{person}” không thuộc đối tượng của nhóm “{group}”.")
        if problem := participant_problem(person.unit, campaign):
            raise CampaignError(f"Cá nhân “{person}”: {problem}")
        _, was_created = Participant.objects.get_or_create(campaign=campaign, person=person, defaults={"group": group})
        created += was_created
    record(actor=actor, action="campaign.participants.register", obj=campaign, unit=campaign.issuing_unit,
           data={"group": group.code, "created": created})
    if created:
        campaign_configured.send(sender=Campaign, campaign=campaign, actor=actor)
    return created

