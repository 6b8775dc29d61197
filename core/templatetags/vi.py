"""Template filters for Vietnamese numbers and dates: ``{% load vi %}`` then
``{{ value|so }}``, ``{{ value|so:2 }}``, ``{{ amount|tien }}``, ``{{ day|ngay }}``,
``{{ month|thang }}``. One implementation: ``core.formats``."""

from __future__ import annotations

from django import template

from core import formats

register = template.Library()


@register.filter
def so(value, decimals=None):
    return formats.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def tien(value):
    return formats.money(value)


@register.filter
def ngay(value):
    return formats.date(value)


@register.filter
def thang(value):
    return formats.month(value)
