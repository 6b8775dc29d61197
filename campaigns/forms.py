from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from organization.choices import PersonCategory, UnitKind
from organization.models import Unit

from .choices import DeadlineWording, MeasuredOn, RoundKind
from .models import AwardForm, Campaign, ContentItem, Criterion, ParticipantGroup, Quota, Round
from .services import issuer_problem, units_valid_between

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
#: What a date box accepts: the shown dd/mm/yyyy, or ISO from a browser's date picker.
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "code", "title", "kind", "issuing_unit", "parent", "doc_number", "doc_symbol", "doc_date", "doc_day_blank", "doc_place",
            "legal_basis", "purpose", "slogan", "start_date", "end_date", "funding_source", "dossier_components",
            "nomination_note", "signer_title", "signer_name",
        ]
        widgets = {"doc_date": DATE_WIDGET, "start_date": DATE_WIDGET, "end_date": DATE_WIDGET,
                   "legal_basis": forms.Textarea(attrs={"rows": 3}), "purpose": forms.Textarea(attrs={"rows": 3}),
                   "dossier_components": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Campaign.objects.for_user(user)
        for name in ("doc_date", "start_date", "end_date"):
            self.fields[name].input_formats = DATE_INPUTS
        self.fields["issuing_unit"].queryset = self._valid_issuers(Unit.objects.for_user(user))

    def _valid_issuers(self, units):
        """Only units that exist on the campaign's issue date (the posted one, the
        saved one, or today for a new campaign): no abolished district, no merged commune."""
        day = None
        for name in ("doc_date", "start_date"):
            raw = self.data.get(self.add_prefix(name)) if self.is_bound else None
            if raw:
                try:
                    day = self.fields[name].to_python(raw)
                except forms.ValidationError:
                    day = None
            day = day or getattr(self.instance, name, None)
            if day:
                break
        day = day or timezone.localdate()
        return units_valid_between(units, day, day)

    def clean(self):
        data = super().clean()
        problem = issuer_problem(data.get("issuing_unit"), data.get("doc_date") or data.get("start_date"))
        if problem:
            self.add_error("issuing_unit", problem)
        return data


def _formset(model, fields, widgets=None, extra=1, form=forms.ModelForm):
    return inlineformset_factory(Campaign, model, form=form, fields=fields, widgets=widgets or {}, extra=extra, can_delete=True)


class ParticipantGroupForm(forms.ModelForm):
    """Unit kinds and person categories are ticked, not typed as JSON."""

    unit_kinds = forms.MultipleChoiceField(label="Loại đơn vị được tham gia", choices=UnitKind.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    person_categories = forms.MultipleChoiceField(label="Đối tượng cá nhân được tham gia", choices=PersonCategory.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ParticipantGroup
        fields = ["order", "code", "name", "subject", "unit_kinds", "person_categories"]


class CriterionForm(forms.ModelForm):
    """To whom and when a criterion applies is ticked: the round kinds, unit kinds and
    person categories it binds (none ticked: all)."""

    round_kinds = forms.MultipleChoiceField(label="Chỉ áp dụng cho loại đợt xét", choices=RoundKind.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple)
    unit_kinds = forms.MultipleChoiceField(label="Chỉ áp dụng cho loại đơn vị", choices=UnitKind.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    person_categories = forms.MultipleChoiceField(label="Chỉ áp dụng cho đối tượng cá nhân", choices=PersonCategory.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Criterion
        fields = ["order", "code", "subject", "group", "content", "text", "kind", "requirement", "indicator_code",
                  "comparator", "threshold", "max_points", "evidence_required", "round_kinds", "unit_kinds",
                  "person_categories", "measured_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].required = False  # blank: each participant's own result

    def clean_measured_on(self) -> str:
        return self.cleaned_data.get("measured_on") or MeasuredOn.PARTICIPANT


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["order", "name", "kind", "period_start", "period_end", "nomination_deadline", "deadline_wording"]
        widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET, "nomination_deadline": DATE_WIDGET}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline_wording"].required = False  # blank: "đến hết ngày"

    def clean_deadline_wording(self) -> str:
        return self.cleaned_data.get("deadline_wording") or DeadlineWording.BY


SECTIONS = {
    "contents": ("Nội dung thi đua", _formset(ContentItem, ["order", "title", "description", "max_points"],
                                            {"description": forms.Textarea(attrs={"rows": 2})})),
    "groups": ("Nhóm đối tượng", _formset(ParticipantGroup, ParticipantGroupForm.Meta.fields, form=ParticipantGroupForm)),
    "criteria": ("Tiêu chí", _formset(Criterion, CriterionForm.Meta.fields, CriterionForm.Meta.widgets, form=CriterionForm)),
    "rounds": ("Đợt xét", _formset(Round, RoundForm.Meta.fields, RoundForm.Meta.widgets, form=RoundForm)),
    "award_forms": ("Hình thức khen thưởng", _formset(AwardForm, [
        "order", "name", "award_type", "issuer_title", "level", "authority", "authority_unit", "subject", "money_kind",
        "coefficient_override",
        "fixed_amount", "rank", "vote_threshold_percent", "secret_ballot"])),
}


def section_formset(section: str, campaign: Campaign, data=None):
    """The formset of one section of ``campaign``: groups and contents offered are
    the campaign's own, dates typed as dd/mm/yyyy."""
    formset = SECTIONS[section][1](data, instance=campaign, prefix=section)
    for form in formset.forms:
        if "group" in form.fields:
            form.fields["group"].queryset = campaign.groups.all()
        if "content" in form.fields:
            form.fields["content"].queryset = campaign.contents.all()
        for name in ("period_start", "period_end", "nomination_deadline"):
            if name in form.fields:
                form.fields[name].input_formats = DATE_INPUTS
        if "authority_unit" in form.fields:  # a higher authority is the issuer or one of its ancestors
            form.fields["authority_unit"].queryset = Unit.objects.filter(pk__in=campaign.issuing_unit.path_ids)
    return formset


class QuotaForm(forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["award_form", "group", "subject", "kind", "max_count", "percentage", "rounding", "percentage_base", "label", "note"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["award_form"].queryset = campaign.award_forms.all()
            self.fields["group"].queryset = campaign.groups.all()


QuotaFormSet = inlineformset_factory(Round, Quota, form=QuotaForm, extra=1, can_delete=True)
