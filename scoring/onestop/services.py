"""Workflow of the one-stop upload: create → parse (Celery) → preview → confirm.

- ``create_batch``: guards (scope, role, size, same file already committed),
  stores the original file and enqueues ``parse_batch`` after commit.
- ``parse_batch``: runs ``preview.parse_file`` (container checks, header
  recognition, row validation, the preview counts against the database) and
  stores the normalised rows for the commit. The file is measured and read in a
  child process under memory and CPU limits (``sandbox``, issue 10). Idempotent:
  a batch that is no longer "uploaded"/"parsing" is left alone; a parse whose
  process died is retried ``ONESTOP_PARSE_RETRIES`` times, then fails with the reason.
- ``confirm_batch``: ONE transaction that upserts every row (``store``), then
  announces ``signals.facts_committed`` for the units × months touched (scoring
  recomputes them after commit).
- ``remap_batch``: the officer's column mapping ("cột trong tệp → trường"):
  stored on the batch and as the unit's ``MappingProfile`` for the file's header
  signature, then the file is parsed again by ``parse_batch`` (the same path as
  the first parse, so the preview is what the confirmation stores).
- ``share_mapping``: emulation staff share a batch's mapping as a named preset
  over their subtree ("VNPT iGate", "Viettel").
- ``cancel_batch`` (also a batch stuck "đang kiểm tra"), ``lock_month``, ``reopen_month``.

A file that cannot measure something (``reading["cannot_measure"]``, a missing
column) is confirmed only with ``accept_gaps=True``: the officer's explicit tick.

Who may do what is ``rules.py`` (the same permissions the pages ask); the
batch's states follow ``choices.BATCH_TRANSITIONS`` through ``audit.services.transition``.
Every refusal is an ``ImportRefused`` (a ``core.errors.DomainError``) with a
Vietnamese message.

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

import contextlib
import datetime
import hashlib
import logging
import marshal
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record, transition
from core import formats
from core.errors import DomainError, NotAllowed
from core.periods import month_start, parse_month
from core.system import SYSTEM
from notifications.choices import Kind as Notice
from notifications.services import notify, users_at
from organization.choices import Role
from organization.models import Unit
from organization.rules import allowed
from organization.scope import scope_unit

from . import parsing
from .choices import BATCH_TRANSITIONS
from .measures import missing_columns
from .models import (
    Dossier,
    ImportBatch,
    ImportKind,
    ImportStatus,
    MappingProfile,
    MonthLock,
    MonthlyReport,
    Procedure,
)
from .preview import mapping_errors, parse_file, plan_dossiers, summary_text
from .signals import facts_committed
from .store import bulk_work, insert_dossiers, register_procedures, upsert_dossiers
from .validation import REPORT_COUNT_KEYS, REPORT_PERIOD_KEYS

log = logging.getLogger(__name__)


class ImportRefused(DomainError):
    """A refused import operation; the message (Vietnamese) is shown to the user."""


class ImportNotAllowed(ImportRefused, NotAllowed):
    """The actor's role or unit does not allow the operation (``rules.py``)."""


class AlreadyImported(ImportRefused):
    """The same file was already committed for this unit and kind (a re-upload is a no-op)."""

    def __init__(self, message: str, batch: ImportBatch) -> None:
        super().__init__(message)
        self.batch = batch


class BatchStateRefused(ImportRefused):
    """The batch's state does not allow the step (``choices.BATCH_TRANSITIONS``).

    Worded for a batch ("…lượt tải từ…"), as the pages always said it."""

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("Không thể chuyển từ", "Không thể chuyển lượt tải từ", 1))


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    """The ``rules`` guard (the question the pages ask too), refused with this
    service's own message."""
    if not allowed(actor, perm, obj):
        raise ImportNotAllowed(message)


def _move(batch: ImportBatch, to: str, *, actor: Any, action: str, **kwargs: Any) -> None:
    """Move the batch along ``BATCH_TRANSITIONS``, save and record the event."""
    transition(batch, to, transitions=BATCH_TRANSITIONS, actor=actor, action=action, error=BatchStateRefused,
               labels=ImportStatus, unit=batch.unit, **kwargs)


