"""The preview of an upload: what committing it would do, computed against the
database before anything is written.

- ``build_context``: the units, catalogues and locks of the batch's subtree
  (a fixed number of queries) that row validation needs;
- ``parse_file``: read, check and validate the file, count new / updated /
  unchanged rows, and stage the normalised rows for the commit;
- ``plan_dossiers``: which dossier rows are new, changed, unchanged or older than
  the stored state (the latest-state rule), and the units × months they touch;
- ``summary_text``: the preview line shown on the page and by the command.
"""

from __future__ import annotations

import datetime
import json
import marshal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core import formats
from core.periods import parse_month
from organization.models import Unit

from . import parsing, readers, sandbox, vocabularies
from .measures import cannot_measure
from .models import (
    Dossier,
    ImportBatch,
    ImportKind,
    MappingProfile,
    MonthLock,
    MonthlyReport,
    Procedure,
)
from .validation import (
    DOSSIER_FIELDS,
    REPORT_COUNT_KEYS,
    Context,
    dossier_stage,
    validate_catalog,
    validate_dossiers,
    validate_report,
)


def _subtree_units(unit: Unit) -> list[Unit]:
    return list(Unit.objects.subtree(unit).only("id", "code", "name", "short_name", "path", "parent_id"))


def build_context(batch: ImportBatch) -> Context:
    """Preload units, procedure catalogues and locks of the batch's subtree (fixed queries),
    and the value vocabularies the cell converters read (``vocabularies.load``)."""
    vocabularies.load()
    units = _subtree_units(batch.unit)
    by_key: dict[str, int] = {}
    labels: dict[int, str] = {}
    for u in units:
        labels[u.id] = u.name
        for key in (u.name, u.short_name):
            if key:
                by_key.setdefault(parsing.fold(key), u.id)
    for u in units:  # codes win over names
        by_key[parsing.fold(u.code)] = u.id
    # A unit's catalogue is its own plus its ancestors' (a district publishes
    # procedures its communes also carry out).
    ancestor_ids = [int(x) for x in batch.unit.path.strip("/").split("/") if x]
    catalog: dict[int, dict[str, str]] = {}
    for unit_id, code, level in Procedure.objects.filter(
        unit_id__in=[*labels.keys(), *ancestor_ids]
    ).values_list("unit_id", "code", "online_level"):
        catalog.setdefault(unit_id, {})[code] = level
    inherited = {}
    for aid in ancestor_ids:
        inherited.update(catalog.get(aid, {}))
    procedures: dict[int, dict[str, str]] = {}
    for u in sorted(units, key=lambda u: u.path):  # parents before children
        merged = dict(procedures.get(u.parent_id, inherited) if u.id != batch.unit_id else inherited)
        merged.update(catalog.get(u.id, {}))
        procedures[u.id] = merged
    locks = {
        (lk.unit_id, lk.month): lk.reason
        for lk in MonthLock.objects.filter(unit_id__in=list(labels.keys()), is_locked=True).only("unit_id", "month", "reason")
    }
    return Context(
        batch_unit_id=batch.unit_id, batch_unit_label=batch.unit.name, units=by_key, unit_labels=labels,
        procedures=procedures, locks=locks, today=timezone.localdate(), default_month=batch.month,
    )


_DATE_FIELDS = ("received_on", "due_on", "resolved_on", "returned_on")
_BOOL_FIELDS = ("fee_bearing", "paid_online", "electronic_result", "e_certified_copy", "returned_by_post")


