"""Services of the one-stop upload: create → parse (Celery) → preview → confirm.

- ``create_batch``: guards (scope, role, size, same file already committed),
  stores the original file and enqueues ``parse_batch`` after commit.
- ``parse_batch``: container checks, header recognition, row validation, the
  preview counts against the database; stores normalised rows for the commit.
  Idempotent: a batch that is no longer "uploaded"/"parsing" is left alone.
- ``confirm_batch``: ONE transaction that upserts every row, then asks the
  scoring app to recompute the units × months touched (after commit).
- ``cancel_batch``, ``lock_month``, ``reopen_month``.

Latest-state rule for dossiers (a dossier appears in several monthly exports):
the row is upserted by its code; an upload never moves a dossier back to an
earlier stage (pending → resolved → result returned, see
``validation.dossier_stage``), so re-uploading an older export after a newer one
changes nothing; at the same or a later stage the newer upload wins. The rule is
in the upsert's SQL (``ON CONFLICT … DO UPDATE … WHERE``), so two concurrent
confirmations cannot regress a dossier either. A dossier is one row: it is never
counted twice.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import json
import logging
import marshal
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import record
from organization.choices import Role
from organization.models import Unit
from organization.scope import has_role, unit_in_scope

from . import parsing
from .models import (
    Dossier,
    ImportBatch,
    ImportKind,
    ImportStatus,
    MonthLock,
    MonthlyReport,
    Procedure,
)
from .validation import (
    DOSSIER_FIELDS,
    REPORT_COUNT_KEYS,
    Context,
    dossier_stage,
    month_label,
    validate_catalog,
    validate_dossiers,
    validate_report,
)

log = logging.getLogger(__name__)

UPLOAD_ROLES = (Role.OFFICER, Role.STAFF)
TRANSITIONS: dict[str, set[str]] = {
    ImportStatus.UPLOADED: {ImportStatus.PARSING, ImportStatus.CANCELLED, ImportStatus.FAILED},
    ImportStatus.PARSING: {ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED, ImportStatus.PARSING},
    ImportStatus.READY: {ImportStatus.COMMITTED, ImportStatus.CANCELLED, ImportStatus.INVALID},
    ImportStatus.INVALID: set(),
    ImportStatus.COMMITTED: set(),
    ImportStatus.FAILED: set(),
    ImportStatus.CANCELLED: set(),
}


class ImportRefused(Exception):
    """A refused import operation; the message (Vietnamese) is shown to the user."""


class AlreadyImported(ImportRefused):
    """The same file was already committed for this unit and kind (a re-upload is a no-op)."""

    def __init__(self, message: str, batch: ImportBatch) -> None:
        super().__init__(message)
        self.batch = batch


def _set_status(batch: ImportBatch, status: str) -> None:
    if status not in TRANSITIONS[batch.status]:
        raise ImportRefused(f"Không thể chuyển lượt tải từ “{batch.get_status_display()}” sang “{ImportStatus(status).label}”.")
    batch.status = status


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Pause Python's cyclic garbage collector around a bulk parse or commit.

    A 100,000-row file becomes millions of tracked containers (the sheet's row
    lists, the column tuples, the records); every full collection walks all of
    them again (0.6 s of a 100,000-row import, measured), and there is no cycle
    to find in them. Reference counting still frees everything as usual, and the
    collector resumes (with its normal thresholds) as soon as the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def can_upload(user: Any, unit: Unit) -> bool:
    return has_role(user, *UPLOAD_ROLES) and unit_in_scope(user, unit)


def can_lock(user: Any, unit: Unit) -> bool:
    return has_role(user, Role.STAFF) and unit_in_scope(user, unit)


def _fmt_dt(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y lúc %H:%M")


# --- create ------------------------------------------------------------------------------


def create_batch(
    unit: Unit, kind: str, uploaded: Any, *, actor: Any, month: datetime.date | None = None, file_name: str | None = None,
    enqueue: bool = True,
) -> ImportBatch:
    """Store an uploaded file as a new batch and enqueue its parse (after commit).

    Guards: the actor may upload for this unit (officer or staff, unit in scope);
    a known kind; size within ``MAX_UPLOAD_BYTES``; not an empty file; the same
    file (SHA-256) not already committed for the same unit and kind — that
    re-upload is a no-op and raises ``AlreadyImported`` with the date it was recorded.
    ``enqueue=False`` (the command line) leaves the parse to the caller.
    """
    if not can_upload(actor, unit):
        raise ImportRefused("Bạn không có quyền tải số liệu cho đơn vị này.")
    if kind not in ImportKind.values:
        raise ImportRefused("Loại số liệu không hợp lệ.")
    name = (file_name or getattr(uploaded, "name", "") or "tep-tai-len.xlsx").rsplit("/", 1)[-1][:255]
    size = getattr(uploaded, "size", None)
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ImportRefused(f"Tệp quá lớn ({size / 1048576:.1f} MB); giới hạn {limit / 1048576:.0f} MB.".replace(".", ","))
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(limit + 1) if hasattr(uploaded, "read") else bytes(uploaded)
    if len(data) > limit:
        raise ImportRefused(f"Tệp quá lớn; giới hạn {limit / 1048576:.0f} MB.")
    if not data:
        raise ImportRefused("Tệp rỗng (0 byte).")
    digest = hashlib.sha256(data).hexdigest()
    earlier = (
        ImportBatch.objects.filter(unit=unit, kind=kind, file_sha256=digest, status=ImportStatus.COMMITTED)
        .order_by("-committed_at").first()
    )
    if earlier is not None:
        raise AlreadyImported(
            f"Tệp này đã được ghi nhận ngày {_fmt_dt(earlier.committed_at)} (lượt tải số {earlier.pk}); "
            f"tải lại cùng một tệp không thay đổi số liệu.",
            earlier,
        )
    with transaction.atomic():
        batch = ImportBatch(
            unit=unit, kind=kind, month=month.replace(day=1) if month else None, file_name=name,
            file_sha256=digest, file_size=len(data), uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        batch.file.save(name, ContentFile(data), save=False)
        batch.save()
        record(actor=actor, action="onestop.batch.create", obj=batch, unit=unit, to_state=batch.status,
               data={"kind": kind, "sha256": digest, "size": len(data)})
        if enqueue:
            from .tasks import parse_batch_task

            parse_batch_task.delay_on_commit(batch.pk)
    return batch


# --- parse ---------------------------------------------------------------------------------


def _subtree_units(unit: Unit) -> list[Unit]:
    return list(Unit.objects.subtree(unit).only("id", "code", "name", "short_name", "path", "parent_id"))


def build_context(batch: ImportBatch, *, codes: Iterable[str] = ()) -> Context:
    """Preload units, procedure catalogues and locks of the batch's subtree (fixed queries)."""
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
    by_path = sorted(units, key=lambda u: u.path)
    path_of = {u.id: u.path for u in units}
    for u in by_path:
        merged = dict(procedures.get(u.parent_id, inherited) if u.id != batch.unit_id else inherited)
        merged.update(catalog.get(u.id, {}))
        procedures[u.id] = merged
    del path_of
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


