"""The monthly statistical report (Biểu II.06a) in the shapes that exist.

What ``validation.validate_report`` needs beyond reading cells, kept apart from
the row checks:

- ``split_body``: which rows under the header are a unit's figures and which are
  left out, each with its reason — total rows ("Tổng cộng", "Toàn huyện", "Cộng"),
  group rows ("Cấp xã", "I.", "Khối phường") and subtotals recognised by their
  wording or by arithmetic (a row equal to the sum of the rows under or above
  it), the "(1) (2) (3)" line, notes under the table and the signature block
  ("Người lập biểu", "Thủ trưởng đơn vị", names);
- ``UnitMatcher``: a row's unit from its code or name, through the prefixes
  (UBND, xã/X., phường/P., thị trấn/TT., đặc khu), brackets, diacritics and the
  registry's short names, naming the candidates when a name fits several units;
- ``detect_period``: the month a report covers from its title ("Kỳ báo cáo:
  Tháng 10 năm 2026", "Số liệu từ ngày 15/09/2026 đến ngày 14/10/2026") with
  the data period when one is stated;
- ``to_count``: counts typed as text ("1.569", "1 569" with a no-break space);
- the stand-in columns: direct and postal receipts in two columns, early and
  on-time resolutions in one (``STAND_INS``);
- ``missing_columns_message``: why a statistics export of another vocabulary
  (no online/direct split) cannot be read as a II.06a report.

Plain Python over row lists, no database access: the caller passes what it knows.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import formats
from core.periods import add_months, month_start
from core.text import fold_words, plain

# --- text helpers ---------------------------------------------------------------------


_plain = plain
words = fold_words


def _accented(text: Any) -> str:
    """Lower case with diacritics kept, letters and digits only, single spaces
    (tells "Mò Ó" from "Mỏ O" when their plain forms collide)."""
    s = unicodedata.normalize("NFC", str(text or "")).lower()
    return " ".join(re.sub(r"[^\w]+", " ", s).replace("_", " ").split())


def _is_blank(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def cell_text(row: Sequence[Any]) -> str:
    """The row's non-empty cells joined, for the list of rows left out (≤ 120 chars)."""
    parts = []
    for v in row:
        if _is_blank(v):
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        parts.append(str(v).strip())
    text = " | ".join(parts)
    return text if len(text) <= 120 else text[:119] + "…"


# --- counts -----------------------------------------------------------------------------

# Thousands separators a count typed as text may carry: ".", ",", a space, a no-break
# space (U+00A0, what Excel with Vietnamese or French settings types), a narrow
# no-break space (U+202F) or a thin space (U+2009).
_SEPARATORS = " \u00a0\u202f\u2009"
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\u00a0\u202f\u2009 ])\d{3})(?:\1\d{3})*$")


