"""Scoring's answers to what the lower apps announce (they never import scoring).

- ``scoring.onestop.signals.facts_committed`` → a recompute run of the touched
  units × months, enqueued when the import's transaction commits;
- ``campaigns.services.round_closed`` → the round's ranking frozen inside
  ``close_round``'s transaction;
- ``campaigns.services.campaign_configured`` → the campaign's open rounds
  re-evaluated once the saving transaction commits (an edited threshold or a new
  participant must not leave results computed on the old configuration).

Connected in ``ScoringConfig.ready()`` (``dispatch_uid`` keeps a second import harmless).
"""

from __future__ import annotations

import datetime
from typing import Any

from campaigns.models import Campaign, Round
from campaigns.services import campaign_configured, round_closed
from scoring.onestop.signals import facts_committed

from .criteria import freeze_round
from .services import request_recompute


def on_facts_committed(
    sender: Any, unit_months: dict[int, set[datetime.date]], actor: Any = None, reason: str = "",
    batch: Any = None, **kwargs: Any,
) -> None:
    """One run per distinct month set, so a district-wide file gives one run per
    distinct set instead of one per unit (a unit with no month is skipped); each run
    keeps the signal's ``reason`` ("import:<batch id>")."""
    groups: dict[tuple[datetime.date, ...], list[int]] = {}
    for unit_id, months in unit_months.items():
        if months:
            groups.setdefault(tuple(sorted(months)), []).append(unit_id)
    for months, unit_ids in groups.items():
        request_recompute(unit_ids=sorted(unit_ids), months=list(months), actor=actor, reason=reason)


def on_round_closed(sender: Any, round: Round, actor: Any = None, **kwargs: Any) -> None:  # noqa: A002
    # Inside close_round's transaction: the freeze commits or rolls back with it.
    freeze_round(round, actor=actor)


def on_campaign_configured(sender: Any, campaign: Campaign, actor: Any = None, **kwargs: Any) -> None:
    from .tasks import reevaluate_campaign_task

    reevaluate_campaign_task.delay_on_commit(campaign.pk)


def connect() -> None:
    """Connect the receivers (called once from ``ScoringConfig.ready``)."""
    facts_committed.connect(on_facts_committed, dispatch_uid="scoring.recompute_on_facts")
    round_closed.connect(on_round_closed, dispatch_uid="scoring.freeze_on_round_closed")
    campaign_configured.connect(on_campaign_configured, dispatch_uid="scoring.reevaluate_on_configured")