def _month_of(ym: str) -> datetime.date:
    return datetime.date(int(ym[:4]), int(ym[5:7]), 1)


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
        return {u: {_month_of(m) for m in ms} for u, ms in self.months.items()}


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


def parse_batch(batch_id: int) -> ImportBatch:
    """Parse and validate a batch; store the preview counts and the normalised rows.

    Nothing of the file's content reaches the fact tables here: an invalid file
    leaves only the batch row (status invalid, errors) and the original file."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch_id)
        if batch.status not in (ImportStatus.UPLOADED, ImportStatus.PARSING):
            return batch  # already parsed (a redelivered task): nothing to do
        _set_status(batch, ImportStatus.PARSING)
        batch.progress = 1
        batch.save(update_fields=["status", "progress"])
    try:
        with _bulk_work():
            outcome = _parse(batch)
    except parsing.FileRejected as exc:
        outcome = {"errors": [{"row": None, "column": "", "message": str(exc)}], "error_count": 1, "counts": {}, "total": 0}
    except Exception as exc:  # a bug or an unreadable file: the batch shows it, nothing stored
        log.exception("parse of import batch %s failed", batch_id)
        with transaction.atomic():
            batch.refresh_from_db()
            _set_status(batch, ImportStatus.FAILED)
            batch.message = f"Lỗi hệ thống khi đọc tệp ({exc.__class__.__name__}); đề nghị báo quản trị."
            batch.save(update_fields=["status", "message"])
            record(actor=None, action="onestop.batch.failed", obj=batch, unit=batch.unit, to_state=batch.status, comment=str(exc)[:300])
        return batch
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch_id)
        if batch.status != ImportStatus.PARSING:
            return batch
        # Shown and printed in row order (whole-file errors first): the checks run
        # rule by rule, and an officer fixes the file from top to bottom.
        batch.errors = sorted(outcome["errors"], key=lambda e: (e["row"] is not None, e["row"] or 0))
        batch.error_count = outcome["error_count"]
        batch.counts = outcome["counts"]
        batch.total_rows = outcome["total"]
        batch.parsed_at = timezone.now()
        batch.progress = 100
        if outcome["error_count"]:
            _set_status(batch, ImportStatus.INVALID)
            batch.message = f"Tệp có {outcome['error_count']} lỗi; không có số liệu nào được ghi nhận. Hãy sửa và tải lên lại."
        else:
            _set_status(batch, ImportStatus.READY)
            batch.staging_file.save(f"batch-{batch.pk}.bin", ContentFile(outcome["staged"]), save=False)
            batch.message = summary_text(batch.kind, batch.counts)
        batch.save()
        record(actor=None, action="onestop.batch.parsed", obj=batch, unit=batch.unit, from_state=ImportStatus.PARSING,
               to_state=batch.status, data={"counts": batch.counts, "errors": batch.error_count})
    return batch


def _parse(batch: ImportBatch) -> dict[str, Any]:
    batch.file.open("rb")
    try:
        data = batch.file.read()
    finally:
        batch.file.close()
    parsing.check_container(data, settings.MAX_UPLOAD_BYTES)
    wb = parsing.open_workbook(data)
    loc, sheet = parsing.locate(wb, batch.kind)
    _update_progress(batch.pk, 10)
    try:
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        raise parsing.FileRejected(f"Không đọc được trang tính “{loc.sheet_name}” ({parsing._short(exc)}).") from None
    finally:
        wb.close()
    _update_progress(batch.pk, 30)
    ctx = build_context(batch)
    counts: dict[str, Any] = {}
    if batch.kind == ImportKind.DOSSIERS:

        def progress(pct: int) -> None:
            _update_progress(batch.pk, 30 + pct * 50 // 100)

        existing: dict[str, tuple] = {}

        def load_existing(codes: Sequence[str]) -> None:
            # The stored dossiers with the file's codes, in one query, for the preview
            # counts; codes held by units outside this batch's subtree are refused row
            # by row. Codes are unique across units, so this cannot be narrowed to the
            # batch's units or to the file's months.
            existing.update(_existing_dossiers(set(codes)))
            if existing:
                allowed = set(ctx.unit_labels)
                foreign_units = {v[0] for v in existing.values() if v[0] not in allowed}
                if foreign_units:
                    names = dict(Unit.objects.filter(pk__in=foreign_units).values_list("id", "name"))
                    ctx.foreign_codes = {c: names[v[0]] for c, v in existing.items() if v[0] in foreign_units}

        records, errors, total = validate_dossiers(rows, loc, ctx, progress, on_codes=load_existing)
        del rows
        _update_progress(batch.pk, 80)
        plan = None
        staged = b""
        if not errors.count:
            plan = plan_dossiers(records, batch.unit, existing)
            staged = marshal.dumps(
                {"records": records, "write": plan.write, "insert": plan.insert,
                 "months": {u: sorted(ms) for u, ms in plan.months.items()}}
            )
        counts = {
            "total": total, "valid": len(records), "invalid": len(errors.rows),
            "new": plan.new if plan else 0, "updated": plan.updated if plan else 0,
            "unchanged": plan.unchanged if plan else 0, "older": plan.older if plan else 0,
        }
    elif batch.kind == ImportKind.REPORT:
        records, errors, total = validate_report(rows, loc, ctx)
        existing = {
            (r["unit_id"], r["month"]): r
            for r in MonthlyReport.objects.filter(
                unit_id__in={r["unit_id"] for r in records}, month__in={r["month"] for r in records}
            ).values("unit_id", "month", *REPORT_COUNT_KEYS)
        }
        new = updated = unchanged = 0
        for r in records:
            old = existing.get((r["unit_id"], r["month"]))
            if old is None:
                new += 1
            elif all(old[k] == r[k] for k in REPORT_COUNT_KEYS):
                unchanged += 1
            else:
                updated += 1
        counts = {"total": total, "valid": len(records), "invalid": len(errors.rows), "new": new, "updated": updated, "unchanged": unchanged,
                  "months": sorted({month_label(r["month"]) for r in records})}
        staged = marshal.dumps([{**r, "month": r["month"].isoformat()} for r in records]) if not errors.count else b""
    else:
        records, errors, total = validate_catalog(rows, loc, ctx)
        existing = {p["code"]: p for p in Procedure.objects.filter(unit=batch.unit).values(
            "code", "name", "field", "online_level", "fee_bearing", "postal_enabled")}
        new = sum(1 for r in records if r["code"] not in existing)
        unchanged = sum(1 for r in records if existing.get(r["code"]) == r)
        removed = len(set(existing) - {r["code"] for r in records})
        counts = {"total": total, "valid": len(records), "invalid": len(errors.rows), "new": new,
                  "updated": len(records) - new - unchanged, "unchanged": unchanged, "removed": removed}
        staged = marshal.dumps(records) if not errors.count else b""
    counts["sheet"] = loc.sheet_name
    counts["header_row"] = loc.header_bottom + 1
    return {"errors": errors.items, "error_count": errors.count, "counts": counts, "total": total, "staged": staged}


def summary_text(kind: str, counts: dict[str, Any]) -> str:
    """The preview line (also printed by ``manage.py import_onestop``)."""
    c = counts or {}
    text = (
        f"{c.get('total', 0)} dòng: {c.get('new', 0)} mới, {c.get('updated', 0)} cập nhật, "
        f"{c.get('unchanged', 0)} không đổi, {c.get('invalid', 0)} dòng lỗi"
    )
    if c.get("older"):
        text += f", {c['older']} hồ sơ giữ trạng thái mới hơn đã có"
    if c.get("removed"):
        text += f", {c['removed']} thủ tục không còn trong danh mục sẽ bị xóa"
    if c.get("months"):
        text += f" (tháng {', '.join(c['months'])})"
    return text + "."


# --- confirm -----------------------------------------------------------------------------------


def _load_staged(batch: ImportBatch) -> Any:
    """The normalised rows written by ``parse_batch``. marshal (not JSON) because it is
    several times faster for 100,000 rows of plain tuples; the file is written and
    read only by this module, never taken from a user."""
    batch.staging_file.open("rb")
    try:
        return marshal.loads(batch.staging_file.read())
    finally:
        batch.staging_file.close()


def _relock_check(batch: ImportBatch, pairs: Iterable[tuple[int, datetime.date]]) -> None:
    pairs = set(pairs)
    if not pairs:
        return
    locks = MonthLock.objects.filter(
        unit_id__in={u for u, _ in pairs}, month__in={m for _, m in pairs}, is_locked=True
    ).select_related("unit")
    for lk in locks:
        if (lk.unit_id, lk.month) in pairs:
            raise ImportRefused(
                f"Số liệu tháng {month_label(lk.month)} của {lk.unit.name} đã khóa ({lk.reason}); "
                f"không thể ghi nhận lượt tải này."
            )


def confirm_batch(batch: ImportBatch, *, actor: Any) -> ImportBatch:
    """Commit a parsed batch in ONE transaction, then enqueue the recomputation.

    Guards: the actor may upload for the batch's unit; the batch is ready (not
    already committed, invalid or cancelled); no month it touches got locked since
    the preview; no dossier code got taken by a unit outside the subtree."""
    if not can_upload(actor, batch.unit):
        raise ImportRefused("Bạn không có quyền ghi nhận số liệu cho đơn vị này.")
    touched: dict[int, set[datetime.date]] = {}
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch.pk)
        if batch.status == ImportStatus.COMMITTED:
            raise ImportRefused(f"Lượt tải này đã được ghi nhận ngày {_fmt_dt(batch.committed_at)}.")
        if batch.status != ImportStatus.READY:
            raise ImportRefused(f"Lượt tải đang ở trạng thái “{batch.get_status_display()}”, không thể ghi nhận.")
        with _bulk_work():
            staged = _load_staged(batch)
            if batch.kind == ImportKind.DOSSIERS:
                touched, counts = _commit_dossiers(batch, staged)
            elif batch.kind == ImportKind.REPORT:
                touched, counts = _commit_reports(batch, staged)
            else:
                touched, counts = _commit_catalog(batch, staged)
            del staged
        previous = batch.status
        _set_status(batch, ImportStatus.COMMITTED)
        batch.committed_at = timezone.now()
        batch.counts = {**batch.counts, **counts, "committed": True}
        batch.message = "Đã ghi nhận: " + summary_text(batch.kind, batch.counts)
        batch.save(update_fields=["status", "committed_at", "counts", "message"])
        record(actor=actor, action="onestop.batch.confirm", obj=batch, unit=batch.unit, from_state=previous,
               to_state=batch.status, data={"counts": counts})
        _request_recompute(touched, batch, actor)
    if batch.staging_file:
        batch.staging_file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(staging_file="")
    return batch


def _request_recompute(touched: dict[int, set[datetime.date]], batch: ImportBatch, actor: Any) -> None:
    """Ask the scoring app to recompute (enqueued on commit). Grouped by identical month
    sets, so a district-wide file gives one run per distinct set instead of one per unit."""
    try:
        from scoring.services import request_recompute
    except ImportError:  # the scoring app is not there (yet): facts are stored anyway
        return
    groups: dict[tuple[datetime.date, ...], list[int]] = {}
    for unit_id, months in touched.items():
        if months:
            groups.setdefault(tuple(sorted(months)), []).append(unit_id)
    for months, unit_ids in groups.items():
        request_recompute(unit_ids=sorted(unit_ids), months=list(months), actor=actor, reason=f"import:{batch.pk}")


def _stage_sql() -> tuple[str, str]:
    def stage(t: str) -> str:
        return f"(CASE WHEN {t}.returned_on IS NOT NULL THEN 2 WHEN {t}.resolved_on IS NOT NULL THEN 1 ELSE 0 END)"

    return stage("excluded"), stage(Dossier._meta.db_table)


def _commit_dossiers(batch: ImportBatch, staged: dict) -> tuple[dict[int, set[datetime.date]], dict[str, int]]:
    """Upsert the planned rows. The plan made at preview is used as it is unless a
    dossier batch of an overlapping unit was committed since this file was
    uploaded; then it is made again against the database (the upsert's WHERE
    clause keeps the latest-state rule and unit ownership in any case)."""
    records = staged["records"]
    ancestors = [int(x) for x in batch.unit.path.strip("/").split("/") if x]
    # Serialise confirmations of overlapping units: lock the unit rows along the path.
    list(Unit.objects.select_for_update().filter(pk__in=ancestors).order_by("path").values_list("pk", flat=True))
    # Any dossier batch committed anywhere since this upload may have changed what
    # the preview saw (a code taken by another unit, a newer state): plan again.
    newer = (
        ImportBatch.objects.filter(kind=ImportKind.DOSSIERS, status=ImportStatus.COMMITTED, committed_at__gte=batch.created_at)
        .exclude(pk=batch.pk).exists()
    )
    if newer:
        plan = plan_dossiers(records, batch.unit)
        if plan.conflicts:
            raise ImportRefused(
                f"{len(plan.conflicts)} mã hồ sơ (ví dụ “{plan.conflicts[0]}”) vừa được ghi nhận cho đơn vị khác; "
                f"hãy tải lên lại để kiểm tra."
            )
        write, insert, months = plan.write, plan.insert, plan.months_as_dates()
        counts = {"new": plan.new, "updated": plan.updated, "unchanged": plan.unchanged, "older": plan.older}
    else:
        write, insert = staged["write"], staged["insert"]
        months = {u: {_month_of(m) for m in ms} for u, ms in staged["months"].items()}
        counts = {k: batch.counts.get(k, 0) for k in ("new", "updated", "unchanged", "older")}
    _relock_check(batch, ((u, m) for u, ms in months.items() for m in ms))
    insert_dossiers([records[i] for i in insert], batch)
    upsert_dossiers([records[i] for i in write], batch)
    return months, counts


UPSERT_COLUMNS = (*DOSSIER_FIELDS, "last_batch_id", "updated_at")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_column(values: Sequence[Any]) -> Sequence[str]:
    """One column in COPY's text format: \\N for NULL, t/f, escaped text."""
    distinct = set(values)
    if set(map(type, distinct)) == {str}:
        joined = "".join(distinct)
        if not any(ch in joined for ch in "\\\t\n\r"):
            return values  # plain text (codes, names): as it is, no per-value work
    text: dict[Any, str] = {}
    for v in distinct:
        if v is None:
            text[v] = "\\N"
        elif v is True or v is False:
            text[v] = "t" if v else "f"
        elif isinstance(v, str):
            text[v] = v.translate(_COPY_ESCAPES)
        else:
            text[v] = str(v)
    return list(map(text.__getitem__, values))