def to_count(value: Any) -> int | None:
    """A non-negative whole number of dossiers; blank → None (not reported, not zero).

    Accepts numbers, and text with thousands separators ("1.569", "1,569",
    "1 569"); refuses fractions and percentages. Raises ``ValueError`` with a
    Vietnamese message."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{value}” không phải là số")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            shown = str(value).replace(".", ",")
            raise ValueError(f"“{shown}” không phải là số nguyên (số hồ sơ)")
        n = int(value)
    else:
        text = str(value).strip()
        if not text or text in ("-", "–"):
            return None
        if text.endswith("%"):
            raise ValueError(f"“{text}” là tỷ lệ phần trăm, không phải số hồ sơ")
        if _GROUPED.match(text):
            text = re.sub(r"[.,\u00a0\u202f\u2009 ]", "", text)
        else:
            text = text.strip(_SEPARATORS)
        try:
            n = int(text)
        except ValueError:
            raise ValueError(f"“{value}” không phải là số nguyên") from None
    if n < 0:
        raise ValueError(f"số âm ({n}) không hợp lệ")
    return n


def _count_or_none(value: Any) -> int | None:
    try:
        return to_count(value)
    except ValueError:
        return None


def is_ratio_header(text: Any) -> bool:
    """A percentage column ("%", "Tỷ lệ …", "Tỉ lệ …"): never a count of dossiers."""
    w = words(text)
    return "%" in str(text or "") or w.startswith(("ty le", "ti le")) or " ty le " in f" {w} " or " ti le " in f" {w} "


# --- stand-in columns -----------------------------------------------------------------------

#: Source columns that stand in for a form column when the form column is absent:
#: form key → (keys whose values are summed into it). "received_direct" is a
#: column of its own only in files that split direct and postal receipts;
#: "postal_received" is the optional BCCI count that such files then also give.
#: "resolved_within_time" is the one column of files that count early and on-time
#: resolutions together ("Trước hạn, đúng hạn").
STAND_INS: dict[str, tuple[str, ...]] = {
    "received_direct_postal": ("received_direct", "postal_received"),
    "resolved_on_time": ("resolved_within_time",),
}
#: Form columns that a stand-in makes unmeasurable (their value is stored as 0 and
#: the preview says so): the combined column cannot be split into early / on time.
STAND_IN_ZEROES: dict[str, tuple[str, ...]] = {"resolved_within_time": ("resolved_early",)}
#: Keys that only exist in files (not stored on ``MonthlyReport``).
SOURCE_ONLY_KEYS = ("received_direct", "resolved_within_time")


def reinterpret_columns(columns: dict[str, int], headers: dict[int, str], labels: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Correct a header match that would count the wrong thing, by what the
    header says (``headers``: column index → header text as found):

    - a percentage column ("Tỉ lệ trước, đúng hạn (%)") is never a count: unmapped;
    - a column of early AND on-time resolutions ("Trước hạn, đúng hạn") taken for
      one of the two is the combined column (``resolved_within_time``);
    - a "Trực tiếp" column taken for column (5) "Trực tiếp, bưu chính" while the
      file also has a postal column is direct receipts only (``received_direct``):
      the two are summed, not the first taken alone.

    Returns the corrected mapping and one note per change (for the preview)."""
    cols = dict(columns)
    notes: list[str] = []
    for key, ci in list(cols.items()):
        if key in ("unit", "month"):
            continue
        header = headers.get(ci, "")
        if header and is_ratio_header(header.split(" / ")[-1]):
            del cols[key]
            notes.append(f"Cột “{header}” là tỷ lệ phần trăm, không phải số hồ sơ: không ghép vào “{labels.get(key, key)}”.")
    for key in ("resolved_early", "resolved_on_time"):
        ci = cols.get(key)
        if ci is None or "resolved_within_time" in cols:
            continue
        w = words(headers.get(ci, "").split(" / ")[-1])
        if "truoc" in w and "dung" in w:
            cols["resolved_within_time"] = cols.pop(key)
            notes.append(f"Cột “{headers[ci]}” gộp trước hạn và đúng hạn: đọc là “{labels.get('resolved_within_time')}”.")
    ci = cols.get("received_direct_postal")
    if ci is not None and "postal_received" in cols and "received_direct" not in cols:
        w = words(headers.get(ci, "").split(" / ")[-1])
        if w and not any(t in w for t in ("buu chinh", "bcci", "buu dien")):
            cols["received_direct"] = cols.pop("received_direct_postal")
            notes.append(f"Cột “{headers[ci]}” chỉ gồm hồ sơ trực tiếp (bưu chính ở cột riêng): hai cột được cộng lại.")
    return cols, notes


def missing_after_stand_ins(found: set[str] | dict[str, Any], required: Sequence[str]) -> list[str]:
    """The required report keys that neither a column nor a stand-in gives."""
    missing = []
    for key in required:
        if key in found:
            continue
        alt = STAND_INS.get(key)
        if alt and all(k in found for k in alt):
            continue
        if key in ("resolved_early",) and "resolved_within_time" in found:
            continue
        missing.append(key)
    return missing


_ONLINE_SPLIT = ("received_online", "received_direct_postal")


