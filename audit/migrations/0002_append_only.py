"""The audit trail keeps its rows as written (issue 12).

1. ``actor`` and ``unit`` no longer rewrite rows when a user or unit is deleted
   (SET_NULL did: deleting a user blanked "who" on all their events): DO_NOTHING with
   no database constraint, and the login name kept as text in ``actor_username``
   (filled here for the existing rows from the accounts that still exist).
2. The database refuses changes to the table:
   - PostgreSQL: a statement trigger refuses every UPDATE and DELETE (SQLSTATE 42501,
     insufficient_privilege → Django's ProgrammingError), whoever sends it. TRUNCATE is
     not refused: Django's test flush and ``manage.py flush`` use it, and it needs the
     table owner's privilege — run the portal as a role that does not own its tables
     to close that too (README, production).
   - SQLite (embedded default): a row trigger refuses UPDATE. DELETE is not refused
     there because Django's flush (tests with transactions) empties tables with
     DELETE; the model and its queryset still refuse deletes.
   On SQLite a later AlterField of this model rebuilds the table and drops the
   trigger: such a migration must run ``create_triggers`` again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

FUNCTION = "audit_event_append_only"


def fill_usernames(apps, schema_editor):
    """Existing events: the actor's login name, while the account still exists."""
    event_model = apps.get_model("audit", "AuditEvent")
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    username = user_model.objects.filter(pk=OuterRef("actor_id")).values("username")[:1]
    event_model.objects.exclude(actor_id=None).update(actor_username=Coalesce(Subquery(username), Value("")))


def create_triggers(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = format('Nhật ký thao tác chỉ được ghi thêm: lệnh %s trên bảng %s bị từ chối.', TG_OP, TG_TABLE_NAME);
END $$""", params=None)  # no placeholders: the %s are format()'s
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION}_update")
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION}_update BEFORE UPDATE ON {table} BEGIN "
            "SELECT RAISE(ABORT, 'Nhật ký thao tác chỉ được ghi thêm: lệnh UPDATE bị từ chối.'); END")


def drop_triggers(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION}_update")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('organization', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='actor_username',
            field=models.CharField(blank=True, max_length=150, verbose_name='tài khoản người thực hiện'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='unit',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organization.unit', verbose_name='đơn vị liên quan'),
        ),
        migrations.RunPython(fill_usernames, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
