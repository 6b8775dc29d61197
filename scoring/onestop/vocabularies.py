"""Value vocabularies: what the cells of one-stop exports say, in their own words.

The same value is written many ways: the online level as "Toàn trình", "DVC
trực tuyến toàn trình", "Dịch vụ công trực tuyến toàn trình" or, before the
2022 wording (Nghị định 42/2022/NĐ-CP replaced the levels 1–4 of Nghị định
43/2011/NĐ-CP by "toàn trình" / "một phần" / "cung cấp thông tin"), "mức độ 4";
the channel as "Nộp trực tuyến", "Qua mạng", "Trực tiếp tại bộ phận một cửa",
"Bưu chính" … Each wording is a ``ValueTerm`` row: ``DEFAULTS`` below is loaded
by a data migration (so a fresh install reads the usual exports), and staff add
their software's wordings in the admin.

Lookup: a cell is folded (no diacritics, lower case, punctuation as spaces) and
compared with the exact wordings first, then with the "contains" phrases,
longest first. ``load()`` reads the table into this process once per change:
saving or deleting a term bumps a version in Django's cache, and the next
``load()`` (at the start of every parse, ``preview.build_context``) reloads it.
The converters in ``parsing`` call ``meaning()``, which reads only what was
loaded (no query per cell). Before any ``load()`` the defaults apply.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save

from core.text import plain

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
VERSION_KEY = "onestop:vocabulary:version"

#: (domain, text, meaning, contains). Sources: the national portal's and the
#: common one-stop software's export wordings; Nghị định 42/2022/NĐ-CP Điều 11
#: (toàn trình, một phần, cung cấp thông tin); Nghị định 43/2011/NĐ-CP (mức độ 1–4).
DEFAULTS: list[tuple[str, str, str, bool]] = [
    # online level
    *[("online_level", t, "full", c) for t, c in (
        ("Toàn trình", True), ("Trực tuyến toàn trình", False), ("DVC trực tuyến toàn trình", False),
        ("Dịch vụ công trực tuyến toàn trình", False), ("Mức độ 4", False), ("DVC mức độ 4", False),
        ("Dịch vụ công mức độ 4", False), ("DVCTT mức độ 4", False), ("Mức 4", False), ("MĐ4", False), ("4", False),
        ("full", False),
    )],
    *[("online_level", t, "partial", c) for t, c in (
        ("Một phần", True), ("Trực tuyến một phần", False), ("DVC trực tuyến một phần", False),
        ("Dịch vụ công trực tuyến một phần", False), ("Mức độ 3", False), ("DVC mức độ 3", False),
        ("Dịch vụ công mức độ 3", False), ("DVCTT mức độ 3", False), ("Mức 3", False), ("MĐ3", False), ("3", False),
        ("partial", False),
    )],
    *[("online_level", t, "none", c) for t, c in (
        ("Cung cấp thông tin", True), ("Dịch vụ cung cấp thông tin trực tuyến", False),
        ("Cung cấp thông tin trực tuyến", False), ("Thông tin trực tuyến", False), ("Không", False),
        ("Không cung cấp trực tuyến", False), ("Chưa cung cấp", False), ("Mức độ 1", False), ("Mức độ 2", False),
        ("DVC mức độ 2", False), ("Dịch vụ công mức độ 2", False), ("Mức 2", False), ("Mức 1", False), ("1", False),
        ("2", False), ("none", False),
    )],
    # channel
    *[("channel", t, "online", c) for t, c in (
        ("Trực tuyến", True), ("Qua mạng", True), ("Nộp trực tuyến", False), ("Dịch vụ công trực tuyến", False),
        ("DVCTT", False), ("Online", False), ("Cổng dịch vụ công", True), ("Qua cổng DVC", False), ("2", False),
    )],
    *[("channel", t, "direct", c) for t, c in (
        ("Trực tiếp", True), ("Nộp trực tiếp", False), ("Tại bộ phận một cửa", True), ("Bộ phận một cửa", True),
        ("Tại quầy", False), ("Direct", False), ("1", False),
    )],
    *[("channel", t, "postal", c) for t, c in (
        ("Bưu chính", True), ("BCCI", True), ("Bưu chính công ích", False), ("Dịch vụ bưu chính công ích", False),
        ("Qua bưu điện", True), ("Postal", False), ("3", False),
    )],
    # yes / no
    *[("yes_no", t, "1", False) for t in ("Có", "x", "✓", "✔", "1", "Đã", "Đúng", "Đạt", "Yes", "Y", "True", "V", "C")],
    *[("yes_no", t, "1", True) for t in ("Đã thanh toán", "Đã số hóa", "Có phí", "Có lệ phí")],
    *[("yes_no", t, "0", False) for t in ("Không", "0", "Chưa", "Sai", "No", "N", "False", "K", "-")],
    *[("yes_no", t, "0", True) for t in ("Không có", "Chưa thanh toán", "Miễn phí")],
    # satisfaction
    *[("satisfaction", t, "3", False) for t in ("Rất hài lòng", "3")],
    *[("satisfaction", t, "2", False) for t in ("Hài lòng", "Bình thường", "2")],
    *[("satisfaction", t, "1", False) for t in ("Không hài lòng", "Chưa hài lòng", "1")],
    *[("satisfaction", t, "", False) for t in ("Chưa đánh giá", "Không đánh giá")],
    # status
    *[("status", t, "returned", c) for t, c in (("Đã trả kết quả", True), ("Đã trả", False), ("Hoàn thành", False))],
    *[("status", t, "resolved", c) for t, c in (("Đã giải quyết", True), ("Đã xử lý", True), ("Chờ trả kết quả", True))],
    *[("status", t, "pending", c) for t, c in (("Đang giải quyết", True), ("Đang xử lý", True), ("Chờ bổ sung", True),
                                                 ("Mới tiếp nhận", True), ("Chờ xử lý", True))],
    *[("status", t, "withdrawn", c) for t, c in (("Rút hồ sơ", True), ("Đã rút", True), ("Hủy", True), ("Từ chối", True))],
]


def fold_value(text: Any) -> str:
    """"DVC  Trực-tuyến\\nToàn trình" → "dvc truc tuyen toan trinh"; ✓ and ✔ kept as they are."""
    s = plain(text)
    if s.strip() in ("✓", "✔", "-"):
        return s.strip()
    return " ".join(_NON_ALNUM.sub(" ", s).split())


class _Table:
    """exact: domain → {key: meaning}; phrases: domain → [(key, meaning)] longest first."""

    def __init__(self, rows: list[tuple[str, str, str, bool]]) -> None:
        self.exact: dict[str, dict[str, str]] = {}
        self.phrases: dict[str, list[tuple[str, str]]] = {}
        for domain, text, meaning, contains in rows:
            key = fold_value(text)
            if not key:
                continue
            self.exact.setdefault(domain, {})[key] = meaning
            if contains:
                self.phrases.setdefault(domain, []).append((key, meaning))
        for items in self.phrases.values():
            items.sort(key=lambda kv: -len(kv[0]))


_table = _Table(DEFAULTS)
_version: Any = None


def load() -> None:
    """Read the terms from the database when they changed since the last load
    (one cache read when nothing changed)."""
    global _table, _version
    from .models import ValueTerm

    version = cache.get(VERSION_KEY)
    if version is not None and version == _version:
        return
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    rows = list(ValueTerm.objects.values_list("domain", "text", "meaning", "contains"))
    _table = _Table(rows or DEFAULTS)
    _version = version


def changed(**_: Any) -> None:
    """A term was saved or deleted: every process reloads at its next ``load()``."""
    global _version
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
    _version = None


def meaning(domain: str, value: Any) -> str | None:
    """What ``value`` means in ``domain`` (see ``ValueTerm``), or None if no term matches."""
    key = fold_value(value)
    if not key:
        return None
    found = _table.exact.get(domain, {}).get(key)
    if found is not None:
        return found
    padded = f" {key} "
    for phrase, m in _table.phrases.get(domain, ()):
        if f" {phrase} " in padded:
            return m
    return None


def known_wordings(domain: str, meaning_: str | None = None, limit: int = 4) -> list[str]:
    """A few wordings of a domain (for messages): the defaults' first ones."""
    out = [t for d, t, m, _ in DEFAULTS if d == domain and (meaning_ is None or m == meaning_) and not t.isdigit()]
    return out[:limit]


def set_key(sender: Any, instance: Any, **_: Any) -> None:
    """``ValueTerm.key`` is the folded wording (what cells are compared with)."""
    instance.key = fold_value(instance.text)


def _connect() -> None:
    from .models import ValueTerm

    pre_save.connect(set_key, sender=ValueTerm, dispatch_uid="onestop.vocabulary.key")
    post_save.connect(changed, sender=ValueTerm, dispatch_uid="onestop.vocabulary.saved")
    post_delete.connect(changed, sender=ValueTerm, dispatch_uid="onestop.vocabulary.deleted")


_connect()