def _copy_chunks(rows: list, batch: ImportBatch, now: datetime.datetime, size: int = 10_000) -> Iterator[str]:
    """The rows in COPY's text format (``UPSERT_COLUMNS`` order), built column by
    column: each distinct value is formatted once and the lines are joined in C.
    psycopg's ``write_row`` formats value by value in Python, 5× slower. Built one
    slice of rows at a time, so the server starts on the first slice while the
    next is formatted (see ``_copy_rows``)."""
    suffix = f"{int(batch.pk)}\t{now.isoformat()}"
    for start in range(0, len(rows), size):
        columns = [_copy_column(c) for c in zip(*rows[start : start + size], strict=True)]
        yield "\n".join(map("\t".join, zip(*columns, repeat(suffix), strict=False))) + "\n"


def _copy_rows(raw: Any, table: str, rows: list, batch: ImportBatch, now: datetime.datetime) -> None:
    """COPY the rows into ``table``. A queued writer sends each slice from a helper
    thread, so formatting the next slice here overlaps the server's insert work."""
    from psycopg.copy import QueuedLibpqWriter

    statement = f"COPY {table} ({', '.join(UPSERT_COLUMNS)}) FROM STDIN"
    with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
        for chunk in _copy_chunks(rows, batch, now):
            copy.write(chunk)


