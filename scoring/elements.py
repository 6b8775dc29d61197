"""The catalogue of data elements (phần tử dữ liệu) derived from one-stop facts.

Deriving an element from facts is code (the SQL in ``scoring.recompute``); combining
elements into an indicator is data (``IndicatorDefinition``), so staff add
indicators in the admin without a release.

Aggregation over a period:
- ``sum``: flows (dossiers received, resolved…) add up month by month;
- ``last``: stocks at the end of a month (pending, overdue) — the period's value is
  the unit's value at the last month of the period that has data;
- ``distinct``: procedures with at least one dossier of a kind — counted once over
  the whole period, never summed month by month;
- ``catalog``: counts from the unit's current procedure catalogue.
Over several units every element sums (a parent = Σ its subtree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .choices import Aggregation


@dataclass(frozen=True)
class DataElement:
    code: str
    label: str
    aggregation: str = Aggregation.SUM


#: The catalogue, in the order of ``UnitMonthData``'s columns: data
#: (``data_elements.json``: ``[code, Vietnamese label, aggregation]`` rows).
ELEMENTS: list[DataElement] = [
    DataElement(code, label, Aggregation(aggregation))
    for code, label, aggregation in json.loads(Path(__file__).with_name("data_elements.json").read_text(encoding="utf-8"))
]

BY_CODE: dict[str, DataElement] = {e.code: e for e in ELEMENTS}

#: Elements stored per unit × month in ``UnitMonthData`` (the others are computed
#: for the period at query time from ``ProcedureMonth`` and the catalogue).
MONTHLY_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation in (Aggregation.SUM, Aggregation.LAST)]
SUM_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.SUM]
LAST_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.LAST]
DISTINCT_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.DISTINCT]
CATALOG_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.CATALOG]