def missing_columns_message(missing: Sequence[str], labels: dict[str, str], found: Sequence[str] = ()) -> str:
    """Why a report file cannot be read: the form columns it lacks, the online /
    direct split first (without it "% hồ sơ trực tuyến" cannot be computed; the
    statistics screens of provincial portals and vendors count receipts in one
    column: "Đã tiếp nhận", "Nhận trong kỳ")."""
    missing = list(missing)
    names = ", ".join(f"“{labels.get(k, k)}”" for k in missing)
    if any(k in missing for k in _ONLINE_SPLIT):
        head = (
            "Báo cáo không tách số hồ sơ tiếp nhận trực tuyến với trực tiếp, bưu chính (cột (4) và (5) của "
            "Biểu II.06a), nên không tính được tỷ lệ hồ sơ trực tuyến. "
        )
        if "received_online" in found or "received_direct_postal" in found:
            head = "Báo cáo chỉ có một trong hai cột tiếp nhận trực tuyến / trực tiếp, bưu chính. "
        return (
            head + f"Thiếu cột: {names}. Đây có thể là bảng thống kê theo mẫu khác (“Đã tiếp nhận”, "
            "“Nhận trong kỳ”, “Đã xử lý”…): hãy xuất báo cáo theo Biểu II.06a (tiếp nhận trực tuyến; trực tiếp, "
            "dịch vụ bưu chính; từ kỳ trước; đã giải quyết trước hạn, đúng hạn, quá hạn; đang giải quyết trong "
            "hạn, quá hạn) hoặc tải tệp danh sách hồ sơ."
        )
    return f"Báo cáo thiếu cột bắt buộc của Biểu II.06a: {names}."


# --- unit names ---------------------------------------------------------------------------

# Kind prefixes of a unit's name, as written in full or abbreviated (plain words).
# Longer first so "thi tran" is tried before "thi xa" and "tt" before "t".
_KIND_PREFIXES: list[tuple[str, str]] = [
    ("uy ban nhan dan", ""), ("ubnd", ""),
    ("thi tran", "thi tran"), ("tt", "thi tran"),
    ("thi xa", "thi xa"), ("tx", "thi xa"),
    ("thanh pho", "thanh pho"), ("tp", "thanh pho"),
    ("dac khu", "dac khu"), ("dk", "dac khu"),
    ("phuong", "phuong"), ("p", "phuong"),
    ("xa", "xa"), ("x", "xa"),
    ("huyen", "huyen"), ("h", "huyen"),
    ("quan", "quan"), ("q", "quan"),
    ("tinh", "tinh"),
]
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")


#: Kinds of units above communes: a row naming one of them over its communes' rows
#: may be their subtotal (see ``split_body``'s ``is_self``).
UPPER_KINDS = frozenset({"huyen", "quan", "thi xa", "thanh pho", "tinh"})


def parse_unit_name(text: Any) -> tuple[str, str, str]:
    """(kind, plain core, accented core) of a unit's name: "UBND xã Mò Ó" →
    ("xa", "mo o", "mò ó"); "TT. Krông Klang" → ("thi tran", "krong klang", …).
    Bracketed parts are dropped ("Xã Mò Ó (cũ)")."""
    raw = _BRACKETS.sub(" ", str(text or ""))
    plain = words(raw).split()
    accented = _accented(raw).split()
    if len(accented) != len(plain):  # a character that folds into two words: keep plain only
        accented = plain[:]
    kind = ""
    changed = True
    while changed and plain:
        changed = False
        for prefix, k in _KIND_PREFIXES:
            p = prefix.split()
            if plain[: len(p)] == p and len(plain) > len(p):
                plain, accented = plain[len(p):], accented[len(p):]
                kind = k or kind
                changed = True
                break
    return kind, " ".join(plain), " ".join(accented)


@dataclass
class UnitMatch:
    unit_id: int | None
    candidates: list[str] = field(default_factory=list)  # names, when ambiguous
    how: str = ""  # "mã", "tên", "tên rút gọn" … (for the preview)


