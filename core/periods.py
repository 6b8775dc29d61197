"""Calendar months: the one place for month arithmetic.

A month is represented by the ``datetime.date`` of its first day. Every function
here is pure and database-free, so the one-stop import (facts) and the indicator
engine share it without importing each other.
"""

from __future__ import annotations

import datetime


def as_date(value: datetime.date | datetime.datetime | str) -> datetime.date:
    """A date from a date, a datetime (its calendar date) or an ISO text ("2026-03-15…")."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def month_start(value: datetime.date) -> datetime.date:
    """The first day of ``value``'s month."""
    return value.replace(day=1)


def add_months(value: datetime.date, n: int) -> datetime.date:
    """The first day of the month ``n`` months after (negative: before) ``value``'s."""
    index = value.year * 12 + value.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_month(value: datetime.date) -> datetime.date:
    """The first day of the month after ``value``'s."""
    return add_months(value, 1)


def month_end(value: datetime.date) -> datetime.date:
    """The last day of ``value``'s month."""
    return next_month(value) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """First days of every month from ``first``'s to ``last``'s, both included
    (empty when ``last`` is before ``first``)."""
    out: list[datetime.date] = []
    m, end = month_start(first), month_start(last)
    while m <= end:
        out.append(m)
        m = next_month(m)
    return out


def month_key(value: datetime.date) -> str:
    """"YYYY-MM", the text key of a month (query strings, JSON)."""
    return f"{value.year:04d}-{value.month:02d}"


def parse_month(text: str) -> datetime.date:
    """The month of "YYYY-MM" or "MM/YYYY"; ``ValueError`` when it is neither."""
    text = text.strip()
    if "/" in text:
        month, year = text.split("/", 1)
    else:
        year, month = text.split("-", 1)
    return datetime.date(int(year), int(month), 1)