def _existing_dossiers(codes: Iterable[str]) -> dict[str, tuple]:
    """code → the stored values of the dossiers that already have one of these codes,
    laid out like a record without its code (``DOSSIER_FIELDS[1:]``, dates as ISO
    text), so that "unchanged" is a plain tuple comparison with the new record.

    One query whatever the number of codes: the codes go as ONE JSON parameter
    that the database unpacks (``json_each`` / ``jsonb_array_elements_text``).
    Thousands of placeholders, or a Python list that psycopg turns into an array
    literal value by value, cost more than the lookup itself. Dates come back as
    text from the database itself: parsing them into dates and formatting them
    back, 400,000 times for a re-uploaded file, cost more than the query."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    table = Dossier._meta.db_table
    postgres = connection.vendor == "postgresql"

    def column(name: str) -> str:
        if name in _DATE_FIELDS:
            return f"to_char(d.{name}, 'YYYY-MM-DD')" if postgres else f"(d.{name} || '')"
        if name in _BOOL_FIELDS and not postgres:
            return f"(d.{name} + 0)"  # 0/1, equal to False/True in the comparison
        return f"d.{name}"

    # Expressions, not bare columns, on SQLite: its driver would convert every
    # "date" and "bool" value through a Python function.
    select = f"SELECT {', '.join(map(column, DOSSIER_FIELDS))} FROM "
    with connection.cursor() as cur, connection.wrap_database_errors:
        raw = cur.cursor  # the driver's cursor: Django's debug wrapper would format 2 MB of parameter
        if postgres:
            raw.execute(
                select + f"jsonb_array_elements_text(%s::jsonb) AS c(code) JOIN {table} d ON d.code = c.code",
                [json.dumps(codes)],
            )
        else:
            raw.execute(select + f"{table} d WHERE d.code IN (SELECT value FROM json_each(?))", [json.dumps(codes)])
        return {row[0]: row[1:] for row in raw.fetchall()}


def _ym(value: Any) -> str | None:
    """"2023-03" from an ISO string or a date (SQLite returns strings or dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value[:7]
    return value.isoformat()[:7]



@dataclass
class DossierPlan:
    """What a commit of these dossier rows would do, computed against the database."""

    write: list[int]  # indices of the records to update (they exist)
    insert: list[int]  # indices of the new records
    new: int
    updated: int
    unchanged: int
    older: int
    months: dict[int, set[str]]  # unit id → "YYYY-MM" months to recompute
    conflicts: list[str]

    def months_as_dates(self) -> dict[int, set[datetime.date]]:
        return {u: {parse_month(m) for m in ms} for u, ms in self.months.items()}


def plan_dossiers(records: list, batch_unit: Unit, existing: dict[str, tuple] | None = None) -> DossierPlan:
    """Compare records against the stored dossiers (``_existing_dossiers``)."""
    if existing is None:
        existing = _existing_dossiers([r[0] for r in records])
    if not existing:
        # Every record is new (the usual first upload of a month): no per-row lookup.
        # Distinct (unit, day) pairs first, with zip and map in C: a few thousand
        # pairs to cut to months instead of 200,000 slices.
        months: dict[int, set[str]] = {}
        units = list(map(itemgetter(1), records))
        days = set(zip(units, map(itemgetter(7), records), strict=True))
        days.update(zip(units, map(itemgetter(9), records), strict=True))
        for unit_id, day in days:
            if day:
                months.setdefault(unit_id, set()).add(day[:7])
        n = len(records)
        return DossierPlan([], list(range(n)), n, 0, 0, 0, months, [])
    allowed = set(Unit.objects.subtree(batch_unit).values_list("id", flat=True))
    write: list[int] = []
    insert: list[int] = []
    new = updated = unchanged = older = 0
    months = {}
    conflicts: list[str] = []
    get = existing.get
    for i, rec in enumerate(records):
        old = get(rec[0])
        unit_id, received, resolved = rec[1], rec[7], rec[9]
        if old is None:
            new += 1
            insert.append(i)
            ms = months.get(unit_id)
            if ms is None:
                ms = months[unit_id] = set()
            ms.add(received[:7])
            if resolved:
                ms.add(resolved[:7])
            continue
        old_unit, old_received, old_resolved, old_returned = old[0], old[6], old[8], old[9]
        if old_unit not in allowed:
            conflicts.append(rec[0])
            continue
        if old == rec[1:]:
            unchanged += 1
            continue
        if dossier_stage(old_resolved, old_returned) > dossier_stage(resolved, rec[10]):
            older += 1
            continue
        updated += 1
        write.append(i)
        for u in {unit_id, old_unit}:
            ms = months.setdefault(u, set())
            for d in (received, resolved, old_received, old_resolved):
                m = _ym(d)
                if m:
                    ms.add(m)
    return DossierPlan(write, insert, new, updated, unchanged, older, months, conflicts)


def _update_progress(batch_id: int, pct: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(progress=pct)



# --- what the reader found, the officer's mapping, what the file cannot measure ---------


def _sample(value: Any) -> str:
    text = parsing.to_text(value)
    return text if len(text) <= 40 else text[:39] + "…"


#: Rows under the header band looked at for the sample values of each column.
SAMPLE_ROWS = 40


def _band(wb: Any, loc: Any) -> tuple[list[str], list[list[Any]]]:
    """The header text of each column as found (the band's rows joined with " / ",
    merged cells filled) and the first data rows under it, from the sheet's head."""
    top, bottom = loc.header_top, loc.header_bottom
    head, merged = wb.head(loc.sheet_index, bottom + 1 + SAMPLE_ROWS)
    parsing._fill_merged(head, merged, bottom + 1)
    band = head[top:bottom + 1]
    width = max((len(r) for r in band), default=0)
    headers = []
    for c in range(width):
        parts: list[str] = []
        for r in band:
            text = " ".join(parsing.to_text(r[c]).split()) if c < len(r) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        headers.append(" / ".join(parts))
    return headers, [r for r in head[bottom + 1:] if any(v not in ("", None) for v in r)]


def describe_reading(kind: str, loc: Any, wb: Any) -> dict[str, Any]:
    """``ImportBatch.reading`` from the located header band: every column as found,
    the field it is mapped to, three sample values (shape documented on
    ``ImportBatch.reading``; ``parsing.enrich_reading`` adds what only the reader knows)."""
    headers, data = _band(wb, loc)
    labels = {c.key: c.label for c in parsing.SCHEMAS[kind]}
    by_index = {i: k for k, i in loc.columns.items()}
    width = max([len(headers), *(len(r) for r in data)]) if data else len(headers)
    columns = []
    for c in range(width):
        header = headers[c] if c < len(headers) else ""
        samples = [_sample(r[c]) for r in data if c < len(r) and r[c] not in ("", None)][:3]
        if not header and not samples:
            continue
        key = by_index.get(c)
        columns.append({"index": c, "letter": parsing.column_letter(c), "header": header, "field": key,
                        "label": labels.get(key) if key else None, "score": 1.0 if key else 0.0,
                        "samples": samples, "candidates": []})
    return {
        "sheet": loc.sheet_name, "skipped_sheets": [], "header_rows": [loc.header_top + 1, loc.header_bottom + 1],
        "columns": columns, "period": None, "left_out_rows": [], "cannot_measure": [], "warnings": [],
        "signature": parsing.header_signature(headers), "profile": None,
    }


def locate_for(kind: str, mapping: dict[str, str] | None, wb: Any,
               profiles: dict[str, tuple[int, str, dict[str, str]]]) -> tuple[Any, Any, tuple[int, str] | None]:
    """``parsing.locate`` with the officer's ``mapping`` of this batch or, without one,
    the saved profile for the file's header signature (``profiles``, from
    ``profiles_for``: the unit's own, else a preset shared above it). Returns
    (located, sheet, (profile id, label) applied or None). A refused file whose header
    band was found carries its ``reading`` on the exception, so the officer can map
    the missing column. No database access: it runs in the parse child."""
    if mapping:
        try:
            loc, sheet = parsing.locate(wb, kind, mapping)
        except parsing.FileRejected as exc:
            _attach_reading(exc, kind, wb)
            raise
        return loc, sheet, None
    first_error: parsing.FileRejected | None = None
    try:
        loc, sheet = parsing.locate(wb, kind)
    except parsing.FileRejected as exc:
        loc, sheet, first_error = getattr(exc, "located", None), None, exc
        if loc is None:
            raise
    profile = profiles.get(parsing.header_signature(_band(wb, loc)[0]))
    if profile is not None:
        try:
            loc, sheet = parsing.locate(wb, kind, profile[2])
            return loc, sheet, (profile[0], profile[1])
        except parsing.FileRejected:
            pass  # the profile does not make this file readable: refuse as without it
    if first_error is not None:
        _attach_reading(first_error, kind, wb)
        raise first_error
    return loc, sheet, None


def profiles_for(unit: Unit, kind: str) -> dict[str, tuple[int, str, dict[str, str]]]:
    """signature → (profile id, label, mapping) of every profile that may apply to
    a file of this unit and kind: per signature, what ``find_profile`` would pick
    (the unit's own first, then the preset of the nearest ancestor). Two queries."""
    out: dict[str, tuple[int, str, dict[str, str]]] = {}
    shared = (
        MappingProfile.objects.filter(unit_id__in=unit.path_ids, kind=kind, shared=True)
        .select_related("unit").order_by("unit__depth")
    )
    for profile in [*shared, *MappingProfile.objects.filter(unit=unit, kind=kind, shared=False).select_related("unit")]:
        out[profile.signature] = (profile.pk, profile_label(profile), profile.mapping)  # later (deeper, own) wins
    return out


def _attach_reading(exc: parsing.FileRejected, kind: str, wb: Any) -> None:
    located = getattr(exc, "located", None)
    if located is not None:
        reading = describe_reading(kind, located, wb)
        parsing.enrich_reading(reading, located)
        exc.reading = reading


def mapping_errors(kind: str, reading: dict[str, Any], mapping: dict[str, str]) -> list[str]:
    """Why an officer's mapping cannot be applied (Vietnamese, one line each; [] = fine):
    an unknown column or field, or one field chosen for two columns."""
    known = {str(c["index"]): c for c in reading.get("columns", [])}
    labels = {c.key: c.label for c in parsing.SCHEMAS[kind]}
    problems = []
    chosen: dict[str, list[str]] = {}
    for index, key in mapping.items():
        col = known.get(str(index))
        if col is None:
            problems.append(f"Tệp không có cột số {index}.")
            continue
        if key and key not in labels:
            problems.append(f"Cột {col['letter']} (“{col['header']}”): trường “{key}” không có trong loại số liệu này.")
            continue
        if key:
            chosen.setdefault(key, []).append(col["letter"])
    for key, letters in chosen.items():
        if len(letters) > 1:
            problems.append(f"Trường “{labels[key]}” được chọn cho nhiều cột ({', '.join(letters)}); mỗi trường chỉ ghép với một cột.")
    return problems


def find_profile(unit: Unit, kind: str, signature: str) -> MappingProfile | None:
    """The saved mapping for this header ``signature``: the unit's own profile first,
    then a preset shared on the unit or its nearest ancestor (deepest path first)."""
    if not signature:
        return None
    own = MappingProfile.objects.filter(unit=unit, kind=kind, signature=signature, shared=False).first()
    if own is not None:
        return own
    return (
        MappingProfile.objects.filter(unit_id__in=unit.path_ids, kind=kind, signature=signature, shared=True)
        .select_related("unit").order_by("-unit__depth").first()
    )


def profile_label(profile: MappingProfile) -> str:
    """How the preview names an applied profile: "VNPT iGate (dùng chung, Tỉnh X)" or
    "đã lưu cho UBND xã A ngày 05/01/2024"."""
    if profile.shared:
        return f"{profile.name or 'mẫu dùng chung'} (dùng chung, {profile.unit.name})"
    return f"{profile.name or 'cách ghép đã lưu'} của {profile.unit.name}, lưu ngày {formats.date(timezone.localtime(profile.updated_at))}"


STALE_CODES_SHOWN = 5


def stale_pending(batch: ImportBatch, records: list[tuple]) -> dict[str, Any] | None:
    """Dossiers stored as pending (no resolution date), received before the file's
    first month by the units the file speaks for, that the file does not mention:
    they stay pending and may turn overdue, so a partial export is noticed before
    it changes ranks. ``{"count": n, "codes": [up to 5 codes], "before": "MM/YYYY"}``
    or None."""
    if not records:
        return None
    first = min(r[7] for r in records if r[7])[:7]
    first_day = datetime.date.fromisoformat(first + "-01")
    units = {r[1] for r in records}
    in_file = {r[0] for r in records}
    pending = (
        Dossier.objects.filter(unit_id__in=units, resolved_on__isnull=True, received_on__lt=first_day)
        .order_by("received_on", "code").values_list("code", flat=True)
    )
    missing = [c for c in pending.iterator(chunk_size=5000) if c not in in_file]
    if not missing:
        return None
    return {"count": len(missing), "codes": missing[:STALE_CODES_SHOWN], "before": formats.month(first_day)}


def dossier_period(records: list[tuple]) -> dict[str, str] | None:
    """The period a dossier export covers, from its reception dates: ``{"start",
    "end", "month" (the month most dossiers were received in), "why"}`` (ISO dates)."""
    received = [r[7] for r in records if r[7]]
    if not received:
        return None
    per_month: dict[str, int] = {}
    for day in received:
        per_month[day[:7]] = per_month.get(day[:7], 0) + 1
    month = max(per_month.items(), key=lambda kv: (kv[1], kv[0]))[0]
    start, end = min(received), max(received)
    why = (f"theo ngày tiếp nhận của {formats.number(len(received))} hồ sơ, từ "
           f"{formats.date(datetime.date.fromisoformat(start))} đến {formats.date(datetime.date.fromisoformat(end))}")
    if len(per_month) > 1:
        why += f"; tháng {formats.month(datetime.date.fromisoformat(month + '-01'))} có nhiều hồ sơ nhất"
    return {"start": start, "end": end, "month": month + "-01", "why": why}


def finish_reading(batch: ImportBatch, reading: dict[str, Any], counts: dict[str, Any], records: list) -> None:
    """What the file cannot measure (from its mapped fields, ``measures.json``, plus
    what the reader and validation already listed), the period of a dossier export
    when the reader found none, and the pending dossiers it does not mention
    (``counts["stale_pending"]``)."""
    mapped = {c["field"] for c in reading.get("columns", []) if c.get("field")}
    # The missing columns first, then what the reader or validation found (e.g. a
    # column that mixes two counts), each field once.
    gaps = cannot_measure(batch.kind, mapped)
    seen = {g["field"] for g in gaps}
    gaps += [g for g in reading.get("cannot_measure") or [] if g.get("field") not in seen]
    reading["cannot_measure"] = gaps
    if batch.kind == ImportKind.DOSSIERS and records and not reading.get("period"):
        reading["period"] = dossier_period(records)
    if batch.kind == ImportKind.DOSSIERS and records:
        stale = stale_pending(batch, records)
        if stale:
            counts["stale_pending"] = stale


def read_file(data: bytes, kind: str, mapping: dict[str, str], profiles: dict[str, tuple[int, str, dict[str, str]]],
              ctx: Context, answer: Any = None, progress: Any = None) -> dict[str, Any]:
    """Read and validate an uploaded file under the parse limits (issue 10).

    The container checks run here (they read the zip directory only); then the
    child (``_read_in_child``) reads the file while this process measures it from
    its XML records (``readers.measure_xlsx``, on another core): a measurement
    that refuses the file kills the child and its message is the batch's. The
    child asks for the measurement's list of sheets with formulas before it
    would unzip a sheet again to look for them. ``answer`` answers the child's
    other questions (``"codes"``), ``progress`` receives its percentages."""
    fmt = parsing.check_container(data, settings.MAX_UPLOAD_BYTES)
    measured: dict[str, Any] = {}

    def measure() -> None:
        if fmt == "xlsx":
            measured["formulas"] = [m for m, v in readers.measure_xlsx(data).items() if v["formulas"]]

    def reply(question: str, payload: Any) -> Any:
        if question == "measured":
            return measured.get("formulas")
        return answer(question, payload) if answer is not None else None

    return sandbox.run_limited(_read_in_child, data, fmt, kind, mapping, profiles, ctx, answer=reply,
                               progress=progress, alongside=measure)


def _read_in_child(data: bytes, fmt: str, kind: str, mapping: dict[str, str],
                   profiles: dict[str, tuple[int, str, dict[str, str]]], ctx: Context, ask: Any) -> dict[str, Any]:
    """The part of the parse that reads the file: header recognition, every row
    check. Runs in ``sandbox.run_limited``'s child; the database answers come
    through ``ask("codes", [...])`` (the stored dossiers with the file's codes: the
    parent keeps them, the child gets the codes that belong to units outside the
    subtree). Returns plain values only."""
    wb = parsing.open_workbook(data, fmt)
    try:
        loc, sheet, profile = locate_for(kind, mapping, wb, profiles)
        reading = describe_reading(kind, loc, wb)
        # The measurement unzipped every sheet already: no second pass for formulas where it found none.
        members = ask("measured", None)
        if members is not None:
            wb.formula_members = set(members)
        ask("progress", 10)
        try:
            rows = sheet.to_python(skip_empty_area=False)
        except parsing.FileRejected:
            raise
        except Exception as exc:  # noqa: BLE001
            raise parsing.FileRejected(f"Không đọc được trang tính “{loc.sheet_name}” ({parsing._short(exc)}).") from None
    finally:
        wb.close()
    parsing.enrich_reading(reading, loc)
    if profile is not None:
        reading["profile"] = profile[1]
    ask("progress", 30)
    new_procedures: list[tuple] = []
    if kind == ImportKind.DOSSIERS:

        def progress(pct: int) -> None:
            ask("progress", 30 + pct * 50 // 100)

        def load_existing(codes: Sequence[str]) -> None:
            ctx.foreign_codes = ask("codes", list(set(codes))) or {}

        records, errors, total = validate_dossiers(rows, loc, ctx, progress, on_codes=load_existing, reading=reading)
        # procedures no catalogue holds, registered unconfirmed on commit
        new_procedures = [(u, c, *rest) for (u, c), rest in ctx.new_procedures.items()]
    elif kind == ImportKind.REPORT:
        records, errors, total = validate_report(rows, loc, ctx, reading)
        records = [{**r, "month": r["month"].isoformat()} for r in records]
    else:
        records, errors, total = validate_catalog(rows, loc, ctx, reading=reading)
    del rows
    return {"records": records, "errors": errors.items, "error_count": errors.count, "invalid": len(errors.rows),
            "total": total, "reading": reading, "sheet": loc.sheet_name, "header_row": loc.header_bottom + 1,
            "new_procedures": new_procedures}


def parse_file(batch: ImportBatch) -> dict[str, Any]:
    """Read, check and validate the batch's file; compare it with the database.

    Returns ``{"errors", "error_count", "counts", "total", "staged", "reading"}``:
    ``staged`` is the marshalled normalised rows that ``confirm_batch`` commits
    (empty when the file has errors). The file itself is read in a child process
    under the parse limits (``sandbox``, ``_read_in_child``); this process loads
    the validation context before and compares with the database after. Raises
    ``parsing.FileRejected`` for a refused file, and for one whose reading died
    ("Tệp không đọc được: …")."""
    batch.file.open("rb")
    try:
        data = batch.file.read()
    finally:
        batch.file.close()
    ctx = build_context(batch)
    profiles = {} if batch.mapping else profiles_for(batch.unit, batch.kind)
    existing: dict[str, tuple] = {}

    def answer(kind: str, codes: list[str]) -> dict[str, str]:
        # The stored dossiers with the file's codes, in one query, for the preview
        # counts; codes held by units outside this batch's subtree are refused row
        # by row. Codes are unique across units, so this cannot be narrowed to the
        # batch's units or to the file's months.
        existing.update(_existing_dossiers(set(codes)))
        if not existing:
            return {}
        allowed = set(ctx.unit_labels)
        foreign_units = {v[0] for v in existing.values() if v[0] not in allowed}
        if not foreign_units:
            return {}
        names = dict(Unit.objects.filter(pk__in=foreign_units).values_list("id", "name"))
        return {c: names[v[0]] for c, v in existing.items() if v[0] in foreign_units}

    out = read_file(data, batch.kind, batch.mapping or {}, profiles, ctx, answer=answer,
                    progress=lambda pct: _update_progress(batch.pk, pct))
    del data
    records, reading, total = out["records"], out["reading"], out["total"]
    error_count = out["error_count"]
    counts: dict[str, Any] = {}
    staged = b""
    if batch.kind == ImportKind.DOSSIERS:
        _update_progress(batch.pk, 80)
        plan = None
        if not error_count:
            plan = plan_dossiers(records, batch.unit, existing)
            staged = marshal.dumps(
                {"records": records, "write": plan.write, "insert": plan.insert,
                 "procedures": out["new_procedures"],
                 "months": {u: sorted(ms) for u, ms in plan.months.items()}}
            )
        counts = {
            "total": total, "valid": len(records), "invalid": out["invalid"],
            "new": plan.new if plan else 0, "updated": plan.updated if plan else 0,
            "unchanged": plan.unchanged if plan else 0, "older": plan.older if plan else 0,
        }
    elif batch.kind == ImportKind.REPORT:
        months = {datetime.date.fromisoformat(r["month"]) for r in records}
        existing_reports = {
            (r["unit_id"], r["month"].isoformat()): r
            for r in MonthlyReport.objects.filter(
                unit_id__in={r["unit_id"] for r in records}, month__in=months
            ).values("unit_id", "month", *REPORT_COUNT_KEYS)
        }
        new = updated = unchanged = 0
        for r in records:
            old = existing_reports.get((r["unit_id"], r["month"]))
            if old is None:
                new += 1
            elif all(old[k] == r[k] for k in REPORT_COUNT_KEYS):
                unchanged += 1
            else:
                updated += 1
        counts = {"total": total, "valid": len(records), "invalid": out["invalid"], "new": new, "updated": updated,
                  "unchanged": unchanged, "months": [formats.month(m) for m in sorted(months)]}
        staged = marshal.dumps(records) if not error_count else b""
    else:
        existing_catalog = {p["code"]: p for p in Procedure.objects.filter(unit=batch.unit).values(
            "code", "name", "field", "online_level", "fee_bearing", "postal_enabled", "is_confirmed")}
        new = sum(1 for r in records if r["code"] not in existing_catalog)
        unchanged = sum(1 for r in records if existing_catalog.get(r["code"]) == r)
        removed = len(set(existing_catalog) - {r["code"] for r in records})
        counts = {"total": total, "valid": len(records), "invalid": out["invalid"], "new": new,
                  "updated": len(records) - new - unchanged, "unchanged": unchanged, "removed": removed}
        staged = marshal.dumps(records) if not error_count else b""
    counts["sheet"] = out["sheet"]
    counts["header_row"] = out["header_row"]
    finish_reading(batch, reading, counts, records)
    return {"errors": out["errors"], "error_count": error_count, "counts": counts, "total": total, "staged": staged,
            "reading": reading}


def summary_text(kind: str, counts: dict[str, Any]) -> str:
    """The preview line (also printed by ``manage.py import_onestop``)."""
    c = {k: (formats.number(v) if isinstance(v, int) else v) for k, v in (counts or {}).items()}  # "40.000 dòng"
    text = (
        f"{c.get('total', 0)} dòng: {c.get('new', 0)} mới, {c.get('updated', 0)} cập nhật, "
        f"{c.get('unchanged', 0)} không đổi, {c.get('invalid', 0)} dòng lỗi"
    )
    # Asked of the numbers, not of their text ("0" is a non-empty string).
    if (counts or {}).get("older"):
        text += f", {c['older']} hồ sơ giữ trạng thái mới hơn đã có"
    if (counts or {}).get("removed"):
        text += f", {c['removed']} thủ tục không còn trong danh mục sẽ bị xóa"
    if c.get("months"):
        text += f" (tháng {', '.join(c['months'])})"
    return text + "."