class UnitMatcher:
    """Finds a row's unit among the batch's subtree.

    ``keys``: folded code / name / short name → unit id (as ``validation.Context.units``);
    ``names``: unit id → registry name. Codes and exact names win; then the name
    without prefixes (kind and core), then the core alone; diacritics break ties
    between cores that fold alike."""

    def __init__(self, keys: dict[str, int], names: dict[int, str], fold: Callable[[Any], str]) -> None:
        self.keys = keys
        self.names = names
        self.fold = fold
        self.by_kind: dict[tuple[str, str], set[int]] = {}
        self.by_core: dict[str, set[int]] = {}
        self.accented: dict[int, str] = {}
        for unit_id, name in names.items():
            kind, core, acc = parse_unit_name(name)
            if not core:
                continue
            self.by_kind.setdefault((kind, core), set()).add(unit_id)
            self.by_core.setdefault(core, set()).add(unit_id)
            self.accented[unit_id] = acc
        # Short names and other keys of the registry ("Krông Klang") as cores too.
        for key, unit_id in keys.items():
            self.by_core.setdefault(key, set()).add(unit_id)
        self.cache: dict[Any, UnitMatch] = {}

    def match(self, raw: Any) -> UnitMatch:
        try:
            return self.cache[raw]
        except (KeyError, TypeError):
            pass
        found = self._match(raw)
        try:
            self.cache[raw] = found
        except TypeError:
            pass
        return found

    def _match(self, raw: Any) -> UnitMatch:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = "" if raw is None else str(raw).strip()
        exact = self.keys.get(self.fold(text))
        if exact is not None:
            return UnitMatch(exact, how="mã hoặc tên đầy đủ")
        tries = [text]
        inner = re.findall(r"[\(\[]([^\)\]]+)[\)\]]", text)
        tries += inner  # "Thị trấn (TT) Krông Klang", "Mò Ó (UBND xã)"
        # "UBND xã Mò Ó, huyện Đakrông", "Xã Mò Ó - Đakrông": the unit before its place.
        head = re.split(r",|\s[-–—]\s", text, maxsplit=1)[0]
        if head != text:
            tries.append(head)
        # "1. UBND xã Mò Ó", "a) Xã Mò Ó": a list number typed before the name.
        numbered = re.sub(r"^\s*(?:\d{1,3}|[IVXivx]{1,4}|[a-zA-Z])\s*[.)]\s+", "", text)
        if numbered != text:
            tries.append(numbered)
        for attempt in tries:
            kind, core, acc = parse_unit_name(attempt)
            if not core:
                continue
            exact = self.keys.get(self.fold(core))
            ids: set[int] = set()
            if kind and (kind, core) in self.by_kind:
                ids = self.by_kind[(kind, core)]
            elif core in self.by_core:
                ids = self.by_core[core]
                if kind:  # "Xã X" where only "Phường X" exists: not the same unit
                    ids = {i for i in ids if parse_unit_name(self.names.get(i, ""))[0] in (kind, "")} or set()
            elif exact is not None:
                ids = {exact}
            if len(ids) > 1:
                narrowed = {i for i in ids if self.accented.get(i) == acc}
                if len(narrowed) == 1:
                    ids = narrowed
            if len(ids) == 1:
                return UnitMatch(next(iter(ids)), how="tên (bỏ tiền tố, không phân biệt dấu)")
            if len(ids) > 1:
                return UnitMatch(None, sorted(self.names[i] for i in ids))
        return UnitMatch(None)


# --- which rows are figures -------------------------------------------------------------------

_TOTAL_WORDS = (
    "tong cong", "tong so", "tong", "cong", "total", "toan huyen", "toan tinh", "toan xa", "toan thanh pho",
    "toan thi xa", "toan quan", "toan dac khu", "toan nganh", "toan don vi", "chung toan huyen", "chung toan tinh",
    "cong toan huyen", "cong toan tinh", "tong toan huyen", "tong toan tinh",
)
_GROUP_WORDS = (
    "cap xa", "cap huyen", "cap tinh", "cap so", "khoi xa", "khoi phuong", "khoi thi tran", "khoi huyen",
    "khoi so", "khoi co quan", "khoi dang", "cac xa", "cac phuong", "cac thi tran", "cac xa phuong thi tran",
    "cac co quan", "cac don vi", "cac so nganh", "so nganh", "don vi cap xa", "don vi cap huyen", "ubnd cap xa",
    "ubnd cac xa", "trong do",
)
_SIGNATURE_WORDS = (
    "nguoi lap bieu", "nguoi lap bang", "nguoi lap", "nguoi tong hop", "nguoi kiem tra", "thu truong don vi",
    "thu truong co quan", "ky ghi ro ho ten", "ky ten dong dau", "ky dong dau", "ky ho ten", "ky va ghi ro ho ten",
    "tm uy ban nhan dan", "tm ubnd", "kt chu tich", "chu tich", "pho chu tich", "giam doc", "pho giam doc",
    "truong phong", "xac nhan cua", "lanh dao don vi", "can bo lap bieu",
)
_NOTE_PREFIXES = ("ghi chu", "chu thich", "chu y", "luu y", "nguon", "so lieu tinh den", "ghi chu:")
_PLACE_DATE = re.compile(r"\bngay\s*\d{0,2}\s*thang\s*\d{0,2}\s*nam\s*\d{0,4}\b")
_ROMAN = re.compile(r"^(?:[ivx]{1,5}|[a-e])$")


