"""List helpers for templates: ``{% load listing %}``.

``versions`` numbers regenerated items (documents rendered again) so a list shows
"bản 3 – 05/01/2024 14:30 (mới nhất)" first and the older ones after it, instead
of identical links piling up (issue 13 item 8).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()


@register.filter
def versions(items: Iterable[Any], keys: str = "kind") -> list[dict[str, Any]]:
    """``items`` (objects with ``pk``) as ``[{"obj", "version", "latest"}]``, newest
    first. Items sharing the attributes named in ``keys`` (comma-separated, e.g.
    ``"kind,nomination_id"``) are versions of one thing, numbered 1, 2, … by ``pk``
    (creation order); ``latest`` marks the highest of each."""
    names = [k.strip() for k in keys.split(",") if k.strip()]
    ordered = sorted(items, key=lambda o: o.pk)
    counts: dict[tuple, int] = {}
    out = []
    for obj in ordered:
        key = tuple(getattr(obj, n, None) for n in names)
        counts[key] = counts.get(key, 0) + 1
        out.append({"obj": obj, "version": counts[key], "key": key})
    for row in out:
        row["latest"] = row["version"] == counts[row["key"]]
    return list(reversed(out))