def _when(value: datetime.datetime | None) -> str:
    """"05/01/2024 lúc 14:30" in local time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date(local)} lúc {local:%H:%M}"


def _batch_url(batch: ImportBatch) -> str:
    return reverse("onestop:batch_detail", args=[batch.pk])


def _person(actor: Any) -> Any:
    """The user to store on a row (``None`` for the system or an anonymous actor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


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
    _require(actor, "onestop.upload", unit, "Bạn không có quyền tải số liệu cho đơn vị này.")
    if kind not in ImportKind.values:
        raise ImportRefused("Loại số liệu không hợp lệ.")
    name = (file_name or getattr(uploaded, "name", "") or "tep-tai-len.xlsx").rsplit("/", 1)[-1][:255]
    size = getattr(uploaded, "size", None)
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ImportRefused(parsing.too_large(size, limit))
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
            f"Tệp này đã được ghi nhận ngày {_when(earlier.committed_at)} (lượt tải số {earlier.pk}); "
            f"tải lại cùng một tệp không thay đổi số liệu.",
            earlier,
        )
    with transaction.atomic():
        batch = ImportBatch(
            unit=unit, kind=kind, month=month_start(month) if month else None, file_name=name,
            file_sha256=digest, file_size=len(data), uploaded_by=_person(actor),
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


def _shown(value: Any) -> Any:
    """``value`` (the reading, the errors: JSON) with every NUL replaced by U+FFFD.

    The messages and the reading's samples quote the cells, and a cell may hold NUL
    (the file is then refused for it): PostgreSQL refuses NUL in text and in jsonb,
    so the refusal itself must not carry it (issue 10, preview = commit)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_shown(k): _shown(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shown(v) for v in value]
    return value


#: PostgreSQL advisory lock class of a parse claim, ``(PARSE_CLAIM_LOCK, batch id)``
#: (two-int form; scoring.runs uses 710_001 and 710_002).
PARSE_CLAIM_LOCK = 710_101


@contextlib.contextmanager
def _parse_claim(batch_id: int) -> Iterator[None]:
    """Hold the batch's parse claim for the whole parse (PostgreSQL session lock).

    Redis delivers a message again when its visibility timeout passes while the
    first delivery still runs (a long parse): the second delivery waits here until
    the first ends (and then finds the batch parsed) or dies (its connection closes,
    PostgreSQL drops the lock: a real retry, counted). The embedded SQLite set-up
    runs tasks in-process and never redelivers."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s, %s)", [PARSE_CLAIM_LOCK, batch_id])
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", [PARSE_CLAIM_LOCK, batch_id])


def parse_batch(batch_id: int) -> ImportBatch:
    """Parse and validate a batch; store the preview counts and the normalised rows.

    Nothing of the file's content reaches the fact tables here: an invalid file
    leaves only the batch row (status invalid, errors) and the original file.
    The file is read in a child process under the parse limits (``sandbox``):
    a file that kills its reader becomes "Tệp không đọc được: …" (invalid). A
    parse whose whole process died is started again by the redelivered task, at
    most ``ONESTOP_PARSE_RETRIES`` times (``parse_attempts``), then the batch
    fails with the reason. One parse of a batch at a time (``_parse_claim``)."""
    with _parse_claim(batch_id):
        return _parse_batch(batch_id)


