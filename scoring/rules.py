"""Who may do what in scoring: the one answer services (``require``) and templates
(``{% can %}``) both ask, built from ``organization.rules``' predicates.

- ``scoring.set_index_result`` (a ``Unit``): emulation staff whose subtree holds
  the unit enter its yearly index result (admin form; the PAR-index app when an
  assessment is finalised by the framework's staff).
- ``scoring.import_index_results`` (no object): emulation staff import a workbook
  of index results (each row's unit is then checked against their scope).
- ``scoring.request_full_recompute`` (no object): emulation staff (the admin's
  "Tính lại toàn bộ chỉ số" action).
- ``scoring.view_runs`` (no object): emulation staff, who see the recompute runs
  of their subtree (``RecomputeRun.objects.for_user``) on the runs page and a
  failed one on their to-do list.
- ``scoring.cancel_run`` (a ``RecomputeRun``): emulation staff whose subtree holds
  the run's scope (the lowest unit holding all its units); a whole-system run only
  staff of a top-level unit (and superusers).
- ``scoring.view_full_ranking`` (a ``Round``): staff, council members, leaders and
  judges of the issuing unit's scope see every row of a leaderboard; anyone else
  only the rows of their own subtree.
"""

from __future__ import annotations

from typing import Any

import rules

from organization.choices import Role
from organization.rules import is_emulation_staff, unit_is_in_scope
from organization.scope import has_role, scope_unit, unit_in_scope


@rules.predicate
def oversees_round(user: Any, round_: Any) -> bool:
    """Staff, council, leader or judge whose subtree holds the round's issuing unit."""
    return has_role(user, Role.STAFF, Role.COUNCIL, Role.LEADER, Role.JUDGE) and (
        user.is_superuser or unit_in_scope(user, round_.campaign.issuing_unit)
    )


@rules.predicate
def run_in_scope(user: Any, run: Any) -> bool:
    """The run's scope lies in the user's subtree (a whole-system run: the user's
    subtree is the whole tree, i.e. a top-level unit, or a superuser)."""
    if run is None:
        return False
    if user.is_superuser:
        return True
    root = scope_unit(user)
    if root is None:
        return False
    return root.parent_id is None if run.scope_id is None else unit_in_scope(user, run.scope)


rules.add_perm("scoring.set_index_result", is_emulation_staff & unit_is_in_scope)
rules.add_perm("scoring.import_index_results", is_emulation_staff)
rules.add_perm("scoring.request_full_recompute", is_emulation_staff)
rules.add_perm("scoring.view_runs", is_emulation_staff)
rules.add_perm("scoring.cancel_run", is_emulation_staff & run_in_scope)
rules.add_perm("scoring.view_full_ranking", oversees_round)
