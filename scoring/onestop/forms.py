"""Forms of the one-stop upload pages (the file itself is checked by the services)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings

from organization.models import Unit

from .models import ImportKind


def _month_choices() -> list[tuple[str, str]]:
    today = datetime.date.today().replace(day=1)
    out = [("", "— theo số liệu trong tệp —")]
    m = today
    for _ in range(36):
        out.append((m.strftime("%Y-%m"), m.strftime("%m/%Y")))
        m = (m - datetime.timedelta(days=1)).replace(day=1)
    return out


class UploadForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), to_field_name="code")
    kind = forms.ChoiceField(label="Loại số liệu", choices=ImportKind.choices)
    month = forms.ChoiceField(
        label="Tháng báo cáo", required=False, choices=(),
        help_text="Chỉ cần với báo cáo II.06a khi tệp không ghi tháng.",
    )
    file = forms.FileField(label="Tệp bảng tính (.xlsx, .xls, .ods)")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_user(user).order_by("path")
        self.fields["month"].choices = _month_choices()
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.xls,.ods"

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn; giới hạn {settings.MAX_UPLOAD_BYTES // 1048576} MB."
            )
        return f

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        y, m = value.split("-")
        return datetime.date(int(y), int(m), 1)


class LockForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), to_field_name="code")
    month = forms.CharField(label="Tháng (mm/yyyy)", max_length=7)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_user(user).order_by("path")

    def clean_month(self) -> datetime.date:
        value = self.cleaned_data["month"].strip()
        m = re.match(r"^(\d{1,2})/(\d{4})$", value) or re.match(r"^(\d{4})-(\d{1,2})$", value)
        if not m:
            raise forms.ValidationError("Ghi tháng theo dạng mm/yyyy, ví dụ 03/2023.")
        a, b = int(m.group(1)), int(m.group(2))
        month, year = (a, b) if a <= 12 and b > 12 else (b, a)
        if not 1 <= month <= 12:
            raise forms.ValidationError("Tháng không hợp lệ.")
        return datetime.date(year, month, 1)
