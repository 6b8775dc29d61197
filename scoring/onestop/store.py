"""Raw SQL writers of the dossier commit: COPY on PostgreSQL, INSERT … SELECT and
executemany on SQLite, the upsert that carries the latest-state rule.

Why raw SQL: a 100,000-row export must be committed within a small multiple of
the time the spreadsheet reader alone needs; the ORM's per-row work (model
instances, Django's cursor wrapper, per-value adaptation) costs several times that.
Rows are tuples in ``validation.DOSSIER_FIELDS`` order, dates as ISO text. Table
names come from ``Model._meta.db_table``.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from organization.models import Unit

from .models import Dossier, ImportBatch, OnlineLevel, Procedure
from .validation import DOSSIER_FIELDS


@contextmanager
def bulk_work() -> Iterator[None]:
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



def _stage_sql() -> tuple[str, str]:
    def stage(t: str) -> str:
        return f"(CASE WHEN {t}.returned_on IS NOT NULL THEN 2 WHEN {t}.resolved_on IS NOT NULL THEN 1 ELSE 0 END)"

    return stage("excluded"), stage(Dossier._meta.db_table)



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



def register_procedures(batch: ImportBatch, rows: list[tuple]) -> int:
    """Add to the catalogue the procedures a dossier file named that no catalogue of
    their unit held: ``rows`` are (unit id, code, name, field, online level), as
    ``validation._register_unknown_procedures`` found them. They are marked
    unconfirmed (``Procedure.is_confirmed``) until the unit imports its catalogue.
    A code another batch registered meanwhile is left as it is. Returns how many."""
    if not rows:
        return 0
    have = set(Procedure.objects.filter(unit_id__in={r[0] for r in rows}, code__in={r[1] for r in rows})
               .values_list("unit_id", "code"))
    new = [
        Procedure(unit_id=unit_id, code=code, name=name or code, field=field, online_level=level or OnlineLevel.NONE,
                  is_confirmed=False, last_batch=batch)
        for unit_id, code, name, field, level in rows if (unit_id, code) not in have
    ]
    Procedure.objects.bulk_create(new)
    return len(new)
