"""Default indicator definitions covering the seed plans' targets and the six
QĐ 766 groups. ``ensure_default_indicators`` creates missing ones and never
overwrites what staff changed in the admin (idempotent; called by the demo, the
tests and the migration-free set-up).

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

from .models import IndicatorDefinition

SPECS_FILE = Path(__file__).with_name("default_indicators.json")
DECIMAL_FIELDS = ("factor", "target")


def default_specs() -> list[dict]:
    """The default definitions in order: ``[{"code", "name", field: value…}]``."""
    specs = json.loads(SPECS_FILE.read_text(encoding="utf-8"))
    for spec in specs:
        for name in DECIMAL_FIELDS:
            if name in spec:
                spec[name] = Decimal(spec[name])
    return specs


def ensure_default_indicators() -> int:
    """Create the default indicators that do not exist yet. Returns how many were created."""
    created = 0
    existing = set(IndicatorDefinition.objects.values_list("code", flat=True))
    for order, spec in enumerate(default_specs(), 1):
        if spec["code"] in existing:
            continue
        fields = {"order": order, **{k: v for k, v in spec.items() if k != "code"}}
        IndicatorDefinition.objects.create(code=spec["code"], **fields)
        created += 1
    return created