def is_total_label(text: Any) -> bool:
    """"Tổng cộng", "TỔNG SỐ", "Cộng:", "Toàn huyện", "Tổng cộng toàn huyện"."""
    w = words(text)
    if not w:
        return False
    return w in _TOTAL_WORDS or w.startswith(("tong cong", "toan huyen", "toan tinh", "cong toan", "tong toan"))


def is_group_label(text: Any) -> bool:
    """"Cấp xã", "Khối phường", "Các xã, phường, thị trấn", "Cộng cấp xã", "I", "II.", "A"."""
    w = words(text)
    if not w:
        return False
    if w.startswith("cong ") or w.startswith("tong ") and not w.startswith("tong cong"):
        w = w.split(" ", 1)[1]
    return w in _GROUP_WORDS or w.startswith(_GROUP_WORDS)


def is_signature_text(text: str) -> bool:
    """A cell of the signature block: a title ("Người lập biểu", "Thủ trưởng đơn vị",
    "TM. Ủy ban nhân dân"), the "(Ký, ghi rõ họ tên)" line, or the place-and-date
    line ("Krông Klang, ngày 05 tháng 11 năm 2026")."""
    w = words(text)
    if not w:
        return False
    return any(w == s or w.startswith(s + " ") or f" {s}" in f" {w}" for s in _SIGNATURE_WORDS) or bool(_PLACE_DATE.search(w))


def is_note_text(text: str) -> bool:
    """A note under the table: "Ghi chú: …", "* Số liệu …", "Nguồn: …"."""
    s = str(text or "").lstrip()
    return s.startswith(("*", "(*)", "Ghi chú", "GHI CHÚ", "Chú thích", "Lưu ý", "Nguồn")) or words(s).startswith(_NOTE_PREFIXES)


_COLNUM = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


def is_column_number_row(row: Sequence[Any]) -> bool:
    """The "(1) (2) (3) …" line printed under the header of statistical forms, also
    with a formula column written "(3)=(4)+(5)+(6)"."""
    values = [v for v in row if not _is_blank(v)]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        if isinstance(v, str):
            s = v.strip()
            m = re.match(r"^\(?\s*(\d{1,2})\s*\)?(?:\s*=.*)?$", s)
            if not m:
                return False
            nums.append(int(m.group(1)))
        elif isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
            nums.append(int(v))
        else:
            return False
    return nums == list(range(nums[0], nums[0] + len(nums)))


@dataclass
class Body:
    """The table body split: figures rows and rows left out (with reasons)."""

    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, row)
    left_out: list[dict[str, Any]]  # {"row": int, "reason": str, "text": str}
    warnings: list[str] = field(default_factory=list)


