"""Text typed in the legacy TCVN3 (ABC) fonts (.VnTime, .VnArial …) → Unicode.

Old provincial templates were typed before Unicode (TCVN 6909:2001) became the
norm: their cells hold single-byte TCVN 5712:1993 ("VN3") codes that a font such
as .VnTime draws as Vietnamese letters, so the text read from the file is
"§¬n vÞ" where the sheet shows "Đơn vị". No maintained converter is on PyPI (the
packages that mention legacy encodings are whole document loaders), so the table
is kept here: 67 lower-case letters and the seven upper-case base letters the
encoding has codes for. The .VnTimeH family draws the same codes as capitals;
header matching folds case, so converting to lower case loses nothing it needs.
"""

from __future__ import annotations

from typing import Any

# TCVN3 code (read as Latin-1 text) → Unicode letter, in the encoding's own order:
# a á à ả ã ạ, ă …, â …, e …, ê …, i …, o …, ô …, ơ …, u …, ư …, y …, đ.
_TCVN3_LOWER = "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉËÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ®"
_UNICODE_LOWER = "áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ"
_TCVN3_UPPER = "¡¢£¤¥¦§"
_UNICODE_UPPER = "ĂÂÊÔƠƯĐ"
TABLE = str.maketrans(_TCVN3_LOWER + _TCVN3_UPPER, _UNICODE_LOWER + _UNICODE_UPPER)

# Codes that never occur in Unicode Vietnamese text (they are not Vietnamese letters
# in Latin-1): one of them in a cell whose characters are all ≤ U+00FF marks TCVN3.
# Latin-1 letters that Unicode Vietnamese does use (á, à, ã, â, é, ê, ó, ô, õ, ú, ý …)
# are not markers, so "Mò Ó" or "Quá hạn" are never converted.
_MARKERS = frozenset("¸µ¶·¹¨©ª«¬®¡¢£¤¥¦§\xad¾»¼½ÆÇËÐÎÏÑÖ×ØÜÞßäåæçëîïñö÷øûüþ")
LEGACY_FONT_NAMES = ".VnTime, .VnArial (bảng mã TCVN3/ABC)"


def is_tcvn3(text: Any) -> bool:
    """True when ``text`` reads as TCVN3 codes: only Latin-1 characters, at least one
    of which is not a Vietnamese letter in Unicode (``_MARKERS``)."""
    if text.__class__ is not str or not text:
        return False
    if max(text) > "\xff":
        return False
    return not _MARKERS.isdisjoint(text)


def to_unicode(text: str) -> str:
    """The Unicode text of a TCVN3 string: "§¬n vÞ" → "Đơn vị", "Tõ kú tr\xadíc" → "Từ kỳ trước"."""
    return text.translate(TABLE)


_CODES = frozenset(_TCVN3_LOWER + _TCVN3_UPPER)


def _may_be_tcvn3(text: Any) -> bool:
    """Latin-1 only and holding at least one TCVN3 code, marker or not ("Trong kú")."""
    return text.__class__ is str and bool(text) and max(text) <= "\xff" and not _CODES.isdisjoint(text)


def fix_rows(rows: list[list[Any]]) -> list[tuple[int, int, str, str]]:
    """Convert, in place, the TCVN3 cells of ``rows`` (lists of cell values).

    A row is typed in TCVN3 when one of its cells is (``is_tcvn3``); then every
    Latin-1 cell of that row holding TCVN3 codes is converted too, because some
    words ("Trong kú", "Trùc tuyÕn") use only codes that are also Vietnamese
    letters in Unicode and cannot be told apart alone. Rows without a marker are
    left as they are (data rows typed in Unicode under a TCVN3 header).

    Returns the cells converted as (0-based row, 0-based column, text as found,
    Unicode text), so the reader can say what it did (a warning naming the
    legacy font) instead of converting silently."""
    changed: list[tuple[int, int, str, str]] = []
    for r, row in enumerate(rows):
        if not any(is_tcvn3(v) for v in row):
            continue
        for c, value in enumerate(row):
            if _may_be_tcvn3(value):
                fixed = to_unicode(value)
                row[c] = fixed
                changed.append((r, c, value, fixed))
    return changed


def warning(changed: list[tuple[int, int, str, str]]) -> str:
    """The reader's warning for converted cells (empty when none)."""
    if not changed:
        return ""
    rows = sorted({r + 1 for r, _, _, _ in changed})
    sample = changed[0]
    where = f"dòng {rows[0]}" if len(rows) == 1 else f"dòng {rows[0]}–{rows[-1]}"
    return (
        f"{len(changed)} ô ({where}) gõ bằng phông chữ cũ {LEGACY_FONT_NAMES}: đã chuyển sang Unicode "
        f"(ví dụ “{sample[2]}” → “{sample[3]}”). Nên lưu lại mẫu bằng phông Unicode (Times New Roman)."
    )