def _parse_batch(batch_id: int) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch_id)
        if batch.status not in (ImportStatus.UPLOADED, ImportStatus.PARSING):
            return batch  # already parsed (a redelivered task) or cancelled: nothing to do
        batch.parse_attempts += 1
        retries = settings.ONESTOP_PARSE_RETRIES
        if batch.parse_attempts > 1 + retries:
            # Every earlier start died with its process (a task only comes back when its
            # worker was lost): stop the loop, say why (issue 10, "no poison loops").
            batch.message = (
                f"Tệp không đọc được: việc đọc tệp bị dừng đột ngột {batch.parse_attempts - 1} lần (tiến trình xử lý "
                f"bị tắt giữa chừng), hệ thống đã ngừng thử lại. Không có số liệu nào được ghi nhận; hãy tải lên lại, "
                f"nếu vẫn lỗi đề nghị báo quản trị."
            )
            _move(batch, ImportStatus.FAILED, actor=SYSTEM, action="onestop.batch.failed",
                  comment=f"{batch.parse_attempts - 1} lần đọc bị dừng (tối đa {1 + retries})",
                  data={"attempts": batch.parse_attempts - 1}, update_fields=("message", "parse_attempts"))
            return batch
        batch.progress = 1
        _move(batch, ImportStatus.PARSING, actor=SYSTEM, action="onestop.batch.parse",
              data={"attempt": batch.parse_attempts}, update_fields=("progress", "parse_attempts"))
    try:
        with bulk_work():
            outcome = parse_file(batch)
    except parsing.FileRejected as exc:
        # A header band found but a required column missing: keep what was read,
        # so the officer can map the column in the preview (``remap_batch``).
        outcome = {"errors": [{"row": None, "column": "", "message": str(exc)}], "error_count": 1, "counts": {}, "total": 0,
                   "reading": getattr(exc, "reading", None) or {}}
    except Exception as exc:  # a bug or an unreadable file: the batch shows it, nothing stored
        log.exception("parse of import batch %s failed", batch_id)
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch_id)
            if batch.status != ImportStatus.PARSING:
                return batch  # cancelled meanwhile
            batch.message = f"Lỗi hệ thống khi đọc tệp ({exc.__class__.__name__}); đề nghị báo quản trị."
            _move(batch, ImportStatus.FAILED, actor=SYSTEM, action="onestop.batch.failed", comment=_shown(str(exc)[:300]),
                  update_fields=("message",))
            notify(batch.uploaded_by or users_at(batch.unit, Role.OFFICER), Notice.UPLOAD_FAILED,  # issue 13
                   f"Lỗi hệ thống khi đọc tệp “{batch.file_name}”", body=batch.message, url=_batch_url(batch))
        return batch
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch_id)
        if batch.status != ImportStatus.PARSING:
            return batch
        # Shown and printed in row order (whole-file errors first): the checks run
        # rule by rule, and an officer fixes the file from top to bottom.
        batch.errors = _shown(sorted(outcome["errors"], key=lambda e: (e["row"] is not None, e["row"] or 0)))
        batch.reading = _shown(outcome.get("reading") or {})
        batch.error_count = outcome["error_count"]
        batch.counts = _shown(outcome["counts"])
        batch.total_rows = outcome["total"]
        batch.parsed_at = timezone.now()
        batch.progress = 100
        if outcome["error_count"]:
            to = ImportStatus.INVALID
            batch.message = f"Tệp có {outcome['error_count']} lỗi; không có số liệu nào được ghi nhận. Hãy sửa và tải lên lại."
        else:
            to = ImportStatus.READY
            batch.staging_file.save(f"batch-{batch.pk}.bin", ContentFile(outcome["staged"]), save=False)
            batch.message = summary_text(batch.kind, batch.counts)
        _move(batch, to, actor=SYSTEM, action="onestop.batch.parsed",
              data={"counts": batch.counts, "errors": batch.error_count},
              update_fields=("errors", "error_count", "counts", "total_rows", "parsed_at", "progress", "message",
                             "staging_file", "reading"))
        if to == ImportStatus.INVALID:  # issue 13: the uploader hears of a refused file without watching the page
            notify(batch.uploaded_by or users_at(batch.unit, Role.OFFICER), Notice.UPLOAD_REFUSED,
                   f"Tệp “{batch.file_name}” có {formats.number(batch.error_count)} lỗi, chưa được ghi nhận",
                   body=batch.message, url=_batch_url(batch))
    return batch


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
                f"Số liệu tháng {formats.month(lk.month)} của {lk.unit.name} đã khóa ({lk.reason}); "
                f"không thể ghi nhận lượt tải này."
            )


