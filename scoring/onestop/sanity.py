"""Data sanity of dossier and catalogue files: damage that a reader cannot see
cell by cell, found over whole columns and repaired only when the evidence is
unambiguous (with a warning that says what was done), refused otherwise.

- ``unswap_dates``: Excel with US regional settings reads "02/10/2026" typed or
  pasted into a cell as 10 February (month/day) and leaves "13/10/2026" as text
  (there is no 13th month). The date cells then lie months away from the text
  ones. Over the date columns of a file, the reading that keeps the dates
  together wins; swapped cells are turned back (day ↔ month) with a warning.
- ``date_window``: after that, dates far from the file's other dates (more than
  ``FAR_DAYS`` from its median receipt date) or in the future are errors that
  name the likely cause.
- ``restore_codes``: a procedure code typed into a General cell becomes a number
  and loses its trailing zeros (1.000890 → 1.00089). Against the catalogue it is
  restored when exactly one code has that value, refused when several do; without
  a catalogue it takes the national code form (one digit, a dot, six digits:
  Cơ sở dữ liệu quốc gia về TTHC, Thông tư 01/2023/TT-VPCP).
- ``collapse_duplicates``: identical rows (an export glued from two pages) are
  counted once, with a warning; same code with different content stays an error.
- ``is_signature_text``: the block under a table ("Người lập biểu", "Thủ trưởng
  đơn vị", "(Ký, ghi rõ họ tên)", "…, ngày 02 tháng 11 năm 2026").
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from core.periods import as_date

from .readers import ranges

FAR_DAYS = 400
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")


# --- swapped day and month -------------------------------------------------------------------


def _date_cell(v: Any) -> datetime.date | None:
    """The date of a date cell; None for text and numbers (they are parsed day first)."""
    return as_date(v) if isinstance(v, datetime.date) else None


def _swapped(d: datetime.date) -> datetime.date | None:
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return d.replace(month=d.day, day=d.month)
    except ValueError:
        return None


def unswap_dates(columns: dict[str, Sequence[Any]], parse_text: Any, labels: dict[str, str],
                 ) -> tuple[dict[str, Sequence[Any]], str | None]:
    """Return the date columns with swapped date cells turned back, and the warning
    (None when nothing was swapped).

    ``columns``: field key → raw cells of that date column. ``parse_text`` turns a
    text cell into a date (``parsing.to_date``; failures ignored here). Only date
    *cells* can be swapped (text is parsed day first). The swap is applied when,
    over all the date columns, the swapped reading spans at most a third of the
    days the reading as stored spans, and at most ``FAR_DAYS``."""
    as_read: list[datetime.date] = []
    alt: list[datetime.date] = []
    candidates = 0
    for values in columns.values():
        for v in set(values):
            d = _date_cell(v)
            if d is None:
                if isinstance(v, str) and v.strip():
                    try:
                        t = parse_text(v)
                    except ValueError:
                        continue
                    if t is not None:
                        as_read.append(t)
                        alt.append(t)
                continue
            as_read.append(d)
            s = _swapped(d)
            if s is not None:
                candidates += 1
                alt.append(s)
            else:
                alt.append(d)
    if candidates < 2 or len(as_read) < 3:
        return columns, None
    span_read = (max(as_read) - min(as_read)).days
    span_alt = (max(alt) - min(alt)).days
    if not (span_alt <= FAR_DAYS and span_alt * 3 < span_read):
        return columns, None
    out: dict[str, Sequence[Any]] = {}
    fixed: dict[str, int] = {}
    for key, values in columns.items():
        new = []
        n = 0
        for v in values:
            d = _date_cell(v)
            s = _swapped(d) if d is not None else None
            if s is not None:
                new.append(s)
                n += 1
            else:
                new.append(v)
        out[key] = new
        if n:
            fixed[key] = n
    cols = ", ".join(f"'{labels[k]}' ({n} ô)" for k, n in fixed.items())
    warning = (
        f"Ngày và tháng bị đảo ở các ô kiểu ngày của cột {cols}: tệp đã qua Excel đặt vùng Hoa Kỳ (tháng/ngày), "
        f"nên “02/10” thành ngày 10 tháng 2, còn các ngày từ 13 trở đi giữ dạng chữ. Đọc như lưu thì các ngày trải "
        f"{span_read} ngày, đổi lại thì {span_alt} ngày: đã đọc lại các ô đó theo ngày/tháng. Hãy kiểm tra vài dòng; "
        f"lần sau đặt ô ngày kiểu dd/mm/yyyy (hoặc vùng Việt Nam) trước khi dán số liệu."
    )
    return out, warning


# --- dates far from the file's others --------------------------------------------------------


def date_window(received: Sequence[str | None]) -> tuple[str, str] | None:
    """(earliest, latest) ISO dates a file's dates may take: ``FAR_DAYS`` around the
    median receipt date. None when the file has no receipt date."""
    counts = Counter(received)  # counted in C: a 100,000-row file has a few hundred distinct days
    counts.pop(None, None)
    counts.pop("", None)
    if not counts:
        return None
    half, seen, median = (sum(counts.values()) + 1) // 2, 0, ""
    for day in sorted(counts):
        seen += counts[day]
        if seen >= half:
            median = day
            break
    mid = datetime.date.fromisoformat(median)
    lo = mid - datetime.timedelta(days=FAR_DAYS)
    hi = mid + datetime.timedelta(days=FAR_DAYS)
    return lo.isoformat(), hi.isoformat()


def far_message(iso: str, window: tuple[str, str]) -> str:
    """Why a date outside the window is refused, with its likely cause."""
    d = datetime.date.fromisoformat(iso)
    lo = datetime.date.fromisoformat(window[0]) + datetime.timedelta(days=FAR_DAYS)
    if d.year < 2000:
        cause = "ô trống hoặc số 0 bị đọc thành ngày, hoặc tệp dùng hệ ngày khác"
    else:
        cause = "gõ nhầm năm, hoặc ngày/tháng bị đảo"
    return (f"ngày {d:%d/%m/%Y} cách xa các ngày khác trong tệp (quanh {lo:%m/%Y}) hơn {FAR_DAYS} ngày: "
            f"có thể do {cause}")


FUTURE_CAUSE = "có thể gõ nhầm năm, hoặc Excel đã đảo ngày/tháng (vùng Hoa Kỳ)"


# --- procedure codes that arrived as numbers --------------------------------------------------


def restore_codes(raw: Sequence[Any], catalogue: set[str]) -> tuple[dict[float, str], dict[float, list[str]]]:
    """For the numeric cells of a procedure-code column: value → restored code, and
    value → the several catalogue codes it could be (ambiguous, refused).

    A catalogue code matches when it reads as the same number (1.000890 = 1.00089).
    Without a match, a number of the national form (one digit before the point)
    is written with six decimals."""
    numbers = {v for v in set(raw) if isinstance(v, float | int) and not isinstance(v, bool)}
    if not numbers:
        return {}, {}
    by_value: dict[float, list[str]] = {}
    for code in catalogue:
        if re.match(r"^\d+(\.\d+)?$", code):
            by_value.setdefault(float(code), []).append(code)
    restored: dict[float, str] = {}
    ambiguous: dict[float, list[str]] = {}
    for v in numbers:
        found = sorted(by_value.get(float(v), []))
        if len(found) == 1:
            restored[v] = found[0]
        elif len(found) > 1:
            ambiguous[v] = found
        elif 1 <= v < 10 and round(v, 6) == v and not float(v).is_integer():
            restored[v] = f"{v:.6f}"
    return restored, ambiguous


def restored_warning(label: str, restored: dict[float, str], rows_of: dict[Any, list[int]]) -> str:
    pairs = sorted(restored.items(), key=lambda kv: kv[1])
    shown = ", ".join(f"{_num(v)} → {code} (dòng {ranges(rows_of.get(v, []))})" for v, code in pairs[:10])
    more = f" và {len(pairs) - 10} mã khác" if len(pairs) > 10 else ""
    return (f"Cột '{label}': mã ghi dạng số nên mất số 0 ở cuối; đã khôi phục {shown}{more}. "
            f"Lần sau hãy đặt cột mã TTHC kiểu Văn bản (Text) trước khi nhập.")


def _num(v: float) -> str:
    return repr(float(v)).rstrip("0").rstrip(".") if not float(v).is_integer() else str(int(v))


# --- identical duplicate rows --------------------------------------------------------------------


def collapse_duplicates(rownums: list[int], columns: list[Sequence[Any]], code_idx: int, used: list[int],
                        ) -> tuple[list[int], list[Sequence[Any]], str | None]:
    """Drop rows identical (in every column read) to an earlier row with the same
    code. Returns the row numbers, the columns and the warning (None if none)."""
    codes = columns[code_idx] if code_idx < len(columns) else ()
    if len(set(codes)) == len(codes):
        return rownums, columns, None
    width = len(columns)
    first: dict[Any, int] = {}
    drop: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, code in enumerate(codes):
        if code in ("", None):
            continue
        j = first.get(code)
        if j is None:
            first[code] = i
            continue
        if all(columns[c][i] == columns[c][j] for c in used if c < width):
            drop.append(i)
            pairs.append((rownums[i], rownums[j]))
    if not drop:
        return rownums, columns, None
    keep = sorted(set(range(len(rownums))) - set(drop))
    new_cols = [[col[i] for i in keep] for col in columns]
    new_rows = [rownums[i] for i in keep]
    shown = "; ".join(f"dòng {a} trùng hệt dòng {b}" for a, b in pairs[:10])
    more = f" và {len(pairs) - 10} dòng khác" if len(pairs) > 10 else ""
    warning = (f"{len(drop)} dòng lặp lại y hệt một dòng trước (cùng mã hồ sơ, cùng mọi cột): chỉ tính một lần "
               f"({shown}{more}). Thường do tệp ghép từ nhiều trang xuất.")
    return new_rows, new_cols, warning


# --- the block under a table -----------------------------------------------------------------------

_SIGNATURE = re.compile(
    r"(nguoi lap|nguoi ky|thu truong|chu tich|pho chu tich|giam doc|truong phong|ky ghi ro|ky ten|dong dau|"
    r"ho va ten|ghi chu|noi nhan|xac nhan cua|ngay \d{1,2} thang \d{1,2} nam \d{4}|kt chu tich|tm uy ban)"
)


def is_signature_text(folded_words: str) -> bool:
    """A folded cell text ("nguoi lap bieu") of a signature block, note or place-and-date line."""
    return bool(_SIGNATURE.search(folded_words))
