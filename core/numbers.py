"""Numbers typed by people: "8,5", "8.5", "1.234,5" — the one parser for form
fields and spreadsheet cells (Vietnamese users write a decimal comma; spreadsheets
and English keyboards a point)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def parse_decimal(raw: Any) -> Decimal:
    """A finite ``Decimal`` from a number or a text with a decimal comma or point
    (with both, the point groups thousands: "1.234,5" → 1234.5; spaces are ignored).

    Raises ``ValueError`` for blank, boolean, non-numeric or non-finite input.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("trống")
    if isinstance(raw, bool):
        raise ValueError(str(raw))
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    if isinstance(raw, Decimal):
        text = str(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        if "," in text and "." in text:  # 1.234,5 → thousands point, decimal comma
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(str(raw)) from exc
    if not value.is_finite():
        raise ValueError(str(raw))
    return value
