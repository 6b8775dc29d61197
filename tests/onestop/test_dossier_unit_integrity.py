"""A dossier always belongs to an existing unit, on both databases.

On PostgreSQL the foreign key is enforced by statement-level triggers (migration
onestop 0005, for the speed of bulk imports); these tests hold that to the same
guarantees as the constraint it replaced: no orphan on insert (row by row, in bulk
or by COPY) or update, no unit deleted or renumbered under its dossiers, and a unit
being referenced by an open import cannot be deleted concurrently.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from organization.models import Unit
from scoring.onestop.models import Dossier

MISSING_UNIT = 987_654_321
# Both databases name the broken reference: SQLite "…has an invalid foreign key…",
# PostgreSQL (migration 0005's triggers) "…violates foreign key…".


def _check_deferred() -> None:
    # SQLite keeps the ordinary foreign key, deferred to the commit: ask for the check.
    connection.check_constraints(table_names=[Dossier._meta.db_table])


def _dossier(unit_id: int, code: str) -> Dossier:
    return Dossier(code=code, unit_id=unit_id, channel="direct", received_on=datetime.date(2026, 3, 2))


def test_insert_of_an_orphan_is_refused(tree):
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        _dossier(MISSING_UNIT, "HS-ORPHAN").save()
        _check_deferred()
    assert not Dossier.objects.filter(code="HS-ORPHAN").exists()


def test_bulk_insert_with_one_orphan_is_refused_whole(tree):
    rows = [_dossier(tree["commune_a"].pk, f"HS-{i}") for i in range(50)] + [_dossier(MISSING_UNIT, "HS-X")]
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        Dossier.objects.bulk_create(rows)
        _check_deferred()
    assert Dossier.objects.count() == 0


def test_bulk_insert_of_valid_rows_passes(tree):
    Dossier.objects.bulk_create([_dossier(tree["commune_a"].pk, f"HS-{i}") for i in range(20)])
    _check_deferred()
    assert Dossier.objects.filter(unit=tree["commune_a"]).count() == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's bulk path")
def test_copy_with_an_orphan_is_refused(tree):
    good = tree["commune_a"].pk
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        with connection.cursor() as cur, connection.wrap_database_errors:
            with cur.cursor.copy(f"COPY {Dossier._meta.db_table} (code, unit_id, procedure_code, procedure_name, field, "
                                 "channel, online_level, received_on, status, fee_bearing, paid_online, electronic_result, "
                                 "e_certified_copy, returned_by_post, updated_at) FROM STDIN") as copy:
                for code, unit_id in (("HS-1", good), ("HS-2", MISSING_UNIT)):
                    copy.write_row((code, unit_id, "", "", "", "direct", "", "2026-03-02", "", False, False, False,
                                    False, False, "2026-03-02 00:00:00+07"))
    assert Dossier.objects.count() == 0


def test_moving_a_dossier_to_a_missing_unit_is_refused(tree):
    d = _dossier(tree["commune_a"].pk, "HS-MOVE")
    d.save()
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        Dossier.objects.filter(pk=d.pk).update(unit_id=MISSING_UNIT)
        _check_deferred()
    # Moving to another existing unit is allowed (the rule is existence, not ownership).
    Dossier.objects.filter(pk=d.pk).update(unit_id=tree["commune_b"].pk)
    _check_deferred()
    assert Dossier.objects.get(pk=d.pk).unit_id == tree["commune_b"].pk


def test_unit_with_dossiers_cannot_be_deleted_even_in_raw_sql(tree):
    unit = tree["commune_a"]
    _dossier(unit.pk, "HS-KEEP").save()
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {Unit._meta.db_table} WHERE id = %s", [unit.pk])
        _check_deferred()
    assert Unit.objects.filter(pk=unit.pk).exists()
    # A unit without dossiers still goes.
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {Unit._meta.db_table} WHERE id = %s", [tree["department"].pk])
    assert not Unit.objects.filter(pk=tree["department"].pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on the unit's id: PostgreSQL")
def test_renumbering_a_unit_with_dossiers_is_refused(tree):
    unit = tree["commune_a"]
    _dossier(unit.pk, "HS-KEEP").save()
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {Unit._meta.db_table} SET id = %s WHERE id = %s", [MISSING_UNIT, unit.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two sessions: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_unit_cannot_be_deleted_while_an_import_inserts_its_dossiers():
    """The statement trigger locks the referenced units FOR KEY SHARE, as the foreign
    key did: a concurrent delete waits for the import and then is refused."""
    from django.db import connections

    unit = Unit.objects.create(code="XA-LOCK", name="UBND xã Khoá", kind="commune")
    outcome: dict[str, object] = {}
    importing = threading.Event()
    deleted = threading.Event()

    def delete_unit() -> None:
        conn = connections.create_connection("default")
        try:
            importing.wait(10)
            with conn.cursor() as cur:
                cur.execute("SET lock_timeout = '5s'")
                cur.execute(f"DELETE FROM {Unit._meta.db_table} WHERE id = %s", [unit.pk])
            outcome["deleted"] = True
        except IntegrityError as exc:
            outcome["refused"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported through the assertion below
            outcome["other"] = repr(exc)
        finally:
            deleted.set()
            conn.close()

    thread = threading.Thread(target=delete_unit)
    thread.start()
    with transaction.atomic():
        _dossier(unit.pk, "HS-LOCK").save()
        importing.set()
        # The delete must wait for this transaction: it has not finished after a moment.
        assert not deleted.wait(1.0), outcome
    thread.join(15)
    assert "refused" in outcome, outcome
    assert Unit.objects.filter(pk=unit.pk).exists()
    Dossier.objects.all().delete()