GAPS_TICK = "Tôi hiểu tệp thiếu các cột trên và các chỉ tiêu đó sẽ để trống hoặc bị tính thấp"


def confirm_batch(batch: ImportBatch, *, actor: Any, accept_gaps: bool = False) -> ImportBatch:
    """Commit a parsed batch in ONE transaction and announce the facts it changed.

    Guards: the actor may upload for the batch's unit; the batch is ready (not
    already committed, invalid or cancelled); a file that cannot measure something
    (``reading["cannot_measure"]``) needs ``accept_gaps=True``, the officer's tick
    (house rule 12: nothing is lost silently); no month it touches got locked since
    the preview; no dossier code got taken by a unit outside the subtree."""
    _require(actor, "onestop.confirm_batch", batch, "Bạn không có quyền ghi nhận số liệu cho đơn vị này.")
    touched: dict[int, set[datetime.date]] = {}
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch.pk)
        if batch.status == ImportStatus.COMMITTED:
            raise ImportRefused(f"Lượt tải này đã được ghi nhận ngày {_when(batch.committed_at)}.")
        if batch.status != ImportStatus.READY:
            raise ImportRefused(f"Lượt tải đang ở trạng thái “{batch.get_status_display()}”, không thể ghi nhận.")
        gaps = (batch.reading or {}).get("cannot_measure") or []
        if gaps and not accept_gaps:
            raise ImportRefused(
                f"Tệp này thiếu {len(gaps)} cột ({', '.join(missing_columns(batch.kind, gaps))}): các chỉ tiêu ở mục "
                f"“Tệp này không đo được” sẽ để trống hoặc bị tính thấp. Muốn ghi nhận, hãy đánh dấu “{GAPS_TICK}”."
            )
        with bulk_work():
            staged = _load_staged(batch)
            if batch.kind == ImportKind.DOSSIERS:
                touched, counts = _commit_dossiers(batch, staged)
            elif batch.kind == ImportKind.REPORT:
                touched, counts = _commit_reports(batch, staged)
            else:
                touched, counts = _commit_catalog(batch, staged)
            del staged
        batch.committed_at = timezone.now()
        batch.counts = {**batch.counts, **counts, "committed": True}
        batch.message = "Đã ghi nhận: " + summary_text(batch.kind, batch.counts)
        _move(batch, ImportStatus.COMMITTED, actor=actor, action="onestop.batch.confirm",
              data={"counts": counts, "accepted_gaps": [g["field"] for g in gaps]},
              update_fields=("committed_at", "counts", "message"))
        # Inside the transaction: the receivers (scoring's recompute request)
        # commit or roll back with the facts, and enqueue their work on commit.
        facts_committed.send(sender=ImportBatch, unit_months=touched, actor=actor, reason=f"import:{batch.pk}",
                             batch=batch)
    if batch.staging_file:
        batch.staging_file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(staging_file="")
    return batch



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
        months = {u: {parse_month(m) for m in ms} for u, ms in staged["months"].items()}
        counts = {k: batch.counts.get(k, 0) for k in ("new", "updated", "unchanged", "older")}
    _relock_check(batch, ((u, m) for u, ms in months.items() for m in ms))
    register_procedures(batch, staged.get("procedures") or [])
    insert_dossiers([records[i] for i in insert], batch)
    upsert_dossiers([records[i] for i in write], batch)
    return months, counts


