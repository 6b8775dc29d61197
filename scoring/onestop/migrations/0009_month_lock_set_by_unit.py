# Lock hierarchy (issue 12): the unit that set a month lock; only it or a unit above
# it may lift the lock.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("onestop", "0008_monthly_report_period"),
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlock",
            name="locked_by_unit",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="organization.unit", verbose_name="cấp khóa",
            ),
        ),
    ]
