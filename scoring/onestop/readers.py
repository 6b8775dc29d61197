"""File formats of one-stop exports: one ``Book`` interface over all of them.

What arrives as "Excel" from the one-stop software and the provincial portals:

- real workbooks: .xlsx (also WPS / POI files that declare ``<dimension ref="A1"/>``),
  .xls BIFF8, .ods, read by python-calamine (which also converts the 1904 date
  system of Mac Excel workbooks to the right dates);
- an HTML table saved with the .xls extension (what many web "Xuất Excel" buttons
  send), read with lxml's HTML parser, ``colspan``/``rowspan`` kept as merged ranges;
- an Excel 2003 XML Spreadsheet ("SpreadsheetML", also .xls), read with
  ``defusedxml`` (no DTD, no entity expansion);
- CSV (UTF-8 with or without BOM): read when every row has the same number of
  fields; otherwise refused, saying to save it as .xlsx (a comma inside an unquoted
  value shifts the columns, and no reader can tell where).

Everything else is refused by ``parsing.check_container`` with the format it
really is. Each reader gives the sheets with their visibility, the first rows and
merged ranges for header detection, then all rows of the chosen sheet.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from defusedxml import ElementTree as SafeET
from django.conf import settings

from core.errors import DomainError

Merged = list[tuple[tuple[int, int], tuple[int, int]]]  # ((row0, col0), (row1, col1)), 0-based, inclusive


class FileRejected(DomainError):
    """The whole file is refused before or while reading (message in Vietnamese)."""


SAVE_AS_XLSX = "hãy mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) định dạng .xlsx rồi tải lên lại"


@dataclass
class SheetInfo:
    index: int
    name: str
    visible: bool


@dataclass
class Book:
    """A workbook in any supported format.

    ``fmt`` is one of "xlsx", "xls", "ods", "html", "xml2003", "csv". Sheets are
    listed with their visibility; ``head`` gives the first rows and the merged
    ranges (for header detection), ``rows`` all rows of a sheet (cells as
    python-calamine returns them: str, float, int, bool, date, datetime, "" for blank)."""

    fmt: str
    sheets: list[SheetInfo]
    _calamine: python_calamine.CalamineWorkbook | None = None
    _tables: list[tuple[list[list[Any]], Merged]] = field(default_factory=list)
    _data: bytes = b""
    # calamine parses a whole sheet in get_sheet_by_index: keep it for rows().
    _sheets: dict[int, Any] = field(default_factory=dict)
    # .xlsx sheet members that hold a formula at all, as ``measure_xlsx`` saw them
    # (None: not measured); the others need no second unzip for ``unfilled_formulas``.
    formula_members: set[str] | None = None

    def _sheet(self, index: int) -> Any:
        sheet = self._sheets.get(index)
        if sheet is None:
            sheet = self._sheets[index] = self._calamine.get_sheet_by_index(index)
        return sheet

    def head(self, index: int, nrows: int) -> tuple[list[list[Any]], Merged]:
        if self._calamine is not None:
            sheet = self._sheet(index)
            rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
            return [list(r) for r in rows], list(sheet.merged_cell_ranges or [])
        rows, merged = self._tables[index]
        return [list(r) for r in rows[:nrows]], merged

    def rows(self, index: int) -> list[list[Any]]:
        if self._calamine is not None:
            try:
                return self._sheet(index).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001 - calamine raises several error types for damaged sheets
                raise FileRejected(f"Không đọc được trang tính “{self.sheets[index].name}” ({short(exc)}).") from None
        return self._tables[index][0]

    def unfilled_formulas(self, index: int) -> dict[tuple[int, int], str]:
        """Cells (0-based row, column) holding a formula saved without its result →
        the formula's text ("D10+E10+F10", "" for a shared formula's copies).

        Files written by libraries (openpyxl, exceljs, PhpSpreadsheet) store the
        formula only; Excel and LibreOffice compute and store the result when they
        save. calamine reads such a cell as blank, which must not become 0. Only
        .xlsx can carry them here; the sheet's XML is scanned only if it holds a
        formula at all."""
        if self.fmt != "xlsx" or self.formula_members == set():
            return {}
        return _xlsx_unfilled_formulas(self._data, self.sheets[index].name, self.formula_members)

    def close(self) -> None:
        self._sheets.clear()
        if self._calamine is not None:
            self._calamine.close()


# --- measuring a workbook before reading it (issue 10) -------------------------------------


@dataclass(frozen=True)
class ParseLimits:
    """What a sheet may declare before any cell is read (settings "One-stop parse
    limits"): rows and columns of its used range, the range's area (python-calamine
    allocates rows x columns densely, so one cell at XFD1048576 would ask for 512 GiB),
    merged ranges per sheet, shared strings."""

    rows: int
    columns: int
    cells: int
    merges: int

    @classmethod
    def from_settings(cls) -> ParseLimits:
        return cls(settings.ONESTOP_MAX_ROWS, settings.ONESTOP_MAX_COLUMNS, settings.ONESTOP_MAX_CELLS,
                   settings.ONESTOP_MAX_MERGES)


def _column_number(letters: bytes) -> int:
    """1-based column number of "A", "GR", "XFD"."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _letters_above(limit: int) -> bytes:
    """A regex alternation of column letters whose number exceeds ``limit`` (1–3 letters).

    Scanning a sheet for these few spellings is one C-speed pass; reading every
    cell reference in Python would cost a third of calamine's own read."""
    from openpyxl.utils import get_column_letter

    if limit >= 16384:
        return b"(?!)"
    first = get_column_letter(limit + 1).encode()
    parts = []
    width = len(first)
    parts.append(b"[A-Z]{%d,3}" % (width + 1) if width < 3 else b"(?!)")
    # same width as ``first``: letter by letter, "greater or equal" to first
    prefix = b""
    for i, ch in enumerate(first):
        rest = width - i - 1
        last = rest == 0
        low = ch if last else ch + 1
        if low <= ord("Z"):
            parts.append(prefix + b"[" + bytes([low]) + b"-Z]" + (b"[A-Z]{%d}" % rest if rest else b""))
        prefix += bytes([ch])
    return b"(?:" + b"|".join(parts) + b")"


