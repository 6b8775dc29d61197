from __future__ import annotations

from typing import Any

from django import forms

from organization.choices import UnitKind
from organization.models import Unit


class FrameworkForm(forms.Form):
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="Áp dụng cho cấp", choices=UnitKind.choices, initial=UnitKind.COMMUNE)
    issuing_unit = forms.ModelChoiceField(label="Cơ quan ban hành, thẩm định", queryset=Unit.objects.none())
    name = forms.CharField(label="Tên bộ chỉ số", max_length=300)
    decision = forms.CharField(label="Văn bản ban hành", max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.for_user(user).exclude(kind__in=[UnitKind.COMMUNE, UnitKind.SECTION, UnitKind.OFFICE])
        self.fields["issuing_unit"].queryset = units


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx) theo mẫu xuất ra")


class CopyForm(forms.Form):
    year = forms.IntegerField(label="Sao chép sang năm", min_value=2000, max_value=2100)
