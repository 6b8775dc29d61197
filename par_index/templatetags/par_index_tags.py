"""Point display: 22,5 · 18,775 · +7,7 · "–" for blank (numbers through ``core.formats``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core import formats

register = template.Library()


@register.filter
def pts(value: Decimal | None) -> str:
    if value is None or value == "":
        return "–"
    return formats.number(Decimal(value))


@register.filter
def signed(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    text = pts(Decimal(value).copy_abs())
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


@register.filter
def input_value(value: Decimal | None) -> str:
    """Value for a points input: decimal comma, no grouping (``core.numbers`` reads it back)."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f").replace(".", ",")
