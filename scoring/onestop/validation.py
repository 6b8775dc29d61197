"""Row validation for the three upload kinds: plain loops over row lists.

Each ``validate_*`` takes the sheet's rows (as python-calamine returns them), the
located header and a ``Context`` preloaded with everything the checks need (units
of the batch's subtree, procedure codes, month locks) so that no query runs per
row. It returns normalised records and the errors, each addressed as
"Dòng 12, cột 'Ngày hẹn trả': …" with the spreadsheet's own row number.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from core import formats
from core.periods import month_start

from . import legacy_fonts, reports, sanity, vocabularies
from .models import Channel, OnlineLevel
from .parsing import (
    CATALOG_COLUMNS,
    DOSSIER_COLUMNS,
    MAX_ERRORS_KEPT,
    REPORT_COLUMNS,
    REPORT_OPTIONAL,
    REPORT_REQUIRED,
    Located,
    fold,
    fold_words,
    is_column_number_row,
    is_total_cell,
    is_total_row,
    to_date,
    to_text,
)

LABELS = {
    "dossiers": {c.key: c.label for c in DOSSIER_COLUMNS},
    "report": {c.key: c.label for c in REPORT_COLUMNS},
    "catalog": {c.key: c.label for c in CATALOG_COLUMNS},
}

# Field order of a staged dossier record (also the column order of the upsert).
DOSSIER_FIELDS = (
    "code", "unit_id", "procedure_code", "procedure_name", "field", "channel", "online_level",
    "received_on", "due_on", "resolved_on", "returned_on", "status", "fee_bearing", "paid_online",
    "electronic_result", "e_certified_copy", "returned_by_post", "satisfaction",
)
# The counts stored on ``MonthlyReport`` (stand-in source columns such as "received_direct"
# only exist in files: see ``reports.STAND_INS``).
REPORT_COUNT_KEYS = [k for k, _, _ in REPORT_REQUIRED] + [k for k, _, _ in REPORT_OPTIONAL if k not in reports.SOURCE_ONLY_KEYS]
# The data period a report states (ISO text in a staged record, dates on the model).
REPORT_PERIOD_KEYS = ("period_start", "period_end")


@dataclass
class Context:
    """Everything the row checks need, loaded with a fixed number of queries."""

    batch_unit_id: int
    batch_unit_label: str
    units: dict[str, int]  # folded code and folded name → unit id (the batch's subtree)
    unit_labels: dict[int, str]
    procedures: dict[int, dict[str, str]]  # unit id → {procedure code: online level} (own + ancestors')
    locks: dict[tuple[int, datetime.date], str]  # (unit id, month) → reason
    today: datetime.date
    default_month: datetime.date | None = None
    foreign_codes: dict[str, str] = field(default_factory=dict)  # dossier code → other unit's name
    # Set by validate_dossiers: the (earliest, latest) ISO dates plausible for this
    # file (``sanity.date_window``), and the procedures the file names that no
    # catalogue of the unit holds, registered on commit as unconfirmed:
    # (unit id, code) → (name, field, online level).
    date_window: tuple[str, str] | None = None
    new_procedures: dict[tuple[int, str], tuple[str, str, str]] = field(default_factory=dict)


class Errors:
    """Collects messages, counting every failing cell. The same message on the same
    column is kept once with its rows ("Dòng 5–404, cột 'Mã TTHC': …"); the first
    ``MAX_ERRORS_KEPT`` distinct messages are kept."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], list[int]] = {}
        self.count = 0
        self.rows: set[int] = set()

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.add_rows([] if row is None else [row], column, message)

    def add_rows(self, rows: Sequence[int], column: str | None, message: str) -> None:
        """One message for several rows (all counted)."""
        self.count += max(len(rows), 1)
        self.rows.update(rows)
        key = (column or "", message)
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= MAX_ERRORS_KEPT:
                return
            group = self._groups[key] = []
        group.extend(rows)

    @property
    def items(self) -> list[dict[str, Any]]:
        """[{"row": first row or None, "column": label, "message": "Dòng 5–7, cột '…': …"}]."""
        out = []
        for (column, message), rows in self._groups.items():
            where = []
            if rows:
                where.append(f"Dòng {_ranges(rows)}")
            if column:
                where.append(f"cột '{column}'")
            text = (", ".join(where) + ": " if where else "") + message
            out.append({"row": min(rows) if rows else None, "column": column, "message": text})
        return out


# --- preview = commit: what the database would refuse is a cell error here (issue 10) --------

#: The largest count a ``PositiveIntegerField`` holds on PostgreSQL (``integer``:
#: -2147483648 to +2147483647, PostgreSQL documentation, "Numeric Types", §8.1.1).
PG_INT_MAX = 2_147_483_647
#: Characters no export writes into a cell and that must not be stored: NUL (PostgreSQL
#: refuses it in text), the other C0 controls but tab, line feed and carriage return, DEL
#: and the C1 controls (invisible, they break the pages and the printed reports), and the
#: bidirectional embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069 (they
#: make a code read in another order than it is stored: CVE-2021-42574, "Trojan Source").
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Text that a spreadsheet program would run as a formula when the value is exported
#: again ("=cmd|' /C calc'!A0", "@SUM(…)", "+cmd|…"; OWASP "CSV Injection"): a cell
#: starting with = or @, or with + or - and holding a pipe (DDE).
_FORMULA_LIKE = re.compile(r"^\s*(?:[=@]|[+\-][^|]*\|)")
#: Stored text fields and their column length (the models' ``max_length``).
STORED_TEXT = {
    "dossiers": {"code": 80, "procedure_code": 60, "procedure_name": 500, "field": 200, "status": 100},
    "catalog": {"name": 500, "field": 200},
}


def _unstorable(text: str, limit: int | None) -> str | None:
    """Why ``text`` cannot be stored as it is (one wording per kind of problem, so the
    same problem on many rows is listed once with its rows), or None."""
    m = _UNSTORABLE.search(text)
    if m is not None:
        ch = m.group()
        name = {"\x00": " (NUL)", "\u202e": " (đảo chiều chữ)", "\u202d": " (ép chiều chữ)"}.get(ch, "")
        return (f"ô chứa ký tự điều khiển U+{ord(ch):04X}{name}, không được phép trong số liệu; hãy xóa ký tự này "
                f"(thường do sao chép từ phần mềm khác)")
    if limit is not None and len(text) > limit:
        return f"nội dung dài quá {limit} ký tự, không ghi nhận được; hãy rút gọn"
    if _FORMULA_LIKE.match(text):
        return ("ô bắt đầu như một công thức Excel (“=”, “@”, hoặc “+”/“-” kèm “|”): không nhận để tránh công thức "
                "độc hại khi xuất ra bảng tính; hãy bỏ ký tự đầu hoặc ghi dạng văn bản thường")
    return None


