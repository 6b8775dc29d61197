"""django-import-export resources: units and people as xlsx in the admin.

Rows are matched by code, so an exported file re-imports without change, and a
file with one bad row is refused whole (the admin's dry run shows the row number).
"""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import BooleanWidget, DateWidget, ForeignKeyWidget

from .choices import Gender, PersonCategory, UnitKind
from .models import Person, Unit


class ChoiceCodeWidget(ForeignKeyWidget):
    """Accepts a choice's code; refuses anything else with a Vietnamese message."""

    def __init__(self, choices, label: str):
        self.choices = dict(choices)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if value not in self.choices:
            allowed = ", ".join(self.choices)
            raise ValueError(f"{self.label} '{value}' không hợp lệ (chọn một trong: {allowed}).")
        return value

    def render(self, value, obj=None, **kwargs):
        return value or ""


class StrictForeignKeyWidget(ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(f"Không tìm thấy {self.model._meta.verbose_name} có mã '{value}'.") from exc


class AllOrNothingResource(resources.ModelResource):
    """One bad row refuses the whole file: valid rows are rolled back too."""

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class UnitResource(AllOrNothingResource):
    code = fields.Field(attribute="code", column_name="code")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceCodeWidget(UnitKind.choices, "Loại đơn vị"))
    parent = fields.Field(attribute="parent", column_name="parent", widget=StrictForeignKeyWidget(Unit, "code"))
    valid_from = fields.Field(attribute="valid_from", column_name="valid_from", widget=DateWidget("%d/%m/%Y"))
    valid_until = fields.Field(attribute="valid_until", column_name="valid_until", widget=DateWidget("%d/%m/%Y"))
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=BooleanWidget())
    is_demo = fields.Field(attribute="is_demo", column_name="is_demo", widget=BooleanWidget())

    class Meta:
        model = Unit
        import_id_fields = ["code"]
        fields = ["code", "name", "short_name", "kind", "parent", "place_name", "valid_from", "valid_until", "is_active", "is_demo", "sort_order", "email"]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def get_export_queryset(self, request=None):
        # Parents before children so that the file re-imports in one pass.
        return Unit.objects.select_related("parent").order_by("path")


class PersonResource(AllOrNothingResource):
    unit = fields.Field(attribute="unit", column_name="unit", widget=StrictForeignKeyWidget(Unit, "code"))
    gender = fields.Field(attribute="gender", column_name="gender", widget=ChoiceCodeWidget(Gender.choices, "Giới tính"))
    category = fields.Field(attribute="category", column_name="category", widget=ChoiceCodeWidget(PersonCategory.choices, "Đối tượng"))
    birth_date = fields.Field(attribute="birth_date", column_name="birth_date", widget=DateWidget("%d/%m/%Y"))
    is_head = fields.Field(attribute="is_head", column_name="is_head", widget=BooleanWidget())
    is_demo = fields.Field(attribute="is_demo", column_name="is_demo", widget=BooleanWidget())

    class Meta:
        model = Person
        import_id_fields = ["code"]
        fields = ["code", "full_name", "gender", "birth_date", "category", "position", "unit", "rank", "is_head", "phone", "email", "is_demo"]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def get_export_queryset(self, request=None):
        return Person.objects.select_related("unit").order_by("code")
