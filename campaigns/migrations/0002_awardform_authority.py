# Issue 11: a plan day left blank stays blank; who decides an award form (the campaign's issuer, a higher level, each participant).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_initial"),
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="doc_day_blank",
            field=models.BooleanField(
                default=False,
                help_text="Văn bản gốc chỉ ghi tháng, năm (“ngày   tháng 3 năm 2023”): văn bản in ra để trống ngày, không tự điền",
                verbose_name="văn bản để trống ngày",
            ),
        ),
        migrations.AddField(
            model_name="awardform",
            name="authority",
            field=models.CharField(
                choices=[("issuer", "Cơ quan ban hành phong trào quyết định"),
                         ("higher", "Cấp trên quyết định (trình lên cấp trên)"),
                         ("participant", "Đơn vị tham gia tự quyết định theo thẩm quyền")],
                default="issuer",
                help_text="Quyết định khen thưởng của đợt xét chỉ gồm các hình thức do cơ quan ban hành phong trào quyết định; "
                          "hình thức của cấp trên được trình lên bằng tờ trình",
                max_length=20, verbose_name="thẩm quyền quyết định",
            ),
        ),
        migrations.AddField(
            model_name="awardform",
            name="authority_unit",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organization.unit",
                help_text="Ví dụ: UBND tỉnh Hà Nam cho Bằng khen của Chủ tịch UBND tỉnh; để trống với cấp ngoài danh mục "
                          "(Thủ tướng Chính phủ) – khi đó ghi người/cơ quan tặng",
                verbose_name="cơ quan có thẩm quyền (nếu có trong danh mục)",
            ),
        ),
    ]
