"""django-import-export resources: units and people as xlsx in the admin.

Rows are matched by code, so an exported file re-imports without change, and a
file with one bad row is refused whole (the admin's dry run shows the row number).
"""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import BooleanWidget, DateWidget, ForeignKeyWidget

from core.exports import safe_cell, unescape_cell

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


def _field(name: str, widget=None) -> fields.Field:
    """A column named like the model field it fills."""
    return fields.Field(attribute=name, column_name=name, widget=widget)


def _date(name: str) -> fields.Field:
    return _field(name, DateWidget("%d/%m/%Y"))


def _flag(name: str) -> fields.Field:
    return _field(name, BooleanWidget())


def _unit(name: str) -> fields.Field:
    return _field(name, StrictForeignKeyWidget(Unit, "code"))


class AllOrNothingResource(resources.ModelResource):
    """One bad row refuses the whole file: valid rows are rolled back too. Rows are
    matched by ``code``; an unchanged row is skipped (and reported)."""

    class Meta:
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # Every admin export format (xlsx, csv, …): imported text such as "=HYPERLINK(…)"
        # or "+84…" must not run as a formula in a spreadsheet (formula injection).
        return safe_cell(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        # A file this admin exported re-imports unchanged: drop the escaping apostrophe.
        for key, value in row.items():
            row[key] = unescape_cell(value)
        super().before_import_row(row, **kwargs)


class UnitResource(AllOrNothingResource):
    code = _field("code")
    kind = _field("kind", ChoiceCodeWidget(UnitKind.choices, "Loại đơn vị"))
    parent = _unit("parent")
    valid_from = _date("valid_from")
    valid_until = _date("valid_until")
    is_active = _flag("is_active")
    is_demo = _flag("is_demo")

    class Meta(AllOrNothingResource.Meta):
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "place_name", "valid_from", "valid_until", "is_active", "is_demo", "sort_order", "email"]
        export_order = fields

    def get_export_queryset(self, request=None):
        # Parents before children so that the file re-imports in one pass.
        return Unit.objects.select_related("parent").order_by("path")


class PersonResource(AllOrNothingResource):
    unit = _unit("unit")
    gender = _field("gender", ChoiceCodeWidget(Gender.choices, "Giới tính"))
    category = _field("category", ChoiceCodeWidget(PersonCategory.choices, "Đối tượng"))
    birth_date = _date("birth_date")
    is_head = _flag("is_head")
    is_demo = _flag("is_demo")

    class Meta(AllOrNothingResource.Meta):
        model = Person
        fields = ["code", "full_name", "gender", "birth_date", "category", "position", "unit", "rank", "is_head", "phone", "email", "is_demo"]
        export_order = fields

    def get_export_queryset(self, request=None):
        return Person.objects.select_related("unit").order_by("code")