def split_body(
    rows: list[list[Any]], first: int, label_col: int | None, count_cols: Sequence[int],
    is_unit: Callable[[Any], bool], is_self: Callable[[Any], bool] | None = None,
) -> Body:
    """Split the rows from 0-based ``first`` (the row under the header) into the
    units' figures and the rows left out.

    ``label_col``: the column of the unit's name or code (None: no such column);
    ``count_cols``: the columns of the form's counts, used for the arithmetic test;
    ``is_unit``: whether a label names a unit of the batch (a row that names one is
    a unit's figures, whatever it looks like); ``is_self``: whether it names the
    uploading unit itself, whose row is left out when it has no figures (a heading,
    "UBND huyện Đakrông" over its communes) or equals the sum of its members' rows
    (a total under the unit's own name), and kept otherwise (its own one-stop).

    Left out, each listed with its reason: the "(1) (2) (3)" line; total rows and
    group rows by wording; rows without any count whose label names no unit
    (group headings); rows equal to the sum of the unit rows under them (a group's
    subtotal printed above its members) or above them since the last group or
    total (a subtotal or total printed below); notes, and everything from the
    signature block down."""
    left: list[dict[str, Any]] = []
    candidates: list[tuple[int, list[Any], str]] = []  # rownum, row, label
    kinds: list[str] = []  # per candidate: "unit" (label names a unit) or "other"
    breaks: set[int] = set()  # candidate indices after which a total/group row stood
    signature = False
    for index in range(first, len(rows)):
        row = rows[index]
        if all(_is_blank(v) for v in row):
            continue
        rownum = index + 1
        text = cell_text(row)
        if signature:
            left.append({"row": rownum, "reason": "khối chữ ký dưới bảng", "text": text})
            continue
        if index < first + 3 and is_column_number_row(row):
            left.append({"row": rownum, "reason": "dòng đánh số cột (1), (2), (3)…", "text": text})
            continue
        counts = [row[c] if c < len(row) else None for c in count_cols]
        has_numbers = any(_count_or_none(v) is not None for v in counts)
        label = row[label_col] if label_col is not None and label_col < len(row) else ""
        if _is_blank(label):
            label = next((v for v in row if isinstance(v, str) and v.strip() and not _COLNUM.match(v.strip())), "")
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        names_unit = not _is_blank(label) and is_unit(label)
        names_self = names_unit and is_self is not None and is_self(label)
        if names_self and not has_numbers:
            left.append({"row": rownum, "reason": "dòng tên nhóm (không có số liệu)", "text": text})
            breaks.add(len(candidates))
            continue
        if not has_numbers and not names_unit and any(is_signature_text(t) for t in texts):
            signature = True
            left.append({"row": rownum, "reason": "khối chữ ký dưới bảng", "text": text})
            continue
        if not has_numbers and not names_unit and texts and is_note_text(texts[0]):
            left.append({"row": rownum, "reason": "ghi chú dưới bảng", "text": text})
            continue
        if not names_unit and any(is_total_label(t) for t in texts[:2]):
            left.append({"row": rownum, "reason": "dòng tổng cộng", "text": text, "_counts": counts})
            breaks.add(len(candidates))
            continue
        if not names_unit and any(is_group_label(t) for t in texts[:2]):
            reason = "dòng cộng nhóm" if has_numbers else "dòng tên nhóm (không có số liệu)"
            left.append({"row": rownum, "reason": reason, "text": text})
            breaks.add(len(candidates))
            continue
        stt = row[0] if row else ""
        if not has_numbers and not names_unit and (
            (isinstance(stt, str) and _ROMAN.match(words(stt)))
            or not _looks_like_unit_name(label)
        ):
            left.append({"row": rownum, "reason": "dòng tên nhóm (không có số liệu)", "text": text})
            breaks.add(len(candidates))
            continue
        candidates.append((rownum, row, label))
        kinds.append("self" if names_self else "unit" if names_unit else "other")
    # Arithmetic: a row that names no unit (or the uploading unit itself) and equals
    # the sum of the unit rows right under it (until the next such row or group
    # break) or right above it (since the last break) is a subtotal, whatever it is called.
    vectors = [_vector(row, count_cols) for _, row, _ in candidates]
    keep: list[tuple[int, list[Any]]] = []
    dropped: set[int] = set()
    for i, (rownum, row, _label) in enumerate(candidates):
        if kinds[i] == "unit" or vectors[i] is None or not any(vectors[i]):
            continue
        below = _run(range(i + 1, len(candidates)), kinds, vectors, breaks, forward=True)
        above = _run(range(i - 1, -1, -1), kinds, vectors, breaks, forward=False, start=i)
        for members, where in ((below, "dưới"), (above, "trên")):
            if len(members) >= 2 and _sum(vectors, members) == vectors[i]:
                lo, hi = sorted((candidates[members[0]][0], candidates[members[-1]][0]))
                left.append({
                    "row": rownum, "text": cell_text(row),
                    "reason": f"dòng cộng: bằng tổng các dòng {lo}–{hi} ở {where}",
                })
                dropped.add(i)
                break
    for i, (rownum, row, _label) in enumerate(candidates):
        if i not in dropped:
            keep.append((rownum, row))
    body = Body(keep, sorted(left, key=lambda r: r["row"]))
    body.warnings.extend(_check_totals(body, count_cols))
    for item in body.left_out:
        item.pop("_counts", None)
    return body