def check_storable(kind: str, nums: Sequence[int], values_of: dict[str, Sequence[Any]], errors: Errors,
                   limits: dict[str, int] | None = None) -> set[int]:
    """Add an error for every text cell the database would refuse or that must not
    be stored (``_unstorable``): control characters, text longer than its column,
    formula-looking text. ``values_of`` maps a field key to its column's raw values
    (aligned with ``nums``, the spreadsheet row numbers); ``limits`` to its length
    (default ``STORED_TEXT[kind]``). Each distinct value is checked once; one message
    per column and problem, with its rows. Returns the positions (indices into
    ``nums``) of the failing rows."""
    labels = LABELS[kind]
    limits = STORED_TEXT.get(kind, {}) if limits is None else limits
    bad: set[int] = set()
    for key, values in values_of.items():
        distinct = set(values)
        try:
            joined = "\n".join(distinct)
        except TypeError:  # numbers, dates among the texts: only the texts are looked at
            distinct = {v for v in distinct if v.__class__ is str}
            joined = "\n".join(distinct)
        if not distinct:
            continue
        limit = limits.get(key)
        # Fast path, at C speed: nothing to look at in the usual clean column (each
        # distinct value once, joined by a line feed, which no pattern crosses).
        if (limit is None or max(map(len, distinct)) <= limit) and _UNSTORABLE.search(joined) is None \
                and not any(map(_FORMULA_LIKE.match, distinct)):
            continue
        failed = {v: why for v in distinct if (why := _unstorable(v, limit)) is not None}
        if not failed:
            continue
        rows_of: dict[str, list[int]] = {}
        for i, raw in enumerate(values):
            why = failed.get(raw) if raw.__class__ is str else None
            if why is not None:
                rows_of.setdefault(why, []).append(nums[i])
                bad.add(i)
        for why, rows in rows_of.items():
            errors.add_rows(rows, labels.get(key, key), why + (f" ({len(rows)} dòng)" if len(rows) > 1 else ""))
    return bad


def to_stored_count(value: Any) -> int | None:
    """``reports.to_count`` within what the database stores (≤ ``PG_INT_MAX``)."""
    n = reports.to_count(value)
    if n is not None and n > PG_INT_MAX:
        raise ValueError("số quá lớn (tối đa 2.147.483.647), không phải số hồ sơ thực tế")
    return n


def _data_rows(rows: list[list[Any]], loc: Located):
    """Yield (spreadsheet row number, row) below the header; stop at a total row."""
    nums, data = _collect_rows(rows, loc)
    return zip(nums, data, strict=True)


def _convert_cells(
    row: list[Any], rownum: int, convs: list[tuple[str, int, str, Callable[[Any], Any], bool]], errors: Errors,
) -> tuple[dict[str, Any], bool]:
    """The row's values by key (``convs``: key, column index, label, converter,
    required) and whether any failed: a cell the converter refuses, or a required
    count left blank, is an error of that row."""
    width = len(row)
    v: dict[str, Any] = {}
    bad = False
    for key, idx, label, conv, required in convs:
        raw = row[idx] if idx < width else ""
        try:
            v[key] = conv(raw)
        except ValueError as exc:
            errors.add(rownum, label, str(exc))
            bad = True
            continue
        if required and v[key] is None:
            errors.add(rownum, label, "ô bỏ trống; nếu không có hồ sơ hãy ghi 0")
            bad = True
    return v, bad


def _resolve_unit(raw: Any, ctx: Context) -> int | None:
    text = "" if raw in (None, "") else str(raw)
    if not text.strip():
        return ctx.batch_unit_id
    return ctx.units.get(fold(text))


# --- per-dossier export -----------------------------------------------------------------


def _convert_column(values: Sequence[Any], conv: Callable[[Any], Any], label: str, rownums: list[int], errors: Errors,
                    bad_rows: set[int]) -> list[Any]:
    """Convert a whole column, each distinct raw value once (dates, channels and
    flags repeat a lot); cells that fail are reported and come back as None."""
    cache: dict[Any, Any] = {}
    failed: dict[Any, str] = {}
    for raw in set(values):
        try:
            cache[raw] = conv(raw)
        except ValueError as exc:
            failed[raw] = str(exc)
    if failed:
        # Each distinct value once, with its rows and how many (not once per row).
        rows_of: dict[Any, list[int]] = {}
        for i, raw in enumerate(values):
            if raw in failed:
                rows_of.setdefault(raw, []).append(rownums[i])
                bad_rows.add(i)
        for raw, rows in rows_of.items():
            errors.add_rows(rows, label, failed[raw] + (f" ({len(rows)} dòng)" if len(rows) > 1 else ""))
    return list(map(cache.get, values))


def _iso(fn: Callable[[Any], Any]) -> Callable[[Any], str | None]:
    def convert(raw: Any) -> str | None:
        d = fn(raw)
        return None if d is None else d.isoformat()

    return convert


def _text_column(values: Sequence[Any]) -> list[str]:
    if set(map(type, values)) == {str}:
        return list(map(str.strip, values))
    return [v.strip() if v.__class__ is str else to_text(v) for v in values]


