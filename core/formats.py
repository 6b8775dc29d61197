"""Vietnamese numbers and dates in Python code (documents, messages, exports).

Everything goes through Django's localisation with the project's formats
(``cchc_portal/formats/vi``: "1.234.567", "98,5", "05/01/2024"), so a page, a
PDF and a message show a number the same way. Templates use the filters in
``core/templatetags/vi.py``, which call these.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation


def number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """"1.234.567" / "98,50" (``decimals`` fixes the places, rounding half up;
    ``None`` keeps the value's own, trailing zeros of a Decimal dropped). ``None`` → ""."""
    if value is None:
        return ""
    if decimals is not None and not isinstance(value, int):
        # Django's number_format cuts the extra places (96.6667 → "96,66"); a shown
        # figure is rounded half up, as a person rounds it (96.6667 → "96,67").
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if decimals is None and isinstance(value, Decimal):
        value = value.normalize()
        if value.as_tuple().exponent > 0:  # normalize() turns 100 into 1E+2
            value = value.quantize(Decimal(1))
    with translation.override("vi"):
        return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def money(value: int | Decimal | None) -> str:
    """Đồng amounts: whole numbers with grouping ("1.520.000"). ``None`` → ""."""
    return "" if value is None else number(int(value), 0)


def date(value: datetime.date | datetime.datetime | None) -> str:
    """"dd/mm/yyyy"; ``None`` → ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    with translation.override("vi"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def month(value: datetime.date | None) -> str:
    """"mm/yyyy"; ``None`` → ""."""
    if value is None:
        return ""
    with translation.override("vi"):
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
