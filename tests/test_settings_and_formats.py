from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation

from cchc_portal import settings as portal_settings


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='maybe' is not a boolean"):
        portal_settings.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "mười")
    with pytest.raises(ImproperlyConfigured, match="X_INT='mười' is not an integer"):
        portal_settings.env_int("X_INT", 1)
    monkeypatch.setenv("X_BOOL", "yes")
    assert portal_settings.env_bool("X_BOOL", False) is True


def test_vietnamese_number_and_date_formats():
    from datetime import date

    with translation.override("vi"):
        html = Template("{{ n }}|{{ d }}|{{ day|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"n": 1234567, "d": Decimal("98.5"), "day": date(2024, 1, 5)}))
    assert html == "1.234.567|98,5|05/01/2024"


def test_shown_decimals_are_rounded_not_cut():
    """Django's number_format cuts extra places; a council reads 96,6667 % as 96,67 (trial)."""
    from core import formats

    assert formats.number(Decimal("96.6667"), 2) == "96,67"
    assert formats.number(96.6667, 2) == "96,67"
    assert formats.number(Decimal("60.125"), 2) == "60,13"  # half up, not to even
    assert formats.number(Decimal("-0.005"), 2) == "-0,01"
    assert formats.number(Decimal("1234.5"), 0) == "1.235"
    assert formats.number(1234567, 2) == "1.234.567,00"
    with translation.override("vi"):
        assert Template("{% load vi %}{{ v|so:2 }}").render(Context({"v": Decimal("96.6667")})) == "96,67"


# check --deploy with the README's production settings, the generated secret key and
# the refusal of a short one: tests/test_safe_defaults.py (issue 12).
