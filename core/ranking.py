"""The one declared tie rule: standard competition ranking ("1-2-2-4").

Equal scores share the best rank and the next distinct score skips the places
they took (DESIGN: "one declared rule"), as sports tables and the QĐ 766 PAR
INDEX rankings do. Used by campaign criteria, contests and the PAR index.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


def competition_rank(scores: Sequence[Any]) -> list[int]:
    """Ranks of ``scores`` (any comparable values, highest first), in input order.

    ``[90, 80, 80, 70]`` → ``[1, 2, 2, 4]``; the input need not be sorted.
    """
    first_place: dict[Any, int] = {}
    for place, score in enumerate(sorted(scores, reverse=True), start=1):
        first_place.setdefault(score, place)
    return [first_place[s] for s in scores]


def competition_ranks(pairs: Sequence[tuple[K, Any]]) -> dict[K, int]:
    """``{key: rank}`` for ``(key, score)`` pairs, by the same rule."""
    return dict(zip([k for k, _ in pairs], competition_rank([s for _, s in pairs]), strict=True))
