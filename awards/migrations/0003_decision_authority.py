# Issue 11: a decision covers the forms of one deciding authority; an upward proposal
# records the higher level's decision (number, date, signer, scanned file).

import awards.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("awards", "0002_private_file_names"),
        ("campaigns", "0002_awardform_authority"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="authority",
            field=models.CharField(blank=True, max_length=300, verbose_name="cấp có thẩm quyền quyết định"),
        ),
        migrations.AddField(
            model_name="decision",
            name="award_forms",
            field=models.ManyToManyField(blank=True, related_name="decisions", to="campaigns.awardform",
                                         verbose_name="hình thức khen thưởng"),
        ),
        migrations.AddField(
            model_name="decision",
            name="scan",
            field=models.FileField(blank=True, max_length=300, upload_to=awards.models.decision_scan_path,
                                   verbose_name="bản chụp quyết định của cấp trên"),
        ),
        migrations.AddField(
            model_name="decision",
            name="scan_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="tên tệp bản chụp"),
        ),
        migrations.AddField(
            model_name="decision",
            name="upward",
            field=models.BooleanField(default=False,
                                      help_text="Tờ trình đề nghị cấp trên khen thưởng; quyết định do cấp trên ban hành và được ghi nhận lại",
                                      verbose_name="trình cấp trên"),
        ),
    ]
