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
    out = []
    for n in qs:
        if n.status == S.TO_COUNCIL:
            tally = latest_tally(n)
            if tally is None or not tally.passed:
                continue
        out.append(n)
    return out


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