_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_TAIL_REF = re.compile(rb'\sr="([A-Z]{0,3})(\d+)"')
CHUNK = 4 << 20


def _no_dtd(head: bytes, member: str) -> None:
    if any(marker in head for marker in _DTD):
        raise FileRejected(
            f"Tệp không đọc được: thành phần “{member[:80]}” có khai báo DTD/thực thể XML (<!DOCTYPE>, <!ENTITY>), "
            f"điều mà Excel không bao giờ ghi; tệp bị từ chối vì có thể là tệp độc hại. Hãy mở tệp bằng Excel và lưu lại thành .xlsx."
        )


def measure_xlsx(data: bytes, limits: ParseLimits | None = None) -> dict[str, dict[str, int]]:
    """Measure every worksheet of an .xlsx from its own XML records, without reading cells.

    Streams each ``xl/worksheets/*.xml`` member in 4 MB chunks (never inflating more
    than the zip directory promised, which ``parsing.check_container`` already
    bounded) and finds, at C speed: a cell reference beyond the column limit or at a
    row beyond the row limit anywhere; the last row and the columns of the sheet's
    tail (its used range, when the writer kept rows in order, as every writer does);
    the columns of its first 256 KB (the header rows); the number of merged ranges;
    whether it holds a formula. The shared-strings table is counted too, and no XML
    member may declare a DTD or entities. Returns {member: {"rows", "columns",
    "merges", "formulas"}}; raises ``FileRejected`` naming the sheet, what it
    declares and the limit. A file crafted to hide its range (cells out of order,
    cells without references) passes here and meets the child process's memory
    limit (``sandbox``): this is the first guard, that one the last. Cost: one
    inflation and one regex pass over the sheets, ~0.3 of calamine's own read."""
    limits = limits or ParseLimits.from_settings()
    row_digits = len(str(limits.rows))
    far = re.compile(rb'r="(?:' + _letters_above(limits.columns) + rb"\d|[A-Z]{0,3}\d{%d,})" % row_digits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(f"Tệp bị hỏng, không đọc được ({exc.__class__.__name__}).") from None
    names = _sheet_names(zf)
    out: dict[str, dict[str, int]] = {}
    area = 0
    for info in infos:
        name = info.filename
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        is_sheet = name.startswith("xl/worksheets/") and name.count("/") == 2
        label = names.get(name, name.rsplit("/", 1)[-1])
        try:
            with zf.open(info) as member:
                if name == "xl/sharedStrings.xml" or not is_sheet:
                    head = member.read(65536)
                    _no_dtd(head, name)
                    if name == "xl/sharedStrings.xml":
                        strings = head.count(b"<si>") + head.count(b"<si ")
                        while chunk := member.read(CHUNK):
                            strings += chunk.count(b"<si>") + chunk.count(b"<si ")
                        if strings > limits.cells:
                            raise FileRejected(
                                f"Tệp không đọc được: bảng chuỗi dùng chung có {strings:,} chuỗi (tối đa {limits.cells:,})."
                                .replace(",", ".")
                            )
                    continue
                # One C-speed pass per 4 MB chunk (the far-reference search and one substring
                # test): no copy of the chunk, the chunk boundaries searched on their own.
                head = b""
                prev = last = b""
                formulas = prefixed = False
                hit: list[bytes] = []
                while chunk := member.read(CHUNK):
                    if not head:
                        _no_dtd(chunk[:65536], name)
                        prefixed = b"<worksheet" not in chunk[:65536]  # <x:worksheet>: formulas as <x:f>
                    if not hit:
                        m = far.search(chunk) or far.search(last[-40:] + chunk[:40])
                        if m:
                            hit.append(m.string[m.start(): m.start() + 20])
                    if len(head) < 262144:
                        head += chunk[:262144 - len(head)]  # the header rows: the table's width
                    if not formulas:
                        formulas = b"<f" in chunk or b"<f" in last[-2:] + chunk[:2] or prefixed
                    prev, last = last, chunk
                # The used range ends with </sheetData>: its last 64 KB hold the last row's
                # cells; the merge records follow it (a sheet whose records after the cells
                # exceed one chunk is counted on the last chunks only: over the limit anyway).
                end_part = prev[-(1 << 20):] + last
                close = end_part.rfind(b"sheetData>")
                start = end_part.rfind(b"<", 0, close) if close >= 0 else -1
                if start >= 0 and end_part[start + 1:start + 2] == b"/":
                    tail, merges = end_part[:start][-65536:], end_part.count(b"<mergeCell ", start)
                else:  # no closing tag (a cut or odd file): the last 64 KB
                    tail, merges = end_part[-65536:], end_part.count(b"<mergeCell ")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise FileRejected(f"Tệp bị hỏng, không đọc được ({exc.__class__.__name__}).") from None
        refs = _TAIL_REF.findall(tail)
        rows = max((int(r) for _, r in refs), default=0)
        columns = max((_column_number(c) for c, _ in (*refs, *_TAIL_REF.findall(head)) if c), default=0)
        if hit:
            ref = _TAIL_REF.search(b" " + hit[0])
            if ref:
                rows = max(rows, int(ref.group(2)))
                columns = max(columns, _column_number(ref.group(1)) if ref.group(1) else 0)
        where = f"Tệp không đọc được: trang tính “{label}”"
        if rows > limits.rows:
            raise FileRejected(
                f"{where} có ô ở dòng {formats_int(rows)} (tối đa {formats_int(limits.rows)} dòng); "
                f"thường là một ô bị gõ nhầm ở rất xa bảng số liệu: hãy xóa các dòng, cột thừa rồi lưu lại."
            )
        if columns > limits.columns:
            from openpyxl.utils import get_column_letter

            raise FileRejected(
                f"{where} có ô ở cột {get_column_letter(min(columns, 16384))} (cột thứ {formats_int(columns)}; tối đa "
                f"{limits.columns} cột); thường là một ô bị gõ nhầm ở rất xa bảng số liệu: hãy xóa các cột thừa rồi lưu lại."
            )
        if merges > limits.merges:
            raise FileRejected(f"{where} có {formats_int(merges)} vùng gộp ô (tối đa {formats_int(limits.merges)}).")
        area += rows * columns
        if area > limits.cells:
            raise FileRejected(
                f"{where}: vùng dữ liệu {formats_int(rows)} dòng × {columns} cột vượt giới hạn "
                f"{formats_int(limits.cells)} ô của cả tệp."
            )
        out[name] = {"rows": rows, "columns": columns, "merges": merges, "formulas": formulas}
    return out


def formats_int(n: int) -> str:
    """1.048.576 (Vietnamese grouping; ``core.formats`` is heavier than this needs)."""
    return f"{n:,}".replace(",", ".")


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member path → the sheet's name in the workbook (for messages)."""
    out = {}
    try:
        wb = zf.read("xl/workbook.xml")[:1 << 20]
        rels = zf.read("xl/_rels/workbook.xml.rels")[:1 << 20]
    except KeyError:
        return out
    targets = {}
    for m in re.finditer(rb"<Relationship\b([^>]*)/?>", rels):
        rid = re.search(rb'\bId="([^"]*)"', m.group(1))
        target = re.search(rb'\bTarget="([^"]*)"', m.group(1))
        if rid and target:
            t = target.group(1).decode("utf-8", "replace")
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        nm = re.search(rb'\bname="([^"]*)"', m.group(1))
        rid = re.search(rb'\br:id="([^"]*)"', m.group(1))
        if nm and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = _xml_unescape(nm.group(1).decode("utf-8", "replace"))
    return out


def short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return text[:160]


def open_book(data: bytes, fmt: str) -> Book:
    """The ``Book`` of a file whose format ``parsing.check_container`` found."""
    if fmt in ("xlsx", "xls", "ods"):
        try:
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except python_calamine.PasswordError:
            raise FileRejected("Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.") from None
        except Exception as exc:  # noqa: BLE001 - calamine raises several error types for damaged files
            raise FileRejected(f"Không đọc được bảng tính ({short(exc)}). Chỉ nhận tệp bảng tính .xlsx, .xls hoặc .ods.") from None
        sheets = []
        for i, meta in enumerate(wb.sheets_metadata):
            visible = str(getattr(meta, "visible", "Visible")).rsplit(".", 1)[-1] == "Visible"
            sheets.append(SheetInfo(i, meta.name, visible))
        return Book(fmt, sheets, _calamine=wb, _data=data if fmt == "xlsx" else b"")
    if fmt == "html":
        tables = read_html_tables(data)
    elif fmt == "xml2003":
        tables = read_spreadsheet_ml(data)
    elif fmt == "csv":
        tables = [("CSV", True, *read_csv(data))]
    else:  # pragma: no cover - check_container returns only the formats above
        raise FileRejected("Định dạng tệp không được hỗ trợ.")
    return Book(fmt, [SheetInfo(i, name, visible) for i, (name, visible, _, _) in enumerate(tables)],
                _tables=[(rows, merged) for _, _, rows, merged in tables])


# --- sniffing text formats ----------------------------------------------------------------

_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"


def sniff_text(data: bytes) -> str | None:
    """"html", "xml2003" or "csv" for a text file, None if it is none of them."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<workbook"):
        if _SPREADSHEET_ML in data[:8192]:
            return "xml2003"
        return None
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<style")) or b"<table" in head:
        return "html"
    try:
        text = data[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        # A cut multi-byte character at the end of the sample is fine.
        try:
            text = data[:4000].decode("utf-8-sig", errors="strict")
        except UnicodeDecodeError:
            return None
    first = text.splitlines()[0] if text.strip() else ""
    if "\x00" not in text and any(sep in first for sep in (",", ";", "\t")):
        return "csv"
    return None


# --- HTML -------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = re.search(rb"charset\s*=\s*['\"]?([A-Za-z0-9_\-]+)", data[:4096])
    enc = m.group(1).decode("ascii").lower() if m else "utf-8"
    try:
        return data.decode(enc)
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def _cell_text(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def read_html_tables(data: bytes) -> list[tuple[str, bool, list[list[Any]], Merged]]:
    """Every ``<table>`` of the page as a sheet ("Bảng 1", "Bảng 2" …): cell texts,
    ``colspan``/``rowspan`` turned into merged ranges (the covered cells blank)."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(_decode(data))
    except Exception as exc:  # noqa: BLE001 - lxml raises ParserError / ValueError for junk
        raise FileRejected(f"Tệp .xls này thực ra là trang HTML nhưng không đọc được ({short(exc)}); {SAVE_AS_XLSX}.") from None
    out = []
    for t, table in enumerate(doc.iter("table"), 1):
        rows: list[list[Any]] = []
        merged: Merged = []
        covered: set[tuple[int, int]] = set()
        for r, tr in enumerate(tr for tr in table.iter("tr") if _own_table(tr, table)):
            row: list[Any] = []
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in covered:
                    row.append("")
                    c += 1
                colspan = _span(cell.get("colspan"))
                rowspan = _span(cell.get("rowspan"))
                row.append(_cell_text(cell.text_content()))
                row.extend([""] * (colspan - 1))
                if colspan > 1 or rowspan > 1:
                    merged.append(((r, c), (r + rowspan - 1, c + colspan - 1)))
                    for rr in range(r + 1, r + rowspan):
                        for cc in range(c, c + colspan):
                            covered.add((rr, cc))
                c += colspan
            while (r, c) in covered:
                row.append("")
                c += 1
            rows.append(row)
        if rows:
            width = max(map(len, rows))
            for row in rows:
                row.extend([""] * (width - len(row)))
            out.append((f"Bảng {t}", True, rows, merged))
    if not out:
        raise FileRejected(f"Tệp .xls này thực ra là trang HTML không có bảng số liệu nào; {SAVE_AS_XLSX}.")
    return out


def _own_table(tr: Any, table: Any) -> bool:
    """A row of this table, not of a table nested inside it."""
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        return 1


# --- Excel 2003 XML Spreadsheet ---------------------------------------------------------------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"


def read_spreadsheet_ml(data: bytes) -> list[tuple[str, bool, list[list[Any]], Merged]]:
    """The worksheets of an Excel 2003 XML Spreadsheet (typed cells, ``ss:Index``
    gaps, ``ss:MergeAcross``/``ss:MergeDown``, hidden sheets)."""
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # noqa: BLE001 - ParseError, or defusedxml's refusal of a DTD/entity
        raise FileRejected(
            f"Tệp .xls này thực ra là bảng tính XML 2003 (Excel 2003 XML Spreadsheet) nhưng không đọc được "
            f"({short(exc)}); {SAVE_AS_XLSX}."
        ) from None
    out = []
    limits = ParseLimits.from_settings()
    for n, ws in enumerate(root.iter(f"{_SS}Worksheet"), 1):
        name = ws.get(f"{_SS}Name") or f"Sheet{n}"
        visible = True
        for opt in ws.iter(f"{_X}Visible"):
            visible = (opt.text or "").strip() not in ("SheetHidden", "SheetVeryHidden")
        rows: list[list[Any]] = []
        merged: Merged = []
        table = ws.find(f"{_SS}Table")
        if table is not None:
            r = -1
            for row_el in table.iter(f"{_SS}Row"):
                idx = row_el.get(f"{_SS}Index")
                r = int(idx) - 1 if idx else r + 1
                if r >= limits.rows:
                    raise FileRejected(f"Tệp không đọc được: trang tính “{name}” có dòng số {formats_int(r + 1)} "
                                       f"(tối đa {formats_int(limits.rows)} dòng).")
                while len(rows) < r:
                    rows.append([])
                row: list[Any] = []
                c = -1
                for cell in row_el.iter(f"{_SS}Cell"):
                    cidx = cell.get(f"{_SS}Index")
                    c = int(cidx) - 1 if cidx else c + 1
                    if c >= limits.columns:
                        raise FileRejected(f"Tệp không đọc được: trang tính “{name}” có ô ở cột thứ {formats_int(c + 1)} "
                                           f"(tối đa {limits.columns} cột).")
                    while len(row) < c:
                        row.append("")
                    data_el = cell.find(f"{_SS}Data")
                    row.append(_xml_value(data_el) if data_el is not None else "")
                    across = int(cell.get(f"{_SS}MergeAcross") or 0)
                    down = int(cell.get(f"{_SS}MergeDown") or 0)
                    if across or down:
                        merged.append(((r, c), (r + down, c + across)))
                    c += across
                rows.append(row)
        if rows:
            width = max(map(len, rows))
            for row in rows:
                row.extend([""] * (width - len(row)))
        out.append((name, visible, rows, merged))
    if not out:
        raise FileRejected(f"Tệp bảng tính XML 2003 không có trang tính nào; {SAVE_AS_XLSX}.")
    return out


def _xml_value(el: Any) -> Any:
    kind = el.get(f"{_SS}Type") or "String"
    text = "".join(el.itertext())
    if kind == "Number":
        try:
            value = float(text)
        except ValueError:
            return text.strip()
        return value
    if kind == "DateTime":
        try:
            return datetime.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text.strip()
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    return text


# --- CSV --------------------------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[list[Any]], Merged]:
    """The rows of a CSV file (UTF-8 with or without BOM, or Windows-1258), the
    delimiter sniffed among , ; and tab. Refused when the rows have different
    numbers of fields: an unquoted comma inside a value ("Có phí, lệ phí") shifts
    every later column, and reading on would put values under the wrong header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    widths: dict[int, list[int]] = {}
    for n, row in enumerate(rows, 1):
        if any(v.strip() for v in row):
            widths.setdefault(len(row), []).append(n)
    if len(widths) > 1:
        ordered = sorted(widths.items(), key=lambda kv: -len(kv[1]))
        examples = ", ".join(f"dòng {lines[0]} có {w} cột" for w, lines in ordered[:3])
        raise FileRejected(
            f"Tệp CSV có các dòng với số cột khác nhau ({examples}): thường do dấu phẩy trong nội dung "
            f"(ví dụ “Có phí, lệ phí”) không được đặt trong ngoặc kép, nên không biết giá trị nào thuộc cột nào. "
            f"CSV: lưu thành .xlsx — {SAVE_AS_XLSX}."
        )
    return [[v.strip() for v in row] for row in rows], []


# --- formulas saved without results (.xlsx) ------------------------------------------------------

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _xlsx_sheet_path(zf: zipfile.ZipFile, name: str) -> str | None:
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rid = None
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        attrs = m.group(1)
        nm = re.search(rb'\bname="([^"]*)"', attrs)
        if nm and _xml_unescape(nm.group(1).decode("utf-8")) == name:
            r = re.search(rb'\br:id="([^"]*)"|\bid="([^"]*)"', attrs)
            rid = r and (r.group(1) or r.group(2))
            break
    if not rid:
        return None
    for m in re.finditer(rb"<Relationship\b([^>]*)/?>", rels):
        attrs = m.group(1)
        if re.search(rb'\bId="' + re.escape(rid) + rb'"', attrs):
            target = re.search(rb'\bTarget="([^"]*)"', attrs).group(1).decode("utf-8")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _xml_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)


def _xlsx_unfilled_formulas(data: bytes, sheet_name: str, with_formulas: set[str] | None = None,
                            ) -> dict[tuple[int, int], str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        path = _xlsx_sheet_path(zf, sheet_name)
        if path is None or (with_formulas is not None and path not in with_formulas):
            return {}
        xml = zf.read(path)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    if b"<f" not in xml:
        return {}
    out: dict[tuple[int, int], str] = {}
    for m in _CELL.finditer(xml):
        body = m.group(2) or b""
        if b"<f" not in body:
            continue
        v = re.search(rb"<v>(.*?)</v>", body, re.S)
        if v is not None and v.group(1).strip():
            continue
        ref = _REF.search(m.group(1))
        if ref:
            f = _FORMULA.search(body)
            text = _xml_unescape((f.group(1) or b"").decode("utf-8", "replace")) if f else ""
            out[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = text
    return out


def ranges(numbers: Iterable[int]) -> str:
    """"5–404, 410, 412–413" for sorted row numbers (a message names them once)."""
    nums = sorted(set(numbers))
    parts: list[str] = []
    start = prev = None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}–{prev}" if prev != start else f"{start}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}–{prev}" if prev != start else f"{start}")
    return ", ".join(parts)
