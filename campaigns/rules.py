"""Who may manage campaigns: the one answer services (``require``) and templates
(``{% can %}``) both ask, built from ``organization.rules``' predicates.

``campaigns.manage_campaign`` takes a ``Campaign``, anything with a ``campaign``
(a ``Round``, a ``ParticipantGroup``…), the issuing ``Unit`` of a campaign about to
be created, or nothing ("may this user manage some campaign at all?").
"""

from __future__ import annotations

from typing import Any

import rules

from organization.models import Unit
from organization.rules import is_emulation_staff
from organization.scope import unit_in_scope

from .choices import RoundStatus


def issuing_unit(obj: Any) -> Unit | None:
    """The unit that issued ``obj``'s campaign (``obj`` itself when it is a Unit)."""
    if obj is None or isinstance(obj, Unit):
        return obj
    campaign = getattr(obj, "campaign", obj)
    return campaign.issuing_unit


@rules.predicate
def issuing_unit_in_scope(user: Any, obj: Any = None) -> bool:
    """The campaign's issuing unit lies in the user's subtree (no object: any)."""
    unit = issuing_unit(obj)
    return unit is None or unit_in_scope(user, unit)


@rules.predicate
def round_is_open(_user: Any, round_: Any) -> bool:
    return round_ is not None and round_.status == RoundStatus.OPEN


#: Emulation staff manage the campaigns issued within their own subtree: edit them,
#: their sections, rounds and quotas, register participants, launch and close them.
manage_campaign = is_emulation_staff & issuing_unit_in_scope

rules.add_perm("campaigns.manage_campaign", manage_campaign)
#: Closing a round (freezing its ranking): a campaign manager, while it is open.
rules.add_perm("campaigns.close_round", manage_campaign & round_is_open)
