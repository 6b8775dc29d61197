"""Server-side lists: search over folded text, filters from GET, pagination.

Every list page of the portal goes through ``paginate`` so that a page costs a
constant number of queries (one ``COUNT`` and one page slice, whatever the size
of the table) and a bounded response (``PER_PAGE`` rows), and the search and the
filters stay in the URL (``?q=…&unit=…&page=3``), so a link or a bookmark gives
the same page again. Templates: ``{% include "includes/search.html" %}`` and
``{% include "includes/pagination.html" %}``.

Search is accent- and case-insensitive the way ``core.text.plain`` folds text
("mo o" finds "UBND xã Mò Ó"): the database folds the column with ``Fold`` —
``TRANSLATE`` on PostgreSQL, the same Python fold registered as a SQL function
on SQLite — so both back ends give one answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.backends.signals import connection_created
from django.db.models import Func, Q, QuerySet, TextField
from django.http import HttpRequest

from .text import plain

#: Rows per page: a page stays small on a commune's connection (issue 14: < 200 KB).
PER_PAGE = 50
#: The longest search text kept (a longer one is cut, not refused).
MAX_QUERY = 100
SQLITE_FOLD = "cchc_fold"


def _fold_table() -> tuple[str, str]:
    """Characters of Latin-1 Supplement and Latin Extended(-Additional) whose
    ``plain`` fold is one ASCII letter, and those letters (for ``TRANSLATE``)."""
    src, dst = [], []
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        folded = plain(ch)
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != ch:
            src.append(ch)
            dst.append(folded)
    return "".join(src), "".join(dst)


_FOLD_FROM, _FOLD_TO = _fold_table()


class Fold(Func):
    """``plain(expression)`` in SQL: lower case, no Vietnamese diacritics."""

    output_field = TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):  # other back ends: lower only
        return super().as_sql(compiler, connection, function="LOWER", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        # Accented letters become ASCII first, so LOWER needs no locale for them.
        return super().as_sql(
            compiler, connection,
            template=f"LOWER(TRANSLATE(%(expressions)s, '{_FOLD_FROM}', '{_FOLD_TO}'))",
            **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FOLD, **extra_context)


def _register_sqlite_fold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, plain, deterministic=True)


connection_created.connect(_register_sqlite_fold, dispatch_uid="core.listing.sqlite_fold")


def search_text(request: HttpRequest, name: str = "q") -> str:
    """The search box's text, trimmed and cut to ``MAX_QUERY`` characters."""
    return " ".join(request.GET.get(name, "").split())[:MAX_QUERY]


def search(queryset: QuerySet, text: str, fields: Sequence[str]) -> QuerySet:
    """Rows where every word of ``text`` occurs (folded) in one of ``fields``.

    ``fields`` are ORM paths to text columns ("file_name", "unit__name"). An
    empty text returns the queryset unchanged."""
    words = plain(text).split()
    if not words or not fields:
        return queryset
    names = {f: f"_fold_{i}" for i, f in enumerate(fields)}
    queryset = queryset.annotate(**{alias: Fold(f) for f, alias in names.items()})
    for word in words:
        any_field = Q()
        for alias in names.values():
            any_field |= Q(**{f"{alias}__contains": word})
        queryset = queryset.filter(any_field)
    return queryset


def choice(request: HttpRequest, name: str, allowed: Sequence[str] | dict[str, Any]) -> str:
    """A GET filter restricted to ``allowed`` values ("" when absent or unknown)."""
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@dataclass
class Listing:
    """One page of a list: ``page`` (Django ``Page``), ``rows`` (its objects as a
    list, evaluated once) and the search text ``q``."""

    page: Page
    rows: list
    q: str

    @property
    def total(self) -> int:
        return self.page.paginator.count


def paginate(request: HttpRequest, queryset: QuerySet | Sequence, *, search_fields: Sequence[str] = (),
             per_page: int = PER_PAGE) -> Listing:
    """Search ``queryset`` by ``?q=`` over ``search_fields`` and cut page ``?page=``.

    Two queries for a queryset (count and slice) whatever its size; an unknown
    or out-of-range page number gives the nearest page rather than an error. The
    queryset must be ordered (a stable order across pages)."""
    q = search_text(request)
    if search_fields and isinstance(queryset, QuerySet):
        queryset = search(queryset, q, search_fields)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return Listing(page=page, rows=list(page.object_list), q=q)
