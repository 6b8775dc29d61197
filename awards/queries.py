"""Read-side queries shared by the services, the documents and the views.

Kept below ``services`` and ``documents`` so that neither has to borrow the
other's reads (the old ``documents`` → ``services`` → ``tasks`` → ``documents`` loop).
"""

from __future__ import annotations

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


def expand_unit_name(name: str) -> str:
    """"UBND huyện Tam Nông" → "Ủy ban nhân dân huyện Tam Nông" (as printed)."""
    return name.replace("UBND", "Ủy ban nhân dân", 1) if name.startswith("UBND") else name
