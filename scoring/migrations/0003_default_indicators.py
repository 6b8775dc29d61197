"""Data migration: the default indicator definitions (``scoring/default_indicators.json``),
so that ``migrate`` alone gives a system that computes; and the corrected formulas
of definitions that still carry an earlier default (``scoring.defaults.CORRECTED``).

Idempotent: only missing codes are created and only unchanged formulas corrected,
so a definition staff edited in the admin is never overwritten. Reversing it
leaves the rows (they may have been edited or used by criteria since).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from scoring.defaults import correct_formulas, create_missing

    model = apps.get_model("scoring", "IndicatorDefinition")
    correct_formulas(model)
    create_missing(model)


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0002_provenance_and_bcci_elements"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
