"""Who may do what in the PAR index: the one answer services (``require``) and
templates (``{% can %}``) both ask. Predicates are about who (role and unit); the
workflow map in ``choices.py`` still decides which state changes are possible.

Objects: a ``Framework`` (or the issuing ``Unit`` of one about to be created), an
``Assessment`` (an unsaved one names the framework and unit of an assessment about
to be opened) and an ``ImprovementPlan``.
"""

from __future__ import annotations

from typing import Any

import rules

from campaigns.rules import manage_campaign
from organization.choices import Role
from organization.scope import has_role, scope_unit, unit_in_scope

#: Emulation staff manage the frameworks issued within their subtree (the same
#: rule as campaigns: a framework, like a campaign, has an issuing unit).
manage_framework = manage_campaign


@rules.predicate
def issues_from_a_unit(user: Any, issuing_unit: Any = None) -> bool:
    """A named issuing unit, or (no object: the list's form) a unit of the user's own
    — a superuser without one is not offered the form, though the service accepts them."""
    return issuing_unit is not None or scope_unit(user) is not None


@rules.predicate
def manages_assessed_framework(user: Any, assessment: Any) -> bool:
    return manage_framework.test(user, assessment.framework)


@rules.predicate
def is_assessed_unit(user: Any, assessment: Any) -> bool:
    """The assessed unit's own accounts (not its parent's, not its sections')."""
    if getattr(user, "is_superuser", False):
        return True
    root = scope_unit(user)
    return (root is not None and root.pk == assessment.unit_id
            and has_role(user, Role.OFFICER, Role.STAFF, Role.LEADER))


@rules.predicate
def is_appraiser(user: Any, assessment: Any) -> bool:
    """Emulation staff of a strict ancestor of the unit, at or above the framework's issuer."""
    if not has_role(user, Role.STAFF):
        return False
    if getattr(user, "is_superuser", False):
        return True
    root = scope_unit(user)
    return (root is not None and root.pk != assessment.unit_id
            and unit_in_scope(user, assessment.unit) and unit_in_scope(user, assessment.framework.issuing_unit))


@rules.predicate
def works_on_plan(user: Any, plan: Any) -> bool:
    """Officers, staff and leaders of the plan's unit or of one above it."""
    return has_role(user, Role.OFFICER, Role.STAFF, Role.LEADER) and unit_in_scope(user, plan.unit)


# Frameworks: with no object, "may this user issue frameworks at all?" (the list's form).
rules.add_perm("par_index.create_framework", manage_framework & issues_from_a_unit)
rules.add_perm("par_index.manage_framework", manage_framework)  # import, copy, open for every unit
rules.add_perm("par_index.publish_results", manage_framework)
# Assessments: the unit itself, or the issuer's staff on its behalf, opens one.
rules.add_perm("par_index.start_assessment", manages_assessed_framework | is_assessed_unit)
rules.add_perm("par_index.self_assess", is_assessed_unit)  # points, explanations
rules.add_perm("par_index.add_evidence", is_assessed_unit)
rules.add_perm("par_index.remove_evidence", is_assessed_unit)
rules.add_perm("par_index.submit_assessment", is_assessed_unit)  # and resubmit after a return
rules.add_perm("par_index.appraise_assessment", is_appraiser)  # points, return items, finalize
# Improvement plans.
rules.add_perm("par_index.update_plan_task", works_on_plan)
