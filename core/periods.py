"""Calendar months: the one place for month arithmetic.

A month is represented by the ``datetime.date`` of its first day. Every function
here is pure and database-free, so the one-stop import (facts) and the indicator
engine share it without importing each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from . import formats


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


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (first day) to ``end`` (first day of the last month);
    ``label`` names it in Vietnamese ("quý 1/2024", "03/2024 – 06/2024")."""

    start: datetime.date
    end: datetime.date
    label: str = ""

    @property
    def last_day(self) -> datetime.date:
        return month_end(self.end)

    @property
    def year(self) -> int:
        return self.end.year

    def months(self) -> list[datetime.date]:
        return months_between(self.start, self.end)

    def previous_year(self) -> Period:
        return Period(self.start.replace(year=self.start.year - 1), self.end.replace(year=self.end.year - 1),
                      f"cùng kỳ năm {self.end.year - 1}")

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date, label: str = "") -> Period:
        """``ValueError`` when ``end``'s month is before ``start``'s."""
        s, e = month_start(start), month_start(end)
        if e < s:
            raise ValueError("Kỳ kết thúc trước kỳ bắt đầu.")
        return cls(s, e, label or f"{formats.month(s)} – {formats.month(e)}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        d = datetime.date(year, month, 1)
        return cls(d, d, f"tháng {formats.month(d)}")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        return cls(datetime.date(year, 3 * q - 2, 1), datetime.date(year, 3 * q, 1), f"quý {q}/{year}")

    @classmethod
    def half(cls, year: int, h: int) -> Period:
        return cls(datetime.date(year, 6 * h - 5, 1), datetime.date(year, 6 * h, 1), f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}")

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1), f"năm {year}")

    @classmethod
    def for_round(cls, round_: Any) -> Period:
        """The months of a campaign round (``period_start`` … ``period_end``)."""
        return cls.between(round_.period_start, round_.period_end,
                           f"{round_.name} ({formats.date(round_.period_start)} – {formats.date(round_.period_end)})")