def _sqlite_stamp(now: datetime.datetime) -> str:
    """``updated_at`` as Django stores it in SQLite (naive UTC text)."""
    return now.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_insert_sql(table: str, batch: ImportBatch, now: datetime.datetime, tail: str = "") -> str:
    # The batch id and the time stamp are the same for every row: literals in the
    # statement (both made here, not taken from the file) spare rebuilding 100,000
    # parameter tuples.
    marks = ", ".join(["?"] * len(DOSSIER_FIELDS))
    return (
        f"INSERT INTO {table} ({', '.join(UPSERT_COLUMNS)}) "
        f"VALUES ({marks}, {int(batch.pk)}, '{_sqlite_stamp(now)}') {tail}"
    )


def insert_dossiers(rows: list, batch: ImportBatch) -> None:
    """Plain bulk INSERT of the dossiers the plan found new (COPY on PostgreSQL).

    Faster than the upsert: on SQLite, ON CONFLICT together with the deferred
    foreign keys costs about 2.5× a plain insert. Should another upload have
    inserted one of these codes meanwhile, the savepoint is rolled back and the
    rows go through the upsert (whose WHERE clause keeps the latest state)."""
    if not rows:
        return
    table = Dossier._meta.db_table
    now = timezone.now()
    try:
        # wrap_database_errors: the driver's own IntegrityError (the raw cursor is
        # not Django's) must become Django's, or the fallback below never runs.
        with transaction.atomic(), connection.cursor() as cur, connection.wrap_database_errors:
            raw = cur.cursor
            if connection.vendor == "postgresql":
                _copy_rows(raw, table, rows, batch, now)
            else:
                # A larger page cache for this connection: the dossier indexes are
                # updated in random order, and the default 2 MB cache thrashes.
                raw.execute("PRAGMA cache_size = -131072")
                # Rows go to a bare temporary table first, then ONE INSERT … SELECT
                # into the real one: what SQLite does for each executed statement
                # (AUTOINCREMENT bookkeeping, constraint set-up) is done once
                # instead of once per row, about a quarter of the insert's time.
                fields = ", ".join(DOSSIER_FIELDS)
                raw.execute("DROP TABLE IF EXISTS temp.dossier_load")
                raw.execute(f"CREATE TEMP TABLE dossier_load ({fields})")
                raw.executemany(f"INSERT INTO dossier_load VALUES ({', '.join(['?'] * len(DOSSIER_FIELDS))})", rows)
                raw.execute(
                    f"INSERT INTO {table} ({', '.join(UPSERT_COLUMNS)}) "
                    f"SELECT {fields}, {int(batch.pk)}, '{_sqlite_stamp(now)}' FROM dossier_load"
                )
                raw.execute("DROP TABLE dossier_load")
    except IntegrityError:
        upsert_dossiers(rows, batch)


