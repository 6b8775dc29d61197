"""Formatting for printed documents: Vietnamese numbers, dates and amounts in words.

Numbers and dates go through ``core.formats`` (the project's own Vietnamese formats,
not the host's locale), so a PDF reads the same on every host and as the pages do.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django import template

from core import formats

register = template.Library()

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", " nghìn", " triệu", " tỷ"]


@register.filter
def vnd(value) -> str:
    """702000 → "702.000"."""
    if value is None or value == "":
        return ""
    return formats.money(int(value))


@register.filter
def vn_decimal(value) -> str:
    """0.30 → "0,3"."""
    if value is None:
        return ""
    return formats.number(Decimal(value))


@register.filter
def vn_date(value: date | None) -> str:
    """"05/07/2023"; nothing → ""."""
    return formats.date(value) if value else ""


def date_words(value: date) -> str:
    """"ngày 05 tháng 7 năm 2023": ND 30/2020 pads a day below 10 and the months
    1 and 2 with a zero (so that "tháng 1" cannot become "tháng 12"), nothing else."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter(name="date_words")
def date_words_filter(value: date | None) -> str:
    """"ngày 05 tháng 7 năm 2023" for a date in the text (căn cứ, Tờ trình); nothing → ""."""
    return date_words(value) if value else ""


@register.filter
def date_line(value: date | None, place: str = "") -> str:
    if value is None:
        return f"{place}, ngày     tháng     năm       " if place else ""
    return f"{place}, {date_words(value)}" if place else date_words(value)


@register.filter
def upper_vn(value: str) -> str:
    return (value or "").upper()


@register.filter
def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


_SHORT_DATE = re.compile(r"\bngày (\d{1,2})/(\d{1,2})/(\d{4})\b")


@register.filter
def full_dates(value: str) -> str:
    """"ngày 27/12/2022" → "ngày 27 tháng 12 năm 2022" in a căn cứ line (ND 30/2020 writes
    the date of a cited document in words); anything that is not a real date is kept."""
    def words(m: re.Match) -> str:
        try:
            return date_words(date(int(m[3]), int(m[2]), int(m[1])))
        except ValueError:
            return m[0]
    return _SHORT_DATE.sub(words, value or "")


@register.filter
def clause(value: str) -> str:
    """A legal-basis line without its final punctuation (the template adds ; or .)."""
    return (value or "").strip().rstrip(".;,")


@register.filter
def lowerfirst(value: str) -> str:
    value = value or ""
    return value[:1].lower() + value[1:]


@register.filter
def movement_name(title: str) -> str:
    """A campaign's title as "phong trào thi đua …" inside a sentence, never doubled:
    "Phát động phong trào thi đua “X”" → "phong trào thi đua “X”";
    "Tổ chức thực hiện phong trào thi đua “X”" → "phong trào thi đua “X”";
    "Thi đua CCHC năm 2023" → "phong trào thi đua CCHC năm 2023";
    any other title → "phong trào thi đua <title>"."""
    title = (title or "").strip()
    lower = title.lower()
    at = lower.find("phong trào")
    if at >= 0:
        return "phong trào" + title[at + len("phong trào"):]
    if lower.startswith("thi đua "):
        return "phong trào thi đua " + title[len("thi đua "):]
    return f"phong trào thi đua {title}"


@register.filter
def two_digits(value) -> str:
    try:
        return f"{int(value):02d}"
    except (TypeError, ValueError):
        return str(value)


def _three(n: int, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if ones:
        if ones == 1 and tens >= 2:
            words.append("mốt")
        elif ones == 5 and tens >= 1:
            words.append("lăm")
        elif ones == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(_DIGITS[ones])
    return " ".join(words)


@register.filter
def amount_words(value) -> str:
    """1702000 → "Một triệu bảy trăm lẻ hai nghìn đồng"."""
    n = int(value or 0)
    if n == 0:
        return "Không đồng"
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    parts = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        scale = _SCALES[i % 4] if i < 4 else _SCALES[i % 3 + 1]
        parts.append(_three(g, full=i != len(groups) - 1) + scale)
    text = " ".join(parts) + " đồng"
    return text[0].upper() + text[1:]