def _commit_reports(batch: ImportBatch, staged: list[dict]) -> tuple[dict[int, set[datetime.date]], dict[str, int]]:
    for r in staged:
        r["month"] = datetime.date.fromisoformat(r["month"])
        for k in REPORT_PERIOD_KEYS:
            r[k] = datetime.date.fromisoformat(r[k]) if r.get(k) else None
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
        elif all(getattr(old, k) == r[k] for k in (*REPORT_COUNT_KEYS, *REPORT_PERIOD_KEYS)):
            unchanged += 1
            continue
        else:
            for k in (*REPORT_COUNT_KEYS, *REPORT_PERIOD_KEYS):
                setattr(old, k, r[k])  # a blank optional count replaces a filled one: latest report wins
            old.batch = batch
            changed.append(old)
        touched.setdefault(r["unit_id"], set()).add(r["month"])
    MonthlyReport.objects.bulk_create(new)
    if changed:
        MonthlyReport.objects.bulk_update(changed, [*REPORT_COUNT_KEYS, *REPORT_PERIOD_KEYS, "batch", "updated_at"])
    return touched, {"new": len(new), "updated": len(changed), "unchanged": unchanged}


def _commit_catalog(batch: ImportBatch, staged: list[dict]) -> tuple[dict[int, set[datetime.date]], dict[str, int]]:
    """The file is the unit's full catalogue: codes not in it are removed."""
    existing = {p.code: p for p in Procedure.objects.select_for_update().filter(unit=batch.unit)}
    keep = {r["code"] for r in staged}
    new, changed, unchanged = [], [], 0
    fields = ["name", "field", "online_level", "fee_bearing", "postal_enabled", "is_confirmed"]
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
        touched[batch.unit_id] = {month_start(m) for m in months}
    return touched, {"new": len(new), "updated": len(changed), "unchanged": unchanged, "removed": len(removed)}


# --- column mapping ------------------------------------------------------------------------------


def _clean_mapping(mapping: dict[Any, Any]) -> dict[str, str]:
    """{"3": "due_on", "5": ""}: keys as column indices in text, values as field names."""
    clean: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        try:
            index = int(key)
        except (TypeError, ValueError):
            raise ImportRefused(f"Cột “{key}” không hợp lệ.") from None
        if index < 0:
            raise ImportRefused(f"Cột “{key}” không hợp lệ.")
        clean[str(index)] = str(value or "").strip()
    return clean


def remap_batch(batch: ImportBatch, mapping: dict[Any, Any], *, actor: Any) -> ImportBatch:
    """Apply the officer's column mapping and read the file again.

    ``mapping`` is {"<column index, 0-based>": "<field>" | ""} ("" = bỏ qua), over
    the columns of ``batch.reading``. Guards: the actor may act on the batch
    (``onestop.remap_batch``); the batch waits for confirmation or was refused for
    its content (not committed, cancelled or still being read) and its columns
    were read; every column and field exists, no field is chosen twice, every
    required field keeps a column. Stores ``batch.mapping``, saves it as the unit's
    ``MappingProfile`` for the header signature (applied automatically to the next
    file with the same headers), audits both, and enqueues ``parse_batch`` after
    commit: the same path as the first parse, so the preview is what confirm stores."""
    _require(actor, "onestop.remap_batch", batch, "Bạn không có quyền sửa cách ghép cột của lượt tải này.")
    mapping = _clean_mapping(mapping)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch.pk)
        if batch.status not in (ImportStatus.READY, ImportStatus.INVALID):
            raise ImportRefused(
                f"Lượt tải đang ở trạng thái “{batch.get_status_display()}”, không thể sửa cách ghép cột."
            )
        reading = batch.reading or {}
        columns = reading.get("columns") or []
        if not columns:
            raise ImportRefused("Chưa đọc được dòng tiêu đề của tệp, không có cột nào để ghép; hãy tải lên tệp khác.")
        if not mapping:
            raise ImportRefused("Chưa chọn cách ghép cột nào.")
        problems = mapping_errors(batch.kind, reading, mapping)
        if problems:
            raise ImportRefused(" ".join(problems))
        chosen = {int(i): k for i, k in mapping.items()}
        effective = {k for k in chosen.values() if k}
        effective |= {c["field"] for c in columns if c.get("field") and c["index"] not in chosen}
        missing = [c.label for c in parsing.SCHEMAS[batch.kind] if c.required and c.key not in effective]
        if missing:
            raise ImportRefused(
                "Chưa có cột cho trường bắt buộc " + ", ".join(f"“{m}”" for m in missing) + "; hãy chọn cột chứa trường này."
            )
        before = {str(c["index"]): c.get("field") or "" for c in columns}
        stale_staging = batch.staging_file.name if batch.staging_file else ""
        batch.mapping = mapping
        batch.progress = 1
        batch.parse_attempts = 0
        batch.counts, batch.errors, batch.error_count = {}, [], 0
        batch.message = "Đang đọc lại tệp theo cách ghép cột mới."
        batch.staging_file = ""
        _move(batch, ImportStatus.PARSING, actor=actor, action="onestop.batch.remap",
              data={"mapping": mapping, "before": before, "signature": reading.get("signature", "")},
              update_fields=("mapping", "progress", "parse_attempts", "counts", "errors", "error_count", "message",
                             "staging_file"))
        signature = reading.get("signature") or ""
        if signature:
            headers = {str(c["index"]): c.get("header", "") for c in columns}
            profile, created = MappingProfile.objects.update_or_create(
                unit=batch.unit, kind=batch.kind, signature=signature, shared=False,
                defaults={"mapping": mapping, "headers": headers, "updated_by": _person(actor)},
            )
            record(actor=actor, action="onestop.profile.save", obj=profile, unit=batch.unit,
                   to_state="created" if created else "updated", data={"mapping": mapping, "batch": batch.pk})
        if stale_staging:
            storage = ImportBatch._meta.get_field("staging_file").storage
            transaction.on_commit(lambda: storage.delete(stale_staging))
        from .tasks import parse_batch_task

        parse_batch_task.delay_on_commit(batch.pk)
    return batch


