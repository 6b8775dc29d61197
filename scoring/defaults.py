"""Default indicator definitions covering the seed plans' targets and the six
QĐ 766 groups, created by a data migration (``0003_default_indicators``) so that
``migrate`` alone gives a system that computes; ``ensure_default_indicators`` does
the same for a database whose rows were wiped (transactional tests) and never
overwrites what staff changed in the admin (idempotent).

Each definition cites the text it implements (``basis``: the plan, its section and
the quoted target, or the QĐ 766 component) and its numerator and denominator
follow that text: e.g. Ea Ly's BCCI rates count among the dossiers of procedures
deployed through BCCI, not among all dossiers.

QĐ 766 formulas follow the reverse-engineered DVCQG scoring (domain.md §5): the
API's own score is authoritative, so every maximum, cap and "full at" ratio is a
parameter staff can change. Components the one-stop facts cannot measure
(publication on time, sync to DVCQG, PAKN, digitised components…) have no
numerator yet and are reported as "chưa có số liệu" (the group score is the sum of
the measured components), except the PAKN ones, which score the maximum when
there is no PAKN (as DVCQG does). QĐ 766 group 2 divides by the dossiers that
have a verdict (resolved + pending overdue): one still pending within time has none.

The definitions are data (``default_indicators.json``, the same fields as the
admin form; numbers that are Decimal fields are written as text).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

SPECS_FILE = Path(__file__).with_name("default_indicators.json")
DECIMAL_FIELDS = ("factor", "target")

#: Formulas of earlier releases that a definition still carries when staff never
#: changed it: ``{code: ({field: old value}, {field: corrected value})}``. The
#: migration that corrects them (0003) replaces only an exact match, so a
#: definition edited by staff is left as they made it.
CORRECTED: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "bcci_procedure_rate": (
        {"numerator": "procedures_with_postal_dossier"}, {"numerator": "bcci_procedures_with_postal_dossier"},
    ),
    "bcci_received_rate": (
        {"numerator": "postal_received", "denominator": "received_in_period"},
        {"numerator": "postal_received_bcci_procedures", "denominator": "received_bcci_procedures"},
    ),
    "bcci_returned_rate": (
        {"numerator": "postal_returned", "denominator": "resolved_total"},
        {"numerator": "postal_returned_bcci_procedures", "denominator": "resolved_bcci_procedures"},
    ),
}


def default_specs() -> list[dict]:
    """The default definitions in order: ``[{"code", "name", field: value…}]``."""
    specs = json.loads(SPECS_FILE.read_text(encoding="utf-8"))
    for spec in specs:
        for name in DECIMAL_FIELDS:
            if name in spec:
                spec[name] = Decimal(spec[name])
    return specs


def create_missing(model: Any) -> int:
    """Create the default definitions whose code ``model`` has no row for; return how
    many. ``model`` is ``IndicatorDefinition`` or its historical version in a
    migration: only the fields it has are written, so that an old migration keeps
    running when a later release adds a field to the definitions."""
    fields = {f.name for f in model._meta.get_fields()}
    existing = set(model.objects.values_list("code", flat=True))
    rows = []
    for order, spec in enumerate(default_specs(), 1):
        if spec["code"] in existing:
            continue
        values = {"order": order, **spec}
        rows.append(model(**{k: v for k, v in values.items() if k in fields}))
    model.objects.bulk_create(rows)
    return len(rows)


def correct_formulas(model: Any) -> int:
    """Apply ``CORRECTED`` (and fill an empty ``basis``) on definitions that still carry
    the earlier default; return how many formulas were corrected."""
    specs = {s["code"]: s for s in default_specs()}
    corrected = 0
    for defn in model.objects.filter(code__in=list(specs)):
        changed = []
        old_new = CORRECTED.get(defn.code)
        if old_new and all(getattr(defn, k) == v for k, v in old_new[0].items()):
            for k, v in old_new[1].items():
                setattr(defn, k, v)
            defn.name = specs[defn.code]["name"]
            changed += [*old_new[1], "name"]
            corrected += 1
        if hasattr(defn, "basis") and not defn.basis:
            defn.basis = specs[defn.code].get("basis", "")
            changed.append("basis")
        if changed:
            defn.save(update_fields=changed)
    return corrected


def ensure_default_indicators() -> int:
    """Create the default indicators that do not exist yet. Returns how many were created."""
    from .models import IndicatorDefinition

    return create_missing(IndicatorDefinition)
