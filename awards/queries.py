"""Read-side queries shared by the services, the documents and the views.

Kept below ``services`` and ``documents`` so that neither has to borrow the
other's reads (the old ``documents`` → ``services`` → ``tasks`` → ``documents`` loop).
"""

from __future__ import annotations

import re
from typing import Any

from .choices import NominationStatus as S
from .models import Nomination, VoteTally


def latest_tally(nomination: Nomination) -> VoteTally | None:
    """The nomination's tally of its most recent council meeting, or None."""
    return (
        VoteTally.objects.filter(nomination=nomination)
        .select_related("meeting", "nomination__award_form")
        .prefetch_related("meeting__members")
        .order_by("-meeting__held_at", "-id")
        .first()
    )


def proposal_nominations(round_: Any) -> list[Nomination]:
    """What the Tờ trình proposes: nominations the council passed (or already approved)."""
    qs = (
        Nomination.objects.filter(round=round_, status__in=[S.TO_COUNCIL, S.APPROVED, S.DECIDED])
        .select_related("award_form", "person__unit", "unit", "proposing_unit")
        .order_by("subject", "proposing_unit__sort_order", "id")
    )
    nominations = list(qs)
    latest = latest_tallies([n for n in nominations if n.status == S.TO_COUNCIL])
    out = []
    for n in nominations:
        if n.status == S.TO_COUNCIL:
            tally = latest.get(n.pk)
            if tally is None or not tally.passed:
                continue
        out.append(n)
    return out


def latest_tallies(nominations: list[Nomination]) -> dict[int, VoteTally]:
    """{nomination id: its tally of the most recent meeting} for ``nominations``, in
    three queries whatever their number (tallies, meetings, members; issue 14: the
    Tờ trình ran two per nominee). Each tally's ``nomination`` is the given object,
    so its ``award_form`` (already loaded) is not fetched again."""
    by_id = {n.pk: n for n in nominations}
    if not by_id:
        return {}
    tallies = (
        VoteTally.objects.filter(nomination_id__in=list(by_id))
        .select_related("meeting")
        .prefetch_related("meeting__members")
        .order_by("nomination_id", "-meeting__held_at", "-id")
    )
    latest: dict[int, VoteTally] = {}
    for tally in tallies:
        if tally.nomination_id not in latest:
            tally.nomination = by_id[tally.nomination_id]
            latest[tally.nomination_id] = tally
    return latest


#: Abbreviations an issuing agency's name may not carry on a document (ND 30/2020,
#: Phụ lục I: the agency's name is written in full).
_ABBREVIATIONS = (("HĐND", "Hội đồng nhân dân"), ("UBND", "Ủy ban nhân dân"))


def expand_unit_name(name: str) -> str:
    """"UBND huyện Tam Nông" → "Ủy ban nhân dân huyện Tam Nông"; "Văn phòng HĐND và UBND
    huyện" → "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện" (as printed)."""
    for short, full in _ABBREVIATIONS:
        name = re.sub(rf"(?<!\w){short}(?!\w)", full, name or "")
    return name


def decision_nominations(decision: Any) -> list[Nomination]:
    """What a decision (or an upward Tờ trình) lists: once issued or recorded, its own
    nominations; before, the round's proposable nominations of the decision's award
    forms that no decision has covered yet (a Tờ trình never lists what is decided)."""
    if decision.status == "issued":
        return list(decision.nominations.select_related("award_form", "person__unit", "unit", "proposing_unit")
                    .order_by("subject", "proposing_unit__sort_order", "id"))
    form_ids = {f.pk for f in decision.award_forms.all()}
    return [n for n in proposal_nominations(decision.round)
            if n.decision_id is None and n.status != S.DECIDED and (not form_ids or n.award_form_id in form_ids)]
