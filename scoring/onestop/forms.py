"""Forms of the one-stop upload pages (the file itself is checked by the services)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from core import formats
from core.periods import add_months, month_key, parse_month
from organization.models import Unit

from . import parsing
from .models import ImportKind

#: Months the upload form always offers (this one and the 23 before it) …
RECENT_MONTHS = 24
#: … and at most this many, however old an open campaign is (ten years).
MAX_MONTHS = 120


def _month_choices(user) -> list[tuple[str, str]]:
    """This month back to the earliest month of a campaign the user sees
    (``Campaign.objects.for_user``) that is not yet closed (a 2023 campaign still
    collects its 2023 figures), at least ``RECENT_MONTHS`` and at most
    ``MAX_MONTHS``, newest first ("2026-03" → "03/2026")."""
    this_month = timezone.localdate().replace(day=1)
    count = RECENT_MONTHS
    earliest = Campaign.objects.for_user(user).exclude(status=CampaignStatus.CLOSED).aggregate(m=Min("start_date"))["m"]
    if earliest is not None:
        count = max(count, (this_month.year - earliest.year) * 12 + this_month.month - earliest.month + 1)
    months = [add_months(this_month, -i) for i in range(min(count, MAX_MONTHS))]
    return [("", "— theo số liệu trong tệp —"), *((month_key(m), formats.month(m)) for m in months)]


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
        self.fields["month"].choices = _month_choices(user)
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
        return parse_month(value) if value else None


_MONTH = re.compile(r"^(\d{1,2}/\d{4}|\d{4}-\d{1,2})$")


class LockForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), to_field_name="code")
    month = forms.CharField(label="Tháng (mm/yyyy)", max_length=7)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_user(user).order_by("path")

    def clean_month(self) -> datetime.date:
        value = self.cleaned_data["month"].strip()
        if not _MONTH.match(value):
            raise forms.ValidationError("Ghi tháng theo dạng mm/yyyy, ví dụ 03/2023.")
        try:
            return parse_month(value)
        except ValueError:  # month 0 or 13…
            raise forms.ValidationError("Tháng không hợp lệ.") from None


SKIP = ""
SKIP_LABEL = "— bỏ qua —"


class MappingForm(forms.Form):
    """One select per source column of the file ("cột trong tệp → trường"), named
    ``col_<index>``; "" = bỏ qua. Built from ``ImportBatch.reading["columns"]``;
    ``mapping()`` gives the shape ``services.remap_batch`` takes."""

    def __init__(self, *args, kind: str, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(SKIP, SKIP_LABEL), *((c.key, c.label) for c in parsing.SCHEMAS[kind])]
        self.columns = columns
        for col in columns:
            name = f"col_{col['index']}"
            self.fields[name] = forms.ChoiceField(
                label=f"Cột {col['letter']}: {col.get('header') or '(không có tiêu đề)'}", choices=choices,
                required=False, initial=col.get("field") or SKIP,
            )
            self.fields[name].widget.attrs.update({"aria-label": f"Trường của cột {col['letter']}",
                                                   "data-column": col["letter"]})

    def rows(self) -> list[tuple[dict, forms.BoundField]]:
        """(column as read, its select) in file order, for the template's table."""
        return [(col, self[f"col_{col['index']}"]) for col in self.columns]

    def mapping(self) -> dict[str, str]:
        return {str(col["index"]): self.cleaned_data.get(f"col_{col['index']}") or SKIP for col in self.columns}


class ShareMappingForm(forms.Form):
    name = forms.CharField(label="Tên mẫu (nhà cung cấp phần mềm)", max_length=120,
                           widget=forms.TextInput(attrs={"placeholder": "Ví dụ: VNPT iGate, Viettel"}))
