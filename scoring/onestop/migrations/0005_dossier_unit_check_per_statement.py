"""PostgreSQL: the dossier → unit foreign key is enforced by triggers that check a
whole statement at once, instead of the foreign-key constraint's one check per row.

Why: a 100,000-row import spent about a third of its commit in the constraint's
row-by-row checks (one locking lookup of the unit per dossier, at commit). The
statement trigger below does the same work set-based: it locks the referenced units
FOR KEY SHARE (as the constraint does, so a concurrent delete of the unit waits) and
refuses the statement if any unit is missing. Deleting a unit, or changing its id,
while dossiers still point at it is refused by a row trigger on the unit table.
Errors carry SQLSTATE 23503 (foreign_key_violation), so Django raises IntegrityError
as before. tests/onestop/test_dossier_unit_integrity.py proves each case.

SQLite (the embedded default) keeps the ordinary foreign key. Django's model still
declares the constraint: on PostgreSQL a future AlterField of ``Dossier.unit`` must
drop these triggers instead of the constraint (it would fail loudly, not silently).
"""

from django.db import migrations

FK_COLUMN_SQL = """
SELECT c.conname FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
WHERE c.conrelid = 'onestop_dossier'::regclass AND c.contype = 'f' AND a.attname = 'unit_id'
"""

CREATE_SQL = """
CREATE FUNCTION onestop_dossier_unit_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
BEGIN
  PERFORM 1 FROM organization_unit u
    WHERE u.id IN (SELECT DISTINCT n.unit_id FROM new_rows n) FOR KEY SHARE;
  SELECT n.unit_id INTO missing FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM organization_unit u WHERE u.id = n.unit_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
      MESSAGE = format('insert on table "onestop_dossier" violates foreign key: unit_id=%s is not in "organization_unit"', missing);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION onestop_dossier_unit_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM organization_unit u WHERE u.id = NEW.unit_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
      MESSAGE = format('update on table "onestop_dossier" violates foreign key: unit_id=%s is not in "organization_unit"', NEW.unit_id);
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION onestop_unit_keep_dossiers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM onestop_dossier d WHERE d.unit_id = OLD.id) THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
      MESSAGE = format('update or delete on table "organization_unit" violates foreign key: unit %s still has rows in "onestop_dossier"', OLD.id);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER onestop_dossier_unit_insert AFTER INSERT ON onestop_dossier
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION onestop_dossier_unit_check_rows();
CREATE TRIGGER onestop_dossier_unit_update BEFORE UPDATE OF unit_id ON onestop_dossier
  FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION onestop_dossier_unit_check_row();
CREATE TRIGGER onestop_unit_delete_keeps_dossiers BEFORE DELETE ON organization_unit
  FOR EACH ROW EXECUTE FUNCTION onestop_unit_keep_dossiers();
CREATE TRIGGER onestop_unit_id_keeps_dossiers BEFORE UPDATE OF id ON organization_unit
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION onestop_unit_keep_dossiers();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS onestop_unit_id_keeps_dossiers ON organization_unit;
DROP TRIGGER IF EXISTS onestop_unit_delete_keeps_dossiers ON organization_unit;
DROP TRIGGER IF EXISTS onestop_dossier_unit_update ON onestop_dossier;
DROP TRIGGER IF EXISTS onestop_dossier_unit_insert ON onestop_dossier;
DROP FUNCTION IF EXISTS onestop_unit_keep_dossiers();
DROP FUNCTION IF EXISTS onestop_dossier_unit_check_row();
DROP FUNCTION IF EXISTS onestop_dossier_unit_check_rows();
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(FK_COLUMN_SQL)
        for (name,) in cur.fetchall():
            cur.execute(f'ALTER TABLE onestop_dossier DROP CONSTRAINT "{name}"')
        cur.execute(CREATE_SQL)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(DROP_SQL)
        cur.execute(
            "ALTER TABLE onestop_dossier ADD CONSTRAINT onestop_dossier_unit_id_fk_organization_unit_id "
            "FOREIGN KEY (unit_id) REFERENCES organization_unit (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("onestop", "0004_dossier_received_on_no_index"),
        ("organization", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