def _looks_like_unit_name(label: Any) -> bool:
    """A label written like a unit's name (a kind prefix, or a code with digits):
    such a row is a unit's figures even when the name is not found (then it is an
    error naming the row), never a silent group heading."""
    if _is_blank(label):
        return False
    if isinstance(label, int | float):
        return True
    kind, core, _ = parse_unit_name(label)
    w = words(label)
    return bool(kind) or w.startswith(("ubnd", "uy ban")) or bool(re.search(r"\d", str(label))) or "-" in str(label)


def _vector(row: list[Any], cols: Sequence[int]) -> tuple[int, ...] | None:
    out = []
    for c in cols:
        v = _count_or_none(row[c] if c < len(row) else None)
        if v is None:
            return None
        out.append(v)
    return tuple(out)


def _run(indices, kinds, vectors, breaks, *, forward: bool, start: int | None = None) -> list[int]:
    """Consecutive unit rows from the first index on, stopping at a non-unit row or a break."""
    members = []
    for j in indices:
        if forward and j in breaks:
            break
        if not forward and (j + 1) in breaks:
            break
        if kinds[j] != "unit" or vectors[j] is None:
            break
        members.append(j)
    if not forward and start is not None and start in breaks:
        return []
    return members


def _sum(vectors, members: list[int]) -> tuple[int, ...]:
    return tuple(sum(vectors[j][k] for j in members) for k in range(len(vectors[members[0]])))


def _check_totals(body: Body, count_cols: Sequence[int]) -> list[str]:
    """A single "Tổng cộng" row that does not equal the sum of the rows kept: a
    warning (the rows are what counts; the total may hold a typing error, or a unit
    row may be missing from the file)."""
    totals = [r for r in body.left_out if r.get("reason") == "dòng tổng cộng" and r.get("_counts") is not None]
    if len(totals) != 1 or not body.rows:
        return []
    total = [_count_or_none(v) for v in totals[0]["_counts"]]
    if any(v is None for v in total):
        return []
    vectors = [_vector(row, count_cols) for _, row in body.rows]
    if any(v is None for v in vectors):
        return []
    sums = [sum(v[k] for v in vectors) for k in range(len(total))]
    if sums == total:
        return []
    return [
        f"Dòng {totals[0]['row']} (tổng cộng) không bằng tổng các dòng đơn vị ({cell_text(total)} so với "
        f"{cell_text(sums)}): số liệu lấy theo từng đơn vị; hãy kiểm tra tệp có thiếu đơn vị nào không."
    ]


# --- the period a report covers ------------------------------------------------------------------

# Not verified against the decree's text here: the search library holds no copy of
# Nghị định 09/2019/NĐ-CP; the 15th→14th period is also what the case files
# (R05) state. Check the article before relying on the citation in a dispute.
ND09_CITATION = "Nghị định 09/2019/NĐ-CP, Điều 12 khoản 1"


@dataclass
class Period:
    """The month a report covers, with the data period when the report states one."""

    month: datetime.date
    start: datetime.date | None
    end: datetime.date | None
    why: str

    def as_reading(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "month": self.month.isoformat(), "why": self.why,
        }


