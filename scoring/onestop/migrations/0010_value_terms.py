"""Value vocabularies (issue 15): the ValueTerm table and its default wordings."""

from django.db import migrations, models


def add_defaults(apps, schema_editor):
    # The defaults as this release ships them (vocabularies.DEFAULTS); later edits
    # by staff are rows, not code, so later releases add terms in their own migration.
    from scoring.onestop.vocabularies import DEFAULTS, fold_value

    ValueTerm = apps.get_model("onestop", "ValueTerm")
    seen = set()
    rows = []
    for domain, text, meaning, contains in DEFAULTS:
        key = fold_value(text)
        if not key or (domain, key) in seen:
            continue
        seen.add((domain, key))
        rows.append(ValueTerm(domain=domain, text=text, key=key, meaning=meaning, contains=contains, is_default=True))
    ValueTerm.objects.bulk_create(rows)


def remove_defaults(apps, schema_editor):
    apps.get_model("onestop", "ValueTerm").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("onestop", "0009_month_lock_set_by_unit"),
    ]

    operations = [
        migrations.CreateModel(
            name="ValueTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("domain", models.CharField(choices=[("online_level", "Mức độ trực tuyến"), ("channel", "Kênh thực hiện"), ("status", "Trạng thái hồ sơ"), ("yes_no", "Có / Không"), ("satisfaction", "Mức độ hài lòng")], max_length=20, verbose_name="loại giá trị")),
                ("text", models.CharField(max_length=200, verbose_name="cách ghi trong tệp")),
                ("key", models.CharField(editable=False, max_length=200, verbose_name="dạng so khớp")),
                ("meaning", models.CharField(max_length=20, verbose_name="nghĩa")),
                ("contains", models.BooleanField(default=False, help_text="Bật: ô nào chứa cụm từ này (không phân biệt dấu, hoa thường) đều mang nghĩa trên.", verbose_name="khớp khi ô chứa cụm từ")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="ghi chú")),
                ("is_default", models.BooleanField(default=False, editable=False, verbose_name="có sẵn khi cài đặt")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="cập nhật lúc")),
            ],
            options={
                "verbose_name": "cách ghi giá trị",
                "verbose_name_plural": "từ vựng giá trị trong tệp",
                "ordering": ["domain", "meaning", "text"],
                "constraints": [models.UniqueConstraint(fields=("domain", "key"), name="onestop_valueterm_uniq")],
            },
        ),
        migrations.RunPython(add_defaults, remove_defaults),
    ]
