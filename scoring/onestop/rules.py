"""Who may upload, confirm, cancel, lock and reopen: the one answer the services
(their guard) and the pages (``{% can %}``) both ask.

- ``onestop.upload`` takes the ``Unit`` the file is for, or nothing ("may this
  user upload for some unit at all?", the upload button and the home page's to-do).
- ``onestop.confirm_batch`` / ``onestop.cancel_batch`` / ``onestop.remap_batch``
  (change the column mapping of the preview) take the ``ImportBatch``.
- ``onestop.share_profile`` (share a batch's column mapping as a preset over
  the subtree, "VNPT iGate") takes the ``ImportBatch``: emulation staff only.
- ``onestop.lock_month`` takes the ``Unit``, or nothing (the lock forms under the
  completeness grid); ``onestop.reopen_month`` takes the ``MonthLock`` (lock
  hierarchy: only staff of the unit that set it, or above it, lift it), its
  ``Unit``, or nothing.

The transition map (``choices.BATCH_TRANSITIONS``) still decides the state part.
"""

from __future__ import annotations

from typing import Any

import rules

from organization.choices import Role
from organization.rules import is_emulation_staff
from organization.scope import has_role, unit_in_scope

#: Officers upload for their own unit's subtree, emulation staff for theirs.
UPLOAD_ROLES = (Role.OFFICER, Role.STAFF)


@rules.predicate
def may_upload(user: Any) -> bool:
    return has_role(user, *UPLOAD_ROLES)


@rules.predicate
def unit_in_scope_or_none(user: Any, unit: Any = None) -> bool:
    """The unit lies in the user's subtree (no unit: the question is about the role only)."""
    return unit is None or unit_in_scope(user, unit)


@rules.predicate
def batch_unit_in_scope(user: Any, batch: Any) -> bool:
    return batch is not None and unit_in_scope(user, batch.unit)


upload = may_upload & unit_in_scope_or_none
act_on_batch = may_upload & batch_unit_in_scope
#: Approving a unit × month (and undoing it) is the emulation staff's.
change_lock = is_emulation_staff & unit_in_scope_or_none

rules.add_perm("onestop.upload", upload)
rules.add_perm("onestop.confirm_batch", act_on_batch)
rules.add_perm("onestop.cancel_batch", act_on_batch)
rules.add_perm("onestop.remap_batch", act_on_batch)
#: A preset applies to every unit below the staff member's: theirs to share.
rules.add_perm("onestop.share_profile", is_emulation_staff & batch_unit_in_scope)
@rules.predicate
def lock_setter_in_scope(user: Any, obj: Any = None) -> bool:
    """For a ``MonthLock``: the unit that set it lies in the user's subtree (a
    commune cannot undo the district's approval of its own figures). Locks set
    before the setter was recorded, and the questions about a unit or about
    nothing, pass here (the unit part is ``lock_unit_in_scope``)."""
    setter = getattr(obj, "locked_by_unit", None)
    return setter is None or getattr(user, "is_superuser", False) or unit_in_scope(user, setter)


@rules.predicate
def lock_unit_in_scope(user: Any, obj: Any = None) -> bool:
    unit = getattr(obj, "unit", obj) if obj is not None and hasattr(obj, "locked_by_unit") else obj
    return unit is None or unit_in_scope(user, unit)


rules.add_perm("onestop.lock_month", change_lock)
rules.add_perm("onestop.reopen_month", is_emulation_staff & lock_unit_in_scope & lock_setter_in_scope)