def share_mapping(batch: ImportBatch, *, actor: Any, name: str) -> MappingProfile:
    """Share the batch's column mapping as a named preset ("VNPT iGate") over the
    staff member's whole subtree: a unit below whose file has the same header
    signature and no profile of its own gets it applied automatically.

    Guards: ``onestop.share_profile`` (emulation staff with the batch's unit in
    scope); a name of at most 120 characters; the batch's columns were read. The
    preset lives on the staff member's scope unit (a superuser's: the top of the
    batch unit's tree)."""
    _require(actor, "onestop.share_profile", batch,
             "Chỉ cán bộ thi đua có thẩm quyền với đơn vị này mới được chia sẻ cách ghép cột.")
    name = (name or "").strip()
    if not name:
        raise ImportRefused("Cần đặt tên cho mẫu ghép cột dùng chung (ví dụ: VNPT iGate, Viettel).")
    if len(name) > 120:
        raise ImportRefused("Tên mẫu ghép cột tối đa 120 ký tự.")
    reading = batch.reading or {}
    columns = reading.get("columns") or []
    if not columns or not reading.get("signature"):
        raise ImportRefused("Chưa đọc được dòng tiêu đề của tệp, không có cách ghép cột nào để chia sẻ.")
    target = scope_unit(actor)
    if target is None or not batch.unit.path.startswith(target.path):
        target = Unit.objects.get(pk=batch.unit.path_ids[0])
    mapping = {str(c["index"]): c.get("field") or "" for c in columns}
    headers = {str(c["index"]): c.get("header", "") for c in columns}
    with transaction.atomic():
        profile, created = MappingProfile.objects.update_or_create(
            unit=target, kind=batch.kind, signature=reading["signature"], shared=True,
            defaults={"name": name, "mapping": mapping, "headers": headers, "updated_by": _person(actor)},
        )
        record(actor=actor, action="onestop.profile.share", obj=profile, unit=target,
               to_state="created" if created else "updated", data={"mapping": mapping, "batch": batch.pk, "name": name})
    return profile


# --- cancel, locks -----------------------------------------------------------------------------