# A date written 15/09/2026, 15-9-2026, 15.09.2026 or "15 tháng 9 năm 2026".
_DATE = r"(\d{1,2})\s*(?:[/.\-]|\s+thang)\s*(\d{1,2})\s*(?:[/.\-]|\s+nam)\s*(\d{4})"
_RANGE = re.compile(r"tu\s*(?:ngay\s*)?" + _DATE + r"\s*(?:den|toi|-|–|—)\s*(?:het\s*)?(?:ngay\s*)?" + _DATE)
_MONTH_PATTERNS = [
    re.compile(r"thang\s*(\d{1,2})\s*(?:nam|/|-|\.)\s*(\d{4})"),
    re.compile(r"ky\s*bao\s*cao\s*:?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})"),
]
# "Đakrông, ngày 05 tháng 11 năm 2026": the date the report was signed, not its month.
_SIGNED_ON = re.compile(r"ngay\s*\d{1,2}\s*$")


class PeriodError(ValueError):
    """The title states a period that is not one month (message in Vietnamese)."""


def detect_period(text: str) -> Period | None:
    """The month a report's title or heading states, or None.

    "từ ngày 15/09/2026 đến ngày 14/10/2026" is the October report: under the
    periodic-reporting regime of state administrative bodies a monthly report's
    figures run from the 15th of the previous month to the 14th of the reporting
    month (Nghị định 09/2019/NĐ-CP, Điều 12 khoản 1; domain.md §6 notes the
    II.06a instrument itself as unconfirmed). A calendar month ("01/10 – 31/10")
    is that month. Another span of about a month is the month it ends in, said
    so in ``why``. Raises ``PeriodError`` for a span that is not a month."""
    plain = _plain(text)
    m = _RANGE.search(plain)
    if m:
        d1, m1, y1, d2, m2, y2 = (int(x) for x in m.groups())
        try:
            start, end = datetime.date(y1, m1, d1), datetime.date(y2, m2, d2)
        except ValueError:
            raise PeriodError(f"Kỳ số liệu ghi ở tiêu đề không phải ngày hợp lệ: “{m.group(0)}”.") from None
        span = f"{formats.date(start)}–{formats.date(end)}"
        if end < start:
            raise PeriodError(f"Kỳ số liệu ở tiêu đề kết thúc trước khi bắt đầu ({span}).")
        if start.day == 15 and end.day == 14 and month_start(end) == add_months(start, 1):
            return Period(month_start(end), start, end,
                          f"Tiêu đề ghi kỳ số liệu {span}: kỳ báo cáo tháng {formats.month(end)} theo chế độ báo cáo "
                          f"định kỳ (từ ngày 15 tháng trước đến ngày 14 tháng báo cáo, {ND09_CITATION}).")
        last = calendar.monthrange(start.year, start.month)[1]
        if start.day == 1 and end == start.replace(day=last):
            return Period(start, start, end, f"Tiêu đề ghi kỳ số liệu {span}: trọn tháng {formats.month(start)}.")
        days = (end - start).days + 1
        if 28 <= days <= 31:
            return Period(month_start(end), start, end,
                          f"Tiêu đề ghi kỳ số liệu {span} (một tháng, kết thúc trong tháng {formats.month(end)}): "
                          f"tính là báo cáo tháng {formats.month(end)}.")
        raise PeriodError(
            f"Tiêu đề ghi kỳ số liệu {span} ({days} ngày), không phải một tháng: mỗi tệp báo cáo tháng ghi số liệu "
            f"của một tháng (từ ngày 15 tháng trước đến ngày 14 tháng báo cáo, {ND09_CITATION}, hoặc trọn tháng)."
        )
    for pattern in _MONTH_PATTERNS:
        m = next((x for x in pattern.finditer(plain) if not _SIGNED_ON.search(plain[:x.start()])), None)
        if m:
            month, year = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                found = datetime.date(year, month, 1)
                quote = m.group(0)
                return Period(found, None, None, f"Tiêu đề ghi “{_original(text, quote)}”: báo cáo tháng {formats.month(found)}.")
    return None


def _original(text: str, plain_quote: str) -> str:
    """The words of ``text`` that ``plain_quote`` (its plain form) came from, best effort."""
    plain = _plain(text)
    i = plain.find(plain_quote)
    if i < 0 or len(plain) != len(text):
        return plain_quote
    return text[i:i + len(plain_quote)]
