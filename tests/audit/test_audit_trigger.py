"""Issue 12: audit events never change.

- the database refuses UPDATE (PostgreSQL and SQLite) and DELETE (PostgreSQL) on the
  audit table, whoever sends the statement (migration audit 0002);
- deleting a user or a unit leaves their events exactly as written (no SET NULL);
- a management command that changes data writes an event, as the system.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import command_audited, record
from core.system import SYSTEM
from organization.choices import UnitKind
from organization.models import Unit

TABLE = AuditEvent._meta.db_table
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the DELETE trigger is PostgreSQL's (SQLite's test flush empties tables with DELETE)",
)


@pytest.fixture
def event(db):
    unit = Unit.objects.create(code="XA-NK", name="UBND xã Nhật Ký", kind=UnitKind.COMMUNE)
    user = get_user_model().objects.create_user("nguoi_ghi", password="matkhau-thu-nghiem-123",
                                                first_name="Trần Thị Ghi")
    return record(actor=user, action="test.change", obj=unit, unit=unit, from_state="a", to_state="b",
                  data={"before": {"name": "cũ"}, "after": {"name": "mới"}})


def row(event_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT actor_id, actor_username, actor_name, unit_id, comment, data FROM {TABLE} "
                       "WHERE id = %s", [event_id])
        return cursor.fetchone()


def test_the_database_refuses_update_of_an_audit_row(event):
    before = row(event.pk)
    with pytest.raises(DatabaseError, match="Nhật ký thao tác chỉ được ghi thêm: lệnh UPDATE"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET comment = %s WHERE id = %s", ["sửa lén", event.pk])
    assert row(event.pk) == before


@only_postgresql
def test_postgresql_refuses_delete_of_audit_rows(event):
    with pytest.raises(DatabaseError, match="Nhật ký thao tác chỉ được ghi thêm: lệnh DELETE"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    # The refusal is for the statement, even one that matches no row.
    with pytest.raises(DatabaseError, match="lệnh UPDATE trên bảng audit_auditevent bị từ chối"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET comment = '' WHERE id = -1")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_refuses_too(event):
    with pytest.raises(PermissionError, match="không được sửa"):
        AuditEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(PermissionError, match="không được xóa"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError, match="không được sửa"):
        event.save()


def test_deleting_the_user_and_the_unit_leaves_the_event_as_written(event):
    user = event.actor
    before = row(event.pk)
    assert before[:4] == (user.pk, "nguoi_ghi", "Trần Thị Ghi", event.unit_id)
    user.delete()
    Unit.objects.filter(pk=event.unit_id).delete()
    assert row(event.pk) == before  # who and which unit, by id and by name, as written
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert fresh.actor_user is None and fresh.actor_name == "Trần Thị Ghi"


def test_a_command_run_is_one_event_by_the_system_with_rows_before_and_after(db):
    with pytest.raises(RuntimeError, match="hỏng giữa chừng"):
        with command_audited("thu_nghiem", actor=SYSTEM, options={"dry": False, "file": "a.xlsx"}):
            Unit.objects.create(code="XA-CMD", name="UBND xã Lệnh", kind=UnitKind.COMMUNE)
            raise RuntimeError("hỏng giữa chừng")
    event = AuditEvent.objects.get(action="command.thu_nghiem")
    assert event.actor_id is None and event.actor_name == "Hệ thống" and event.actor_username == ""
    assert event.data["options"] == {"dry": False, "file": "a.xlsx"}
    assert event.data["before"] == {"organization.unit": 0} and event.data["after"] == {"organization.unit": 1}
    assert event.data["error"] == "RuntimeError: hỏng giữa chừng"


def test_load_demo_writes_its_event_as_the_system(db):
    call_command("load_demo", "--base-only", stdout=StringIO())
    event = AuditEvent.objects.get(action="command.load_demo")
    assert event.actor_name == "Hệ thống" and event.data["options"] == {"base_only": True}
    units = Unit.objects.count()
    assert units > 0 and event.data["after"]["organization.unit"] == units
    assert event.data["before"]["organization.unit"] == 0