@transaction.atomic
def cancel_batch(batch: ImportBatch, *, actor: Any) -> ImportBatch:
    """Drop a batch that will not be committed: waiting to be read, being read (a
    parse that is stuck: its task, if it ever runs or finishes, leaves a cancelled
    batch alone), waiting for confirmation, or refused for its content. The file
    stays in history.

    Guards: ``onestop.cancel_batch`` (the officer who uploads for the unit, or
    emulation staff above it; another unit is refused with ``ImportNotAllowed``);
    the state (``BATCH_TRANSITIONS``: not committed, failed or already cancelled).
    Audited as ``onestop.batch.cancel`` with the state it left."""
    _require(actor, "onestop.cancel_batch", batch, "Bạn không có quyền thao tác trên lượt tải này.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    was_running = batch.status in (ImportStatus.UPLOADED, ImportStatus.PARSING)
    batch.message = (
        "Đã hủy khi tệp đang được đọc; không ghi nhận số liệu nào." if was_running else "Đã hủy, không ghi nhận số liệu."
    )
    batch.progress = 0 if was_running else batch.progress
    _move(batch, ImportStatus.CANCELLED, actor=actor, action="onestop.batch.cancel", update_fields=("message", "progress"))
    if batch.staging_file:
        transaction.on_commit(lambda: batch.staging_file.delete(save=False))
    return batch


@transaction.atomic
def lock_month(unit: Unit, month: datetime.date, *, actor: Any, reason: str) -> MonthLock:
    """Staff approve a unit × month: no further upload touching it until reopened."""
    _require(actor, "onestop.lock_month", unit, "Chỉ cán bộ thi đua có thẩm quyền với đơn vị này mới được khóa số liệu.")
    reason = (reason or "").strip()
    if not reason:
        raise ImportRefused("Cần ghi lý do khóa số liệu.")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ImportRefused("Không thể khóa một tháng ở tương lai.")
    lock = MonthLock.objects.select_for_update().filter(unit=unit, month=month).first()
    previous = "locked" if lock and lock.is_locked else "open"
    if lock is None:
        lock = MonthLock(unit=unit, month=month)
    elif lock.is_locked:
        raise ImportRefused(f"Tháng {formats.month(month)} của {unit.name} đã khóa ({lock.reason}).")
    lock.is_locked, lock.reason = True, reason[:500]
    lock.locked_by = _person(actor)
    # The level that approved: it or one above lifts it. A superuser (no unit)
    # approves for the top of the tree.
    lock.locked_by_unit = scope_unit(actor) or Unit.objects.get(pk=unit.path_ids[0])
    lock.save()
    record(actor=actor, action="onestop.month.lock", obj=lock, unit=unit, from_state=previous, to_state="locked", comment=reason)
    return lock


@transaction.atomic
def reopen_month(unit: Unit, month: datetime.date, *, actor: Any, reason: str = "") -> MonthLock:
    """Staff reopen a locked unit × month (the reason is kept in the audit trail).

    Lock hierarchy: only staff of the unit that set the lock, or of a unit above
    it, may lift it (``NotAllowed`` otherwise) — a commune cannot undo the
    district's approval of its own figures."""
    _require(actor, "onestop.reopen_month", unit,
             "Chỉ cán bộ thi đua có thẩm quyền với đơn vị này mới được mở khóa số liệu.")
    month = month_start(month)
    # Not select_related: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    lock = MonthLock.objects.select_for_update().filter(unit=unit, month=month, is_locked=True).first()
    if lock is None:
        raise ImportRefused(f"Tháng {formats.month(month)} của {unit.name} không bị khóa.")
    setter = lock.locked_by_unit
    if not allowed(actor, "onestop.reopen_month", lock):
        raise NotAllowed(
            f"Tháng {formats.month(month)} của {unit.name} do {setter.name} khóa: chỉ {setter.name} "
            "hoặc cấp trên mới được mở khóa."
        )
    lock.is_locked = False
    lock.reason = (reason or "").strip()[:500] or lock.reason
    lock.locked_by = _person(actor)
    lock.save()
    record(actor=actor, action="onestop.month.reopen", obj=lock, unit=unit, from_state="locked", to_state="open", comment=reason)
    return lock
