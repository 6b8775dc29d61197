"""Vietnamese text folded for matching: the one place diacritics are removed.

Headers, unit names and cell vocabularies are compared without diacritics, case,
punctuation or spacing ("Ngày hẹn trả\\nKQ", "UBND xa Mo O"); "đ" is folded to "d"
by hand because Unicode does not decompose it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_accents(text: str) -> str:
    """``text`` without diacritics, case kept: "Mò Ó" → "Mo O", "Đakrông" → "Dakrong"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def plain(text: Any) -> str:
    """Lower case without diacritics; ``None`` → ""."""
    return "" if text is None else fold_accents(str(text)).lower()


def fold(text: Any) -> str:
    """Lower case, no diacritics, letters and digits only: "Mã hồ sơ" → "mahoso"."""
    return _NON_ALNUM.sub("", plain(text))


def fold_words(text: Any) -> str:
    """Like ``fold`` but single spaces between words: "UBND xã Mò Ó (cũ)" → "ubnd xa mo o cu"."""
    return " ".join(_NON_ALNUM.sub(" ", plain(text)).split())