def upsert_dossiers(rows: list, batch: ImportBatch) -> None:
    """Insert or update dossiers by code in bulk (COPY into a temporary table then
    one INSERT … SELECT on PostgreSQL, executemany on SQLite). Rows are tuples in
    ``DOSSIER_FIELDS`` order, dates as ISO text.

    The ON CONFLICT clause carries the latest-state rule (never back to an earlier
    stage) and ownership (never take over a dossier of a unit outside the batch's
    subtree)."""
    if not rows:
        return
    table = Dossier._meta.db_table
    unit_table = Unit._meta.db_table
    now = timezone.now()
    cols = ", ".join(UPSERT_COLUMNS)
    sets = ", ".join(f"{c} = excluded.{c}" for c in UPSERT_COLUMNS if c != "code")
    new_stage, old_stage = _stage_sql()
    with connection.cursor() as cur, connection.wrap_database_errors:
        raw = cur.cursor  # the driver's cursor: no per-row work in Django's wrapper
        if connection.vendor == "postgresql":
            conflict = (
                f"ON CONFLICT (code) DO UPDATE SET {sets} WHERE {new_stage} >= {old_stage} "
                f"AND {table}.unit_id IN (SELECT id FROM {unit_table} WHERE path LIKE %s)"
            )
            raw.execute(f"CREATE TEMP TABLE tmp_dossier_import (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
            raw.execute("ALTER TABLE tmp_dossier_import DROP COLUMN id")
            _copy_rows(raw, "tmp_dossier_import", rows, batch, now)
            raw.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM tmp_dossier_import {conflict}", [batch.unit.path + "%"])
            raw.execute("DROP TABLE tmp_dossier_import")
        else:
            # No ownership subquery here: SQLite evaluates it for every inserted row
            # (2.5× slower). Ownership is checked by the plan, which is made again
            # whenever any dossier batch was committed since this one was uploaded,
            # and SQLite runs one writer at a time.
            raw.execute("PRAGMA cache_size = -131072")
            conflict = f"ON CONFLICT (code) DO UPDATE SET {sets} WHERE {new_stage} >= {old_stage}"
            raw.executemany(_sqlite_insert_sql(table, batch, now, conflict), rows)


def _commit_reports(batch: ImportBatch, staged: list[dict]) -> tuple[dict[int, set[datetime.date]], dict[str, int]]:
    for r in staged:
        r["month"] = datetime.date.fromisoformat(r["month"])
    _relock_check(batch, ((r["unit_id"], r["month"]) for r in staged))
    existing = {
        (r.unit_id, r.month): r
        for r in MonthlyReport.objects.select_for_update().filter(
            unit_id__in={r["unit_id"] for r in staged}, month__in={r["month"] for r in staged}
        )
    }
    new, changed, unchanged = [], [], 0
    touched: dict[int, set[datetime.date]] = {}
    for r in staged:
        old = existing.get((r["unit_id"], r["month"]))
        if old is None:
            new.append(MonthlyReport(batch=batch, **r))
        elif all(getattr(old, k) == r[k] for k in REPORT_COUNT_KEYS):
            unchanged += 1
            continue
        else:
            for k in REPORT_COUNT_KEYS:
                setattr(old, k, r[k])  # a blank optional count replaces a filled one: latest report wins
            old.batch = batch
            changed.append(old)
        touched.setdefault(r["unit_id"], set()).add(r["month"])
    MonthlyReport.objects.bulk_create(new)
    if changed:
        MonthlyReport.objects.bulk_update(changed, [*REPORT_COUNT_KEYS, "batch", "updated_at"])
    return touched, {"new": len(new), "updated": len(changed), "unchanged": unchanged}


def _commit_catalog(batch: ImportBatch, staged: list[dict]) -> tuple[dict[int, set[datetime.date]], dict[str, int]]:
    """The file is the unit's full catalogue: codes not in it are removed."""
    existing = {p.code: p for p in Procedure.objects.select_for_update().filter(unit=batch.unit)}
    keep = {r["code"] for r in staged}
    new, changed, unchanged = [], [], 0
    fields = ["name", "field", "online_level", "fee_bearing", "postal_enabled"]
    for r in staged:
        old = existing.get(r["code"])
        if old is None:
            new.append(Procedure(unit=batch.unit, last_batch=batch, **r))
        elif all(getattr(old, f) == r[f] for f in fields):
            unchanged += 1
        else:
            for f in fields:
                setattr(old, f, r[f])
            old.last_batch = batch
            changed.append(old)
    removed = [p.pk for code, p in existing.items() if code not in keep]
    Procedure.objects.filter(pk__in=removed).delete()
    Procedure.objects.bulk_create(new)
    if changed:
        Procedure.objects.bulk_update(changed, [*fields, "last_batch"])
    touched: dict[int, set[datetime.date]] = {}
    if new or changed or removed:
        # The catalogue feeds "procedures with online dossiers": recompute every month with facts.
        months = set(Dossier.objects.filter(unit=batch.unit).dates("received_on", "month"))
        months |= set(MonthlyReport.objects.filter(unit=batch.unit).values_list("month", flat=True))
        touched[batch.unit_id] = {m.replace(day=1) for m in months}
    return touched, {"new": len(new), "updated": len(changed), "unchanged": unchanged, "removed": len(removed)}


# --- cancel, locks -----------------------------------------------------------------------------


@transaction.atomic
def cancel_batch(batch: ImportBatch, *, actor: Any) -> ImportBatch:
    """Drop a parsed batch that the officer does not want to commit (the file stays in history)."""
    if not can_upload(actor, batch.unit):
        raise ImportRefused("Bạn không có quyền thao tác trên lượt tải này.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    previous = batch.status
    _set_status(batch, ImportStatus.CANCELLED)
    batch.message = "Đã hủy, không ghi nhận số liệu."
    batch.save(update_fields=["status", "message"])
    record(actor=actor, action="onestop.batch.cancel", obj=batch, unit=batch.unit, from_state=previous, to_state=batch.status)
    if batch.staging_file:
        transaction.on_commit(lambda: batch.staging_file.delete(save=False))
    return batch


@transaction.atomic
def lock_month(unit: Unit, month: datetime.date, *, actor: Any, reason: str) -> MonthLock:
    """Staff approve a unit × month: no further upload touching it until reopened."""
    if not can_lock(actor, unit):
        raise ImportRefused("Chỉ cán bộ thi đua có thẩm quyền với đơn vị này mới được khóa số liệu.")
    reason = (reason or "").strip()
    if not reason:
        raise ImportRefused("Cần ghi lý do khóa số liệu.")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ImportRefused("Không thể khóa một tháng ở tương lai.")
    lock = MonthLock.objects.select_for_update().filter(unit=unit, month=month).first()
    previous = "locked" if lock and lock.is_locked else "open"
    if lock is None:
        lock = MonthLock(unit=unit, month=month)
    elif lock.is_locked:
        raise ImportRefused(f"Tháng {month_label(month)} của {unit.name} đã khóa ({lock.reason}).")
    lock.is_locked, lock.reason = True, reason[:500]
    lock.locked_by = actor if getattr(actor, "is_authenticated", False) else None
    lock.save()
    record(actor=actor, action="onestop.month.lock", obj=lock, unit=unit, from_state=previous, to_state="locked", comment=reason)
    return lock


@transaction.atomic
def reopen_month(unit: Unit, month: datetime.date, *, actor: Any, reason: str = "") -> MonthLock:
    """Staff reopen a locked unit × month (the reason is kept in the audit trail)."""
    if not can_lock(actor, unit):
        raise ImportRefused("Chỉ cán bộ thi đua có thẩm quyền với đơn vị này mới được mở khóa số liệu.")
    month = month.replace(day=1)
    lock = MonthLock.objects.select_for_update().filter(unit=unit, month=month, is_locked=True).first()
    if lock is None:
        raise ImportRefused(f"Tháng {month_label(month)} của {unit.name} không bị khóa.")
    lock.is_locked = False
    lock.reason = (reason or "").strip()[:500] or lock.reason
    lock.locked_by = actor if getattr(actor, "is_authenticated", False) else None
    lock.save()
    record(actor=actor, action="onestop.month.reopen", obj=lock, unit=unit, from_state="locked", to_state="open", comment=reason)
    return lock