def validate_dossiers(
    rows: list[list[Any]], loc: Located, ctx: Context, progress: Callable[[int], None] | None = None,
    on_codes: Callable[[Sequence[str]], None] | None = None, reading: dict[str, Any] | None = None,
):
    """Return (records, errors, total_rows). A record is a tuple in ``DOSSIER_FIELDS``
    order with dates as ISO strings (they compare and slice like dates and go to
    the staging file and the database as they are).

    Column by column first (each distinct value converted once). ``on_codes``, if
    given, receives the code column then, before the checks that read
    ``ctx.foreign_codes`` (the caller looks the codes up in the database). Then the
    checks that involve several cells: set-wise over whole columns when the file
    is clean, which is the usual case; the row-by-row pass runs only when
    something is wrong, and it alone words every message.

    Before the conversion, whole-file repairs with a warning each (``sanity``):
    identical duplicate rows counted once, day and month swapped back in date
    cells, procedure codes that arrived as numbers restored. After it, the
    procedures no catalogue of their unit holds are registered for the commit
    (``ctx.new_procedures``, one warning). ``reading`` (``ImportBatch.reading``),
    when given, receives ``warnings`` and ``left_out_rows``."""
    errors = Errors()
    reading = reading if reading is not None else {}
    warnings: list[str] = reading.setdefault("warnings", [])
    cols = loc.columns
    labels = LABELS["dossiers"]
    rownums, columns = _collect_columns(rows, loc, reading.setdefault("left_out_rows", []))
    total = len(rownums)
    if total == 0:
        errors.add(None, None, "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
        return [], errors, 0
    if "code" in cols:
        rownums, columns, note = sanity.collapse_duplicates(rownums, columns, cols["code"], sorted(set(cols.values())))
        _warn(warnings, note)
    date_keys = [k for k in ("received_on", "due_on", "resolved_on", "returned_on") if k in cols and cols[k] < len(columns)]
    if date_keys:
        fixed, note = sanity.unswap_dates({k: columns[cols[k]] for k in date_keys}, to_date, labels)
        if note:
            columns = list(columns)
            for k in date_keys:
                columns[cols[k]] = fixed[k]
            _warn(warnings, note)
    n_rows = len(rownums)
    stored = {k: columns[cols[k]] for k in (*STORED_TEXT["dossiers"], "unit") if k in cols and cols[k] < len(columns)}
    # Codes longer than 80 characters keep their own message (the row pass words it).
    bad_rows: set[int] = check_storable("dossiers", rownums, stored, errors,
                                        {k: n for k, n in STORED_TEXT["dossiers"].items() if k != "code"})
    empty = ("",) * n_rows
    out: dict[str, Sequence[Any]] = {}
    for col in DOSSIER_COLUMNS:
        idx = cols.get(col.key)
        if idx is None:
            out[col.key] = (None,) * n_rows if col.convert is not to_text else empty
            continue
        raw = columns[idx] if idx < len(columns) else empty
        if col.key == "unit":
            out[col.key] = raw
        elif col.key == "procedure_code":
            out[col.key] = _procedure_codes(raw, rownums, ctx, col.label, errors, bad_rows, warnings)
        elif col.convert is to_text:
            out[col.key] = _text_column(raw)
        else:
            conv = _iso(col.convert) if col.convert is to_date else col.convert
            out[col.key] = _convert_column(raw, conv, col.label, rownums, errors, bad_rows)
    if "online_level" not in cols and "channel" in cols and cols["channel"] < len(columns):
        out["online_level"] = _level_from_channel(columns[cols["channel"]], out["channel"], out["online_level"])
    del columns
    if on_codes is not None:
        on_codes(out["code"])
    if progress:
        progress(40)
    ctx.date_window = sanity.date_window(out["received_on"])
    _register_unknown_procedures(out, ctx, warnings)
    records = None if bad_rows else _clean_dossiers(out, ctx)
    if records is None:
        records = _check_dossier_rows(out, rownums, bad_rows, ctx, errors, "received_on" in cols)
    return records, errors, total


def _level_from_channel(raw: Sequence[Any], channels: Sequence[Any], levels: Sequence[Any]) -> Sequence[Any]:
    """Without a level column, a channel written "Trực tuyến toàn trình" / "… một phần"
    says the level of that online dossier (read through the online-level vocabulary,
    each distinct wording once); other rows keep the catalogue's level."""
    online = str(Channel.ONLINE)
    said = {}
    for value in set(raw):
        if value.__class__ is str and value:
            level = vocabularies.meaning("online_level", value)
            if level in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
                said[value] = str(level)
    if not said:
        return levels
    return [said.get(r, lv) if ch == online else lv for r, ch, lv in zip(raw, channels, levels, strict=True)]


def _procedure_codes(raw: Sequence[Any], rownums: list[int], ctx: Context, label: str, errors: Errors,
                     bad_rows: set[int], warnings: list[str]) -> list[str]:
    """The procedure-code column as text, numbers restored against the catalogues of
    the batch's units (``sanity.restore_codes``); a number that could be several
    codes is an error on its rows."""
    catalogue: set[str] = set()
    for codes in ctx.procedures.values():
        catalogue.update(codes)
    restored, ambiguous = sanity.restore_codes(raw, catalogue)
    if not restored and not ambiguous:
        return _text_column(raw)
    rows_of: dict[Any, list[int]] = {}
    for i, v in enumerate(raw):
        if v.__class__ is not str and (v in restored or v in ambiguous):
            rows_of.setdefault(v, []).append(rownums[i])
            if v in ambiguous:
                bad_rows.add(i)
    for v, codes in ambiguous.items():
        errors.add_rows(rows_of[v], label, f"mã TTHC ghi dạng số ({to_text(v)}) có thể là {' hoặc '.join(codes)} "
                                           f"trong danh mục: hãy ghi đúng mã, đặt ô kiểu Văn bản (Text)")
    if restored:
        _warn(warnings, sanity.restored_warning(label, restored, rows_of))
    return [v.strip() if v.__class__ is str else (restored.get(v) or to_text(v)) for v in raw]


def _register_unknown_procedures(out: dict[str, Sequence[Any]], ctx: Context, warnings: list[str]) -> None:
    """Procedures named by the file that no catalogue of their unit holds: added to
    ``ctx.procedures`` (so the rows pass) and to ``ctx.new_procedures`` (the commit
    registers them, unconfirmed), with ONE warning listing them. A commune's
    first dossier file, before any catalogue, is then read rather than refused
    with the same message on every row."""
    # Distinct (unit, code) pairs first, in C; the rows only when one is unknown.
    unknown: set[tuple[Any, str]] = set()
    unit_of: dict[Any, int | None] = {}
    for raw_unit, pcode in set(zip(out["unit"], out["procedure_code"], strict=True)):
        if raw_unit not in unit_of:
            unit_of[raw_unit] = _resolve_unit(raw_unit, ctx)
        unit_id = unit_of[raw_unit]
        if pcode and unit_id is not None and pcode not in ctx.procedures.get(unit_id, {}):
            unknown.add((raw_unit, pcode))
    if not unknown:
        return
    first: dict[tuple[int, str], int] = {}
    for i, pair in enumerate(zip(out["unit"], out["procedure_code"], strict=True)):
        if pair in unknown:
            key = (unit_of[pair[0]], pair[1])
            if key not in first:
                first[key] = i
    names, fields, levels = out["procedure_name"], out["field"], out["online_level"]
    for (unit_id, pcode), i in first.items():
        ctx.new_procedures[(unit_id, pcode)] = (names[i][:500], fields[i][:200], levels[i] or "")
        ctx.procedures.setdefault(unit_id, {})[pcode] = levels[i] or ""
    units = sorted({ctx.unit_labels.get(u, "") for u, _ in first})
    listed = "; ".join(f"{code}{' – ' + ctx.new_procedures[(u, code)][0] if ctx.new_procedures[(u, code)][0] else ''}"
                       for u, code in sorted(first, key=lambda k: k[1])[:15])
    more = f" và {len(first) - 15} thủ tục khác" if len(first) > 15 else ""
    _warn(warnings, (
        f"{len(first)} thủ tục chưa có trong danh mục TTHC của {', '.join(units)} được thêm vào danh mục từ tệp này, "
        f"đánh dấu “chưa xác nhận”: {listed}{more}. Hãy tải danh mục TTHC của đơn vị (mức độ trực tuyến, phí, lệ phí) "
        f"để xác nhận; trước đó các chỉ tiêu theo danh mục (TTHC trực tuyến, BCCI) có thể chưa đúng."
    ))


def _clean_dossiers(out: dict[str, Sequence[Any]], ctx: Context) -> list[tuple] | None:
    """The records when no row breaks any cross-cell rule, else None.

    Every rule of ``_check_dossier_rows`` is tested over whole columns (distinct
    values, ``max``, ``any`` over zipped columns), which costs a fraction of a
    Python loop over 100,000 rows. It only answers "all clean"; when it says no,
    the row-by-row pass finds and words each error, so messages and their order
    do not depend on this shortcut."""
    today = ctx.today.isoformat()
    codes = out["code"]
    distinct = set(codes)
    if len(distinct) != len(codes) or "" in distinct or max(map(len, distinct)) > 80:
        return None
    if ctx.foreign_codes and not distinct.isdisjoint(ctx.foreign_codes):
        return None
    unit_of = {raw: _resolve_unit(raw, ctx) for raw in set(out["unit"])}
    if None in unit_of.values():
        return None
    units = list(map(unit_of.__getitem__, out["unit"]))
    received, due, resolved, returned = out["received_on"], out["due_on"], out["resolved_on"], out["returned_on"]
    days = set(received)
    if None in days or max(days) > today:
        return None
    window = ctx.date_window
    if window and (min(days) < window[0] or max(days) > window[1]):
        return None
    for later in (due, resolved, returned):
        # A blank date compares as "~", after every ISO date: never before receipt.
        later_or_end = [d or "~" for d in later] if None in set(later) else later
        if any(map(operator.lt, later_or_end, received)):
            return None
    for later in (resolved, returned, due):
        days = set(later)
        days.discard(None)
        if days and later is not due and max(days) > today:
            return None
        if days and window and (min(days) < window[0] or max(days) > window[1]):
            return None
    channels = out["channel"]
    if None in set(channels):
        return None
    procedures = ctx.procedures
    pcodes = out["procedure_code"]
    for unit_id, pcode in set(zip(units, pcodes, strict=True)):
        known = procedures.get(unit_id)
        if not pcode or not known or pcode not in known:
            return None
    # A returned result was resolved: take the return date (as the row pass does).
    resolved = [r if r is not None else t for r, t in zip(resolved, returned, strict=True)]
    if ctx.locks:
        months = {(u, d[:7]) for u, d in zip(units, received, strict=True)}
        months.update((u, d[:7]) for u, d in zip(units, resolved, strict=True) if d)
        if any((u, datetime.date(int(m[:4]), int(m[5:7]), 1)) in ctx.locks for u, m in months):
            return None
    # Online dossiers without a level take the catalogue's (as the row pass does).
    online = str(Channel.ONLINE)
    levels = out["online_level"]
    pairs = set(zip(levels, channels, strict=True))
    if any(not level and channel == online for level, channel in pairs):
        level_of: dict[tuple, str] = {}
        for key in set(zip(units, pcodes, levels, channels, strict=True)):
            unit_id, pcode, level, channel = key
            if not level and channel == online:
                level = procedures[unit_id][pcode]
            level_of[key] = level or ""
        levels = list(map(level_of.__getitem__, zip(units, pcodes, levels, channels, strict=True)))
    elif None in {level for level, _ in pairs}:
        levels = [level or "" for level in levels]

    def cut(values: Sequence[str], n: int) -> Sequence[str]:
        return values if max(map(len, set(values))) <= n else [v[:n] for v in values]

    def flags(values: Sequence[Any]) -> Sequence[bool]:
        return values if set(values) <= {True, False} else list(map(bool, values))

    return list(zip(
        codes, units, pcodes, cut(out["procedure_name"], 500), cut(out["field"], 200), channels, levels,
        received, due, resolved, returned, cut(out["status"], 100), flags(out["fee_bearing"]),
        flags(out["paid_online"]), flags(out["electronic_result"]), flags(out["e_certified_copy"]),
        flags(out["returned_by_post"]), out["satisfaction"], strict=True,
    ))


def _check_dossier_rows(out: dict[str, Sequence[Any]], rownums: list[int], bad_rows: set[int], ctx: Context,
                        errors: Errors, has_received: bool) -> list[tuple]:
    """The row-by-row pass: every cross-cell rule, each failure worded with its row."""
    labels = LABELS["dossiers"]
    today = ctx.today.isoformat()
    procedures = ctx.procedures
    locks = ctx.locks
    foreign = ctx.foreign_codes
    window = ctx.date_window
    unit_cache: dict[Any, int | None] = {}
    seen: dict[str, int] = {}
    records: list[tuple] = []
    channel_online = str(Channel.ONLINE)
    add = errors.add
    for i, (code, unit_raw, pcode, pname, fieldname, channel, level, received, due, resolved, returned, status,
            fee, paid, eres, ecert, post, sat) in enumerate(zip(
                out["code"], out["unit"], out["procedure_code"], out["procedure_name"], out["field"], out["channel"],
                out["online_level"], out["received_on"], out["due_on"], out["resolved_on"], out["returned_on"],
                out["status"], out["fee_bearing"], out["paid_online"], out["electronic_result"], out["e_certified_copy"],
                out["returned_by_post"], out["satisfaction"], strict=True)):
        bad = i in bad_rows
        rownum = rownums[i]
        if not code:
            add(rownum, labels["code"], "thiếu mã hồ sơ")
            bad = True
        elif len(code) > 80:
            add(rownum, labels["code"], "mã hồ sơ dài quá 80 ký tự")
            bad = True
        elif code in seen:
            add(rownum, labels["code"], f"mã hồ sơ “{code}” trùng với dòng {seen[code]} trong cùng tệp")
            bad = True
        else:
            seen[code] = rownum
            if code in foreign:
                add(rownum, labels["code"], f"mã hồ sơ “{code}” đã được ghi nhận cho {foreign[code]}, ngoài phạm vi đơn vị này")
                bad = True
        try:
            unit_id = unit_cache[unit_raw]
        except KeyError:
            unit_id = unit_cache[unit_raw] = _resolve_unit(unit_raw, ctx)
        if unit_id is None:
            add(rownum, labels["unit"], f"đơn vị “{unit_raw}” không thuộc {ctx.batch_unit_label} hoặc không có trong danh mục đơn vị")
            bad = True
        if received is None:
            if has_received and i not in bad_rows:
                add(rownum, labels["received_on"], "thiếu ngày tiếp nhận")
            bad = True
        else:
            if received > today:
                add(rownum, labels["received_on"], f"ngày {_dmy(received)} ở tương lai ({sanity.FUTURE_CAUSE})")
                bad = True
            elif window and not window[0] <= received <= window[1]:
                add(rownum, labels["received_on"], sanity.far_message(received, window))
                bad = True
            for key, day in (("due_on", due), ("resolved_on", resolved), ("returned_on", returned)):
                if day is not None and window and not window[0] <= day <= window[1]:
                    add(rownum, labels[key], sanity.far_message(day, window))
                    bad = True
            if due is not None and due < received:
                add(rownum, labels["due_on"], f"ngày hẹn trả {_dmy(due)} trước ngày tiếp nhận {_dmy(received)}")
                bad = True
            if resolved is not None and resolved < received:
                add(rownum, labels["resolved_on"], f"ngày giải quyết xong {_dmy(resolved)} trước ngày tiếp nhận {_dmy(received)}")
                bad = True
            if returned is not None and returned < received:
                add(rownum, labels["returned_on"], f"ngày trả kết quả {_dmy(returned)} trước ngày tiếp nhận {_dmy(received)}")
                bad = True
        if resolved is not None and resolved > today:
            add(rownum, labels["resolved_on"], f"ngày {_dmy(resolved)} ở tương lai ({sanity.FUTURE_CAUSE})")
            bad = True
        if returned is not None:
            if returned > today:
                add(rownum, labels["returned_on"], f"ngày {_dmy(returned)} ở tương lai ({sanity.FUTURE_CAUSE})")
                bad = True
            if resolved is None:
                resolved = returned  # a returned result was resolved: take the return date
        if channel is None and i not in bad_rows:
            add(rownum, labels["channel"], "thiếu kênh thực hiện (Trực tuyến, Trực tiếp, Bưu chính công ích)")
            bad = True
        if unit_id is not None:
            known = procedures.get(unit_id)
            if not pcode:
                add(rownum, labels["procedure_code"], "thiếu mã TTHC")
                bad = True
            elif not known:
                add(rownum, labels["procedure_code"], f"{ctx.unit_labels.get(unit_id, '')} chưa có danh mục TTHC: hãy tải danh mục thủ tục trước")
                bad = True
            elif pcode not in known:
                add(rownum, labels["procedure_code"], f"mã TTHC “{pcode}” không có trong danh mục TTHC của {ctx.unit_labels.get(unit_id, 'đơn vị')}")
                bad = True
            elif not level and channel == channel_online:
                level = known[pcode]
            if locks and received is not None:
                for m, col in ((received[:7], "received_on"), (resolved[:7] if resolved else None, "resolved_on")):
                    if m is None:
                        continue
                    month = datetime.date(int(m[:4]), int(m[5:7]), 1)
                    reason = locks.get((unit_id, month))
                    if reason is not None:
                        add(rownum, labels[col], f"số liệu tháng {formats.month(month)} của {ctx.unit_labels.get(unit_id, '')} đã khóa ({reason}); đề nghị cán bộ thi đua mở khóa trước khi tải lên")
                        bad = True
        if bad:
            continue
        records.append((
            code, unit_id, pcode, pname[:500], fieldname[:200], channel, level or "", received, due, resolved, returned,
            status[:100], bool(fee), bool(paid), bool(eres), bool(ecert), bool(post), sat,
        ))
    return records


def _dmy(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _collect_columns(rows: list[list[Any]], loc: Located, left_out: list[dict[str, Any]] | None = None,
                     ) -> tuple[list[int], list[Sequence[Any]]]:
    """The data rows under the header as columns (spreadsheet row numbers, and one
    sequence per spreadsheet column), with the rules of ``_collect_rows``.

    A regular export (no "(1) (2) (3)" line, every row has a code, no total row)
    is transposed whole with ``zip``; anything else goes through the row-by-row
    ``_collect_rows`` first."""
    first = loc.header_bottom + 1
    body = rows[first:]
    columns = _regular_body(body, loc) if body else None
    if columns is not None:
        return list(range(first + 1, first + 1 + len(body))), columns
    nums, data = _collect_rows(rows, loc, left_out)
    return nums, _transpose(data)


def _transpose(data: list[list[Any]]) -> list[Sequence[Any]]:
    if not data:
        return []
    if len(set(map(len, data))) == 1:
        return list(zip(*data, strict=True))
    return list(zip_longest(*data, fillvalue=""))  # short rows read as blank cells, like _column did


def _may_hold_total(values: set[Any]) -> bool:
    """False when no value can be a total cell (none is text starting with T, t, C
    or c), decided by a few substring searches over all values joined, in C."""
    if set(map(type, values)) != {str}:
        return True
    joined = "\n" + "\n".join(values)
    return any(f"\n{ch}" in joined for ch in "TtCc")


def _regular_body(body: list[list[Any]], loc: Located) -> list[Sequence[Any]] | None:
    """The body's columns when ``_collect_rows`` would keep every row, else None."""
    if any(is_column_number_row(r) for r in body[:3]):
        return None
    columns = _transpose(body)
    code_idx = loc.columns.get("code")
    if code_idx is None or code_idx >= len(columns):
        return None
    blank = {"", None}
    values = set(columns[code_idx])
    if "" in values or None in values:
        return None  # an empty row, perhaps: row by row
    # ``is_total_row`` reads the first two non-empty cells of a row. If the columns
    # before them are blank in every row and they are filled in every row, those
    # two cells sit in the same two columns for all rows: test their distinct values.
    filled = 0
    for column in columns:
        values = set(column)
        if values <= blank:
            continue
        if "" in values or None in values:
            return None
        if _may_hold_total(values) and any(is_total_cell(v) for v in values):
            return None
        filled += 1
        if filled == 2:
            break
    return columns


_SCHEMAS = {"dossiers": DOSSIER_COLUMNS, "report": REPORT_COLUMNS, "catalog": CATALOG_COLUMNS}


def _collect_rows(rows: list[list[Any]], loc: Located, left_out: list[dict[str, Any]] | None = None,
                  ) -> tuple[list[int], list[list[Any]]]:
    """The data rows under the header (spreadsheet row numbers and rows): empty rows
    skipped, the "(1) (2) (3)" line skipped, reading stops at a total row or at
    the block under the table (signatures, "Người lập biểu", place and date,
    notes: a row with such words that fills fewer than half of the required
    columns). ``left_out`` receives those rows: {"row", "reason", "text"}."""
    cols = list(loc.columns.values())
    schema = _SCHEMAS.get(getattr(loc, "kind", ""), [])
    required = [loc.columns[c.key] for c in schema if c.required and c.key in loc.columns]
    nums: list[int] = []
    data: list[list[Any]] = []
    first = loc.header_bottom + 1
    for index in range(first, len(rows)):
        row = rows[index]
        width = len(row)
        if not any(row[c] != "" and row[c] is not None for c in cols if c < width):
            continue
        if is_total_row(row):
            if left_out is not None:
                left_out.append({"row": index + 1, "reason": "dòng tổng cộng", "text": _row_text(row)})
            break
        if index < first + 3 and is_column_number_row(row):
            continue
        if required and _is_block_under_table(row, required):
            if left_out is not None:
                for j in range(index, len(rows)):
                    text = _row_text(rows[j])
                    if text:
                        left_out.append({"row": j + 1, "reason": "chữ ký, ghi chú dưới bảng", "text": text})
            break
        nums.append(index + 1)
        data.append(row)
    return nums, data


def _row_text(row: list[Any]) -> str:
    return " | ".join(to_text(v) for v in row if v not in ("", None))[:200]


def _is_block_under_table(row: list[Any], required: list[int]) -> bool:
    width = len(row)
    filled = sum(1 for c in required if c < width and row[c] not in ("", None))
    if filled * 2 >= len(required):
        return False
    return any(isinstance(v, str) and sanity.is_signature_text(fold_words(v)) for v in row)


# --- monthly report II.06a ----------------------------------------------------------------


def validate_report(rows: list[list[Any]], loc: Located, ctx: Context, reading: dict[str, Any] | None = None):
    """Return (records, errors, total_rows) of a monthly report (Biểu II.06a).

    A record is a dict: ``unit_id``, ``month`` (first day), ``period_start`` /
    ``period_end`` (ISO text of the data period the report states, or None) and
    every key of ``REPORT_COUNT_KEYS``.

    ``reading`` (``ImportBatch.reading`` being built by the preview), when given,
    receives what only this step knows: ``left_out_rows`` (totals, group rows,
    notes, signature block, each with its reason), ``period``, ``warnings`` and
    ``cannot_measure``. See ``reports`` for the shapes recognised."""
    errors = Errors()
    labels = LABELS["report"]
    reading = reading if reading is not None else {}
    warnings: list[str] = reading.setdefault("warnings", [])
    headers = {ci: m.header for ci, m in (getattr(loc, "matches", None) or {}).items()}
    cols, notes = reports.reinterpret_columns(loc.columns, headers, labels)
    for note in notes:
        _warn(warnings, note)
    changed = legacy_fonts.fix_rows(rows)
    if changed:
        _warn(warnings, legacy_fonts.warning(changed))
    missing = reports.missing_after_stand_ins(cols, [k for k, _, _ in REPORT_REQUIRED])
    if missing:
        errors.add(None, None, reports.missing_columns_message(missing, labels, list(cols)))
        return [], errors, 0
    # Columns that stand in for the form's: summed into it, or one column for two.
    derived: dict[str, tuple[str, ...]] = {}
    for key, parts in reports.STAND_INS.items():
        if key not in cols and all(p in cols for p in parts):
            derived[key] = parts
            _warn(warnings, "Cột " + " và ".join(f"'{labels[p]}'" for p in parts) + (
                " được cộng lại" if len(parts) > 1 else " được dùng") + f" thành '{labels[key]}' (Biểu II.06a).")
    zeroes = [z for src in derived.get("resolved_on_time", ()) for z in reports.STAND_IN_ZEROES.get(src, ())]
    for z in zeroes:
        # No default indicator reads early resolutions alone (on-time rates add them
        # to the on-time ones), so this is a warning, not a gap to tick.
        _warn(warnings, f"Tệp gộp trước hạn và đúng hạn trong một cột ('{labels['resolved_within_time']}'): không tách "
                        f"được '{labels[z]}' (ghi 0, cả số vào '{labels['resolved_on_time']}'); tỷ lệ giải quyết đúng hạn "
                        f"vẫn tính đúng.")
    needed = {p for parts in derived.values() for p in parts}
    sums = {"received_total": ("received_online", "received_direct_postal", "carried_over"),
            "resolved_total": ("resolved_early", "resolved_on_time", "resolved_late"),
            "pending_total": ("pending_in_time", "pending_overdue")}
    convs = []
    for c in REPORT_COLUMNS:
        if c.key not in cols:
            continue
        conv = to_stored_count if c.key in REPORT_COUNT_KEYS or c.key in reports.SOURCE_ONLY_KEYS else c.convert
        # A blank total is checked after its parts (a formula cell saved without its result).
        required = (c.required and c.key not in sums) or c.key in needed
        convs.append((c.key, cols[c.key], c.label, conv, required))
    formulas = _unfilled_formulas(loc)
    matcher = reports.UnitMatcher(ctx.units, ctx.unit_labels, fold)
    count_cols = [cols[k] for k, _, _ in REPORT_REQUIRED if k in cols]
    body = reports.split_body(rows, loc.header_bottom + 1, cols.get("unit"), count_cols,
                              lambda label: matcher.match(label).unit_id is not None,
                              lambda label: _is_self_or_upper(matcher.match(label).unit_id, ctx))
    reading.setdefault("left_out_rows", []).extend(body.left_out)
    for w in body.warnings:
        _warn(warnings, w)
    # The month: the "Tháng báo cáo" column, else the title's, else the month chosen at upload.
    title = " ".join(to_text(v) for r in rows[:loc.header_top] for v in r if v not in ("", None)) or loc.title_text
    try:
        period = reports.detect_period(title)
    except reports.PeriodError as exc:
        errors.add(None, None, str(exc))
        period = None
    if period is not None and ctx.default_month is not None and period.month != ctx.default_month:
        errors.add(None, None, f"Tiêu đề ghi báo cáo tháng {formats.month(period.month)} nhưng tháng chọn khi tải lên là "
                               f"{formats.month(ctx.default_month)}: hãy kiểm tra tệp (có phải báo cáo của tháng khác?) "
                               f"hoặc chọn lại tháng.")
    base_month = period.month if period is not None else ctx.default_month
    records: list[dict[str, Any]] = []
    seen: dict[tuple[int, datetime.date], int] = {}
    computed: dict[str, list[int]] = {}
    months_from_column: set[datetime.date] = set()
    total = 0
    this_month = month_start(ctx.today)
    for rownum, row in body.rows:
        total += 1
        width = len(row)
        v, bad = _convert_cells(row, rownum, convs, errors)
        for key, parts in derived.items():
            if all(v.get(p) is not None for p in parts):
                v[key] = sum(v[p] for p in parts)
                if v[key] > PG_INT_MAX:
                    errors.add(rownum, labels[key], "tổng các cột thành phần quá lớn (tối đa 2.147.483.647)")
                    bad = True
        for z in zeroes:
            v[z] = 0
        for key, parts in sums.items():
            if key not in cols or v.get(key) is not None or key not in v:
                continue
            cell = (rownum - 1, cols[key])
            if all(v.get(p) is not None for p in parts) and _plain_sum(formulas, cell, [cols.get(p) for p in parts]):
                v[key] = sum(v[p] for p in parts)
                computed.setdefault(key, []).append(rownum)
            elif cell in formulas:
                errors.add(rownum, labels[key], "ô có công thức nhưng tệp không lưu kết quả tính, nên không đọc được số — "
                                                "không coi là 0. Hãy mở bằng Excel/LibreOffice và lưu lại rồi tải lên.")
                bad = True
            else:
                errors.add(rownum, labels[key], "ô bỏ trống; nếu không có hồ sơ hãy ghi 0")
                bad = True
        raw_unit = row[cols["unit"]] if "unit" in cols and cols["unit"] < width else ""
        found = matcher.match(raw_unit) if not reports._is_blank(raw_unit) else reports.UnitMatch(ctx.batch_unit_id)
        unit_id = found.unit_id
        if unit_id is None:
            if found.candidates:
                errors.add(rownum, labels["unit"], f"tên đơn vị “{raw_unit}” khớp nhiều đơn vị: {'; '.join(found.candidates)}. "
                                                   f"Hãy ghi mã đơn vị hoặc tên đầy đủ như trong danh mục")
            else:
                errors.add(rownum, labels["unit"], f"đơn vị “{raw_unit}” không thuộc {ctx.batch_unit_label} hoặc không có "
                                                   f"trong danh mục đơn vị")
            bad = True
        month_failed = "month" in cols and "month" not in v
        month = v.get("month") or base_month
        if v.get("month"):
            months_from_column.add(v["month"])
            if period is not None and v["month"] != period.month:
                errors.add(rownum, labels["month"], f"tháng {formats.month(v['month'])} khác tháng ghi ở tiêu đề "
                                                    f"({formats.month(period.month)})")
                bad = True
        if month is None:
            if not month_failed:
                errors.add(rownum, labels["month"], "không xác định được tháng báo cáo: ghi cột 'Tháng báo cáo', ghi "
                                                    "kỳ báo cáo ở tiêu đề hoặc chọn tháng khi tải lên")
            bad = True
        elif month > this_month:
            errors.add(rownum, labels["month"], f"tháng {formats.month(month)} chưa kết thúc hoặc ở tương lai")
            bad = True
        if bad:
            continue
        g = v.get
        checks = [
            ("received_online", g("received_online") > g("received_total"), "số tiếp nhận trực tuyến lớn hơn tổng số tiếp nhận"),
            ("received_total", g("received_online") + g("received_direct_postal") + g("carried_over") != g("received_total"),
             f"tổng số tiếp nhận ({g('received_total')}) phải bằng trực tuyến + trực tiếp, bưu chính + từ kỳ trước "
             f"({g('received_online')} + {g('received_direct_postal')} + {g('carried_over')})"),
            ("resolved_total", g("resolved_early") + g("resolved_on_time") + g("resolved_late") != g("resolved_total"),
             f"số đã giải quyết ({g('resolved_total')}) phải bằng trước hạn + đúng hạn + quá hạn "
             f"({g('resolved_early')} + {g('resolved_on_time')} + {g('resolved_late')})"),
            ("pending_total", g("pending_in_time") + g("pending_overdue") != g("pending_total"),
             f"số đang giải quyết ({g('pending_total')}) phải bằng trong hạn + quá hạn ({g('pending_in_time')} + {g('pending_overdue')})"),
            ("resolved_total", g("resolved_total") + g("pending_total") != g("received_total"),
             f"đã giải quyết + đang giải quyết ({g('resolved_total')} + {g('pending_total')}) phải bằng tổng số tiếp nhận ({g('received_total')})"),
        ]
        opt = {k: g(k) for k in REPORT_COUNT_KEYS if k in v and k not in {k2 for k2, _, _ in REPORT_REQUIRED}}
        for key, whole_key, what in (
            ("paid_online", "fee_bearing", "số hồ sơ có nghĩa vụ tài chính"),
            ("satisfied", "rated", "số lượt đánh giá"),
        ):
            if opt.get(key) is not None and opt.get(whole_key) is not None and opt[key] > opt[whole_key]:
                checks.append((key, True, f"{opt[key]} lớn hơn {what} ({opt[whole_key]})"))
        for key, whole in (("postal_received", "received_total"), ("fee_bearing", "received_total"), ("paid_online", "received_total"),
                           ("electronic_results", "resolved_total"), ("postal_returned", "resolved_total")):
            if opt.get(key) is not None and opt[key] > g(whole):
                checks.append((key, True, f"{opt[key]} lớn hơn {labels[whole].lower()} ({g(whole)})"))
        for key, failed, message in checks:
            if failed:
                errors.add(rownum, labels[key], message)
                bad = True
        reason = ctx.locks.get((unit_id, month))
        if reason is not None:
            errors.add(rownum, labels["month"], f"số liệu tháng {formats.month(month)} của {ctx.unit_labels.get(unit_id, '')} đã khóa ({reason})")
            bad = True
        if (unit_id, month) in seen:
            errors.add(rownum, labels["unit"], f"đơn vị và tháng {formats.month(month)} trùng với dòng {seen[(unit_id, month)]}")
            bad = True
        seen[(unit_id, month)] = rownum
        if bad:
            continue
        stated = period if period is not None and month == period.month else None
        records.append({
            "unit_id": unit_id, "month": month,
            "period_start": stated.start.isoformat() if stated and stated.start else None,
            "period_end": stated.end.isoformat() if stated and stated.end else None,
            **{k: v.get(k) for k in REPORT_COUNT_KEYS},
        })
    for key, nums in computed.items():
        _warn(warnings, f"Dòng {_ranges(nums)}, cột '{labels[key]}': ô công thức chưa lưu kết quả tính; đã tính lại đúng công "
                        f"thức của ô (tổng các cột thành phần). Nên mở tệp bằng Excel/LibreOffice và lưu lại.")
    if period is not None:
        reading["period"] = period.as_reading()
    elif len(months_from_column) == 1:
        m = next(iter(months_from_column))
        reading["period"] = {"start": None, "end": None, "month": m.isoformat(),
                             "why": f"Cột '{labels['month']}' ghi tháng {formats.month(m)}."}
    elif months_from_column:
        reading["period"] = None
    elif ctx.default_month is not None:
        reading["period"] = {"start": None, "end": None, "month": ctx.default_month.isoformat(),
                             "why": f"Tháng chọn khi tải lên ({formats.month(ctx.default_month)}); tệp không ghi kỳ báo cáo."}
    if total == 0:
        errors.add(None, None, "Tệp không có dòng số liệu nào dưới dòng tiêu đề.")
    return records, errors, total


def _is_self_or_upper(unit_id: int | None, ctx: Context) -> bool:
    """The uploading unit itself, or a unit above communes (a district in a province's
    file): its row may be a heading or the subtotal of the rows under it."""
    if unit_id is None:
        return False
    return unit_id == ctx.batch_unit_id or reports.parse_unit_name(ctx.unit_labels.get(unit_id, ""))[0] in reports.UPPER_KINDS


def _warn(warnings: list[str], text: str) -> None:
    if text and text not in warnings:
        warnings.append(text)


def _ranges(numbers: Sequence[int]) -> str:
    """[5, 6, 7, 9] → "5–7, 9"."""
    out: list[str] = []
    nums = sorted(set(numbers))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(out)


def _unfilled_formulas(loc: Located) -> dict[tuple[int, int], str]:
    """(0-based row, column) → formula text ("" when the reader gives none) of the
    cells saved without a result, as the located workbook reports them."""
    book = getattr(loc, "book", None)
    if book is None or not hasattr(book, "unfilled_formulas"):
        return {}
    found = book.unfilled_formulas(loc.sheet_index)
    if isinstance(found, dict):
        return {k: v or "" for k, v in found.items()}
    return {cell: "" for cell in found}


_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _plain_sum(formulas: dict[tuple[int, int], str], cell: tuple[int, int], part_cols: list[int | None]) -> bool:
    """Whether ``cell`` holds a formula saved without its result that adds up
    exactly the parts' cells of its own row ("=D10+E10+F10", "=SUM(D10:F10)",
    "=SUM(D10,E10,F10)"); such a total is computed here from the parts, which
    is what Excel would store. Without the formula's text (a reader that does not
    give it) the cell must still be a formula cell: a blank typed by hand is not
    a sum."""
    if cell not in formulas:
        return False
    text = formulas[cell].strip().lstrip("=").replace(" ", "").upper()
    if not text:
        # A shared formula's copy (its text sits in the master cell of the column) or a
        # reader that gives no text: decided by the column's formulas that have text.
        masters = [r for (r, c), t in formulas.items() if c == cell[1] and t.strip()]
        return all(_plain_sum(formulas, (r, cell[1]), part_cols) for r in masters)
    row = cell[0] + 1
    want = {c for c in part_cols if c is not None}
    m = re.match(r"^SUM\((.*)\)$", text)
    refs: set[int] = set()
    if m:
        for piece in m.group(1).split(","):
            a, _, b = piece.partition(":")
            ra, rb = _CELL_REF.match(a), _CELL_REF.match(b or a)
            if not ra or not rb or int(ra.group(2)) != row or int(rb.group(2)) != row:
                return False
            lo, hi = sorted((_col(ra.group(1)), _col(rb.group(1))))
            refs.update(range(lo, hi + 1))
    else:
        for piece in text.split("+"):
            r = _CELL_REF.match(piece)
            if not r or int(r.group(2)) != row:
                return False
            refs.add(_col(r.group(1)))
    return refs == want


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# --- procedure catalogue ---------------------------------------------------------------------


def validate_catalog(rows: list[list[Any]], loc: Located, ctx: Context, reading: dict[str, Any] | None = None):
    """Return (records, errors, total_rows); a record is a dict for ``Procedure``
    (``is_confirmed`` True: the catalogue confirms procedures registered earlier
    from a dossier file). Codes that arrived as numbers (a General cell: 1.000890
    → 1.00089) take the national form, or this unit's catalogue code of that value,
    with a warning in ``reading["warnings"]``; ``reading["left_out_rows"]``
    receives the total and signature rows."""
    errors = Errors()
    labels = LABELS["catalog"]
    reading = reading if reading is not None else {}
    convs = [(c.key, loc.columns[c.key], c.label, c.convert, False) for c in CATALOG_COLUMNS if c.key in loc.columns]
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    total = 0
    nums, data = _collect_rows(rows, loc, reading.setdefault("left_out_rows", []))
    restored: dict[float, str] = {}
    code_idx = loc.columns.get("code")
    if code_idx is not None:
        raw_codes = [row[code_idx] if code_idx < len(row) else "" for row in data]
        own: set[str] = set(ctx.procedures.get(ctx.batch_unit_id, {}))
        restored, ambiguous = sanity.restore_codes(raw_codes, own)
        for v, codes in ambiguous.items():
            errors.add_rows([n for n, raw in zip(nums, raw_codes, strict=True) if raw == v and raw.__class__ is not str],
                            labels["code"], f"mã TTHC ghi dạng số ({to_text(v)}) có thể là {' hoặc '.join(codes)}: "
                                            f"hãy ghi đúng mã, đặt ô kiểu Văn bản (Text)")
        if restored:
            rows_of: dict[Any, list[int]] = {}
            for n, raw in zip(nums, raw_codes, strict=True):
                if raw.__class__ is not str and raw in restored:
                    rows_of.setdefault(raw, []).append(n)
            _warn(reading.setdefault("warnings", []), sanity.restored_warning(labels["code"], restored, rows_of))
    text_cols = {k: loc.columns[k] for k in ("code", *STORED_TEXT["catalog"]) if k in loc.columns}
    # Codes longer than 60 characters keep their own message below.
    unstorable = check_storable("catalog", nums, {k: [row[i] if i < len(row) else "" for row in data]
                                                  for k, i in text_cols.items()}, errors)
    for position, (rownum, row) in enumerate(zip(nums, data, strict=True)):
        total += 1
        width = len(row)
        v, bad = _convert_cells(row, rownum, convs, errors)
        bad = bad or position in unstorable
        if restored and code_idx < width and row[code_idx].__class__ is not str and row[code_idx] in restored:
            v["code"] = restored[row[code_idx]]
        code, name = v.get("code", ""), v.get("name", "")
        if "code" in v and not code:
            errors.add(rownum, labels["code"], "thiếu mã TTHC")
            bad = True
        elif len(code) > 60:
            errors.add(rownum, labels["code"], "mã TTHC dài quá 60 ký tự")
            bad = True
        elif code in seen:
            errors.add(rownum, labels["code"], f"mã TTHC “{code}” trùng với dòng {seen[code]}")
            bad = True
        else:
            seen[code] = rownum
        if "name" in v and not name:
            errors.add(rownum, labels["name"], "thiếu tên TTHC")
            bad = True
        if bad:
            continue
        postal_raw = row[loc.columns["postal_enabled"]] if "postal_enabled" in loc.columns and loc.columns["postal_enabled"] < width else ""
        records.append({
            "code": code, "name": name[:500], "field": v.get("field", "")[:200],
            "online_level": v.get("online_level") or OnlineLevel.NONE.value, "fee_bearing": bool(v.get("fee_bearing")),
            "postal_enabled": True if postal_raw in ("", None) else bool(v.get("postal_enabled")),
            "is_confirmed": True,
        })
    if total == 0:
        errors.add(None, None, "Tệp không có thủ tục nào dưới dòng tiêu đề.")
    return records, errors, total


def dossier_stage(resolved_on: Any, returned_on: Any) -> int:
    """How far a dossier has gone: 0 pending, 1 resolved, 2 result returned.

    The latest-state rule: an upload never moves a dossier back to an earlier
    stage (an older monthly export re-uploaded after a newer one); at the same or
    a later stage the newer upload wins."""
    if returned_on:
        return 2
    if resolved_on:
        return 1
    return 0
