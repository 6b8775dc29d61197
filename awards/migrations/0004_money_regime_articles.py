# Issue 11 (money): regimes end and carry their transitional rules; every bonus
# coefficient carries its decree article, may record "no amount in law" (empty
# coefficient) and is flagged verified / to verify. The shipped rows are reloaded
# with the values checked against NĐ 152/2025 (awards/legal_data.py).

import django.db.models.deletion
from django.db import migrations, models


def reload_legal_config(apps, schema_editor):
    from awards.legal_data import apply

    apply(apps.get_model("awards", "LegalRegime"), apps.get_model("awards", "BonusCoefficient"),
          apps.get_model("awards", "BaseSalary"))


class Migration(migrations.Migration):

    dependencies = [
        ("awards", "0003_decision_authority"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="bonuscoefficient",
            options={"ordering": ["regime__valid_from", "order", "award_type", "subject", "level"],
                     "verbose_name": "hệ số tiền thưởng", "verbose_name_plural": "hệ số tiền thưởng"},
        ),
        migrations.AddField(
            model_name="bonuscoefficient", name="article",
            field=models.CharField(default="", help_text="Ví dụ “Điều 54 khoản 1 điểm e”; số hiệu nghị định lấy theo giai đoạn pháp lý",
                                   max_length=200, verbose_name="điều khoản"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bonuscoefficient", name="label",
            field=models.CharField(blank=True, max_length=200, verbose_name="tên hiển thị"),
        ),
        migrations.AddField(
            model_name="bonuscoefficient", name="order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự"),
        ),
        migrations.AddField(
            model_name="bonuscoefficient", name="verified",
            field=models.BooleanField(default=False, verbose_name="đã đối chiếu văn bản gốc"),
        ),
        migrations.AlterField(
            model_name="bonuscoefficient", name="award_type",
            field=models.CharField(choices=[
                ("giay_khen", "Giấy khen"), ("bang_khen_tinh", "Bằng khen của Bộ, ngành, tỉnh"),
                ("bang_khen_ttg", "Bằng khen của Thủ tướng Chính phủ"),
                ("ldtt", "Lao động tiên tiến / Tập thể lao động tiên tiến"), ("cstdcs", "Chiến sĩ thi đua cơ sở"),
                ("tldxs", "Tập thể lao động xuất sắc"), ("cstd_tinh", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh"),
                ("cstd_toan_quoc", "Chiến sĩ thi đua toàn quốc"), ("co_thi_dua_tinh", "Cờ thi đua của bộ, ban, ngành, tỉnh"),
                ("co_thi_dua_cp", "Cờ thi đua của Chính phủ"), ("xa_tieu_bieu", "Xã, phường, đặc khu tiêu biểu"),
                ("thon_van_hoa", "Thôn, tổ dân phố văn hóa")], max_length=30, verbose_name="loại hình thức"),
        ),
        migrations.AlterField(
            model_name="bonuscoefficient", name="coefficient",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True,
                                      help_text="Để trống khi pháp luật không quy định mức tiền thưởng (ghi rõ ở ghi chú)",
                                      verbose_name="hệ số × mức lương cơ sở"),
        ),
        migrations.AlterField(
            model_name="bonuscoefficient", name="note",
            field=models.CharField(blank=True, help_text='"cần kiểm chứng" khi chưa đối chiếu được văn bản gốc',
                                   max_length=500, verbose_name="nguồn, ghi chú"),
        ),
        migrations.AddField(
            model_name="legalregime", name="valid_from_basis",
            field=models.CharField(blank=True, help_text="Điều khoản quy định hiệu lực, ví dụ “Điều 59 khoản 1”",
                                   max_length=300, verbose_name="căn cứ ngày áp dụng"),
        ),
        migrations.AddField(
            model_name="legalregime", name="valid_until_basis",
            field=models.CharField(blank=True, help_text="Ví dụ “NĐ 152/2025/NĐ-CP Điều 60 khoản 1”",
                                   max_length=300, verbose_name="căn cứ ngày hết áp dụng"),
        ),
        migrations.AddField(
            model_name="legalregime", name="rounding_article",
            field=models.CharField(blank=True, max_length=200, verbose_name="căn cứ làm tròn"),
        ),
        migrations.AddField(
            model_name="legalregime", name="prior_dossiers_regime",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="awards.legalregime",
                                    help_text="Hồ sơ đã gửi trước ngày áp dụng được thẩm định, trình và quyết định theo văn bản này",
                                    verbose_name="hồ sơ gửi trước ngày áp dụng theo"),
        ),
        migrations.AddField(
            model_name="legalregime", name="prior_dossiers_article",
            field=models.CharField(blank=True, max_length=200, verbose_name="căn cứ chuyển tiếp hồ sơ"),
        ),
        migrations.AddField(
            model_name="legalregime", name="no_delegated_rules_until",
            field=models.DateField(blank=True, null=True,
                                   verbose_name="văn bản trước còn áp dụng (nơi chưa ban hành quy định phân cấp) đến hết ngày"),
        ),
        migrations.AddField(
            model_name="legalregime", name="no_delegated_rules_article",
            field=models.CharField(blank=True, max_length=200, verbose_name="căn cứ áp dụng chuyển tiếp"),
        ),
        migrations.AlterField(
            model_name="legalregime", name="note",
            field=models.TextField(blank=True, help_text="Nguồn đã đối chiếu và các giá trị còn cần kiểm chứng",
                                   verbose_name="nguồn, mức độ chắc chắn"),
        ),
        migrations.AlterField(
            model_name="legalregime", name="rounding_step",
            field=models.PositiveIntegerField(default=10000,
                                              help_text="Tiền thưởng sau khi nhân hệ số với mức lương cơ sở được làm tròn lên hàng chục nghìn đồng (NĐ 152/2025/NĐ-CP Điều 49 khoản 2). 1 = không làm tròn.",
                                              verbose_name="làm tròn lên đến (đồng)"),
        ),
        migrations.RunPython(reload_legal_config, migrations.RunPython.noop),
    ]
