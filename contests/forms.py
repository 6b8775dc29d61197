from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from organization.models import Unit

from .choices import EntryFormat
from .models import ContestSettings, RubricCriterion

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class ContestSettingsForm(forms.ModelForm):
    class Meta:
        model = ContestSettings
        fields = [
            "allow_article", "article_min_words", "article_max_words", "allow_video", "video_min_seconds",
            "video_max_seconds", "submission_start", "submission_end", "judging_deadline", "results_date",
            "min_entries_per_unit", "blind", "tie_rule",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("submission_start", "submission_end", "judging_deadline", "results_date"):
            self.fields[name].input_formats = DATE_INPUTS
            self.fields[name].widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class JudgingDeadlineForm(forms.Form):
    """A new judging deadline and why (``services.extend_judging_deadline``)."""

    until = forms.DateField(label="Hạn chấm thi mới", input_formats=DATE_INPUTS,
                            widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    reason = forms.CharField(label="Lý do gia hạn (lưu vào nhật ký)", max_length=500)


RubricFormSet = inlineformset_factory(
    ContestSettings, RubricCriterion, fields=["order", "name", "description", "weight", "max_score"],
    extra=1, can_delete=True,
)


class EntryForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị dự thi", queryset=None, empty_label=None)
    title = forms.CharField(label="Tiêu đề bài dự thi", max_length=500)
    format = forms.ChoiceField(label="Hình thức", choices=EntryFormat.choices)
    file = forms.FileField(
        label="Tệp bài dự thi",
        help_text="Bài viết: tệp .docx hoặc .pdf (số chữ được đếm từ nội dung tệp). Video: tệp .mp4 hoặc .mov.",
    )

    def __init__(self, *args, units=(), formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["format"].choices = [(f, EntryFormat(f).label) for f in formats]


class AuthorForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=200, required=False)
    position = forms.CharField(label="Chức vụ", max_length=200, required=False)
    workplace = forms.CharField(label="Đơn vị công tác", max_length=255, required=False)
    phone = forms.CharField(label="Số điện thoại", max_length=30, required=False)


AuthorFormSet = forms.formset_factory(AuthorForm, extra=3, max_num=10)
