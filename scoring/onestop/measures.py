"""What a one-stop file cannot measure: the fields it has no column for, and what
each missing field costs (``measures.json``, data kept next to the facts it
describes; ``tests/onestop/test_preview.py`` checks it against scoring's data
elements and default indicators, which this layer does not import).

House rule 12 (DESIGN.md): an input column that is not there is shown to the user
with what it costs, and confirming such a file needs an explicit tick
(``services.confirm_batch(..., accept_gaps=True)``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).with_name("measures.json")


@cache
def field_measures() -> dict[str, list[dict[str, Any]]]:
    """kind → [{"field", "column", "elements", "indicators", "message"}], in display order."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return {kind: entries for kind, entries in data.items() if not kind.startswith("_")}


def cannot_measure(kind: str, mapped_fields: set[str] | frozenset[str]) -> list[dict[str, str]]:
    """The gaps of a file of this ``kind`` whose columns map to ``mapped_fields``.

    Returns ``[{"field": key, "message": Vietnamese sentence}]`` (the shape of
    ``ImportBatch.reading["cannot_measure"]``), one per field with no column that
    some default indicator needs (an entry whose ``indicators`` is empty costs
    nothing and is not listed)."""
    return [
        {"field": e["field"], "message": e["message"]}
        for e in field_measures().get(kind, [])
        if e["indicators"] and e["field"] not in mapped_fields
    ]


def missing_columns(kind: str, gaps: list[dict[str, str]]) -> list[str]:
    """The columns named by ``cannot_measure`` entries ("ngày hẹn trả", …), in order."""
    names = {e["field"]: e["column"] for e in field_measures().get(kind, [])}
    return [names.get(g["field"], g["field"]) for g in gaps]

