"""Acceptance 4: units/people xlsx exported from the admin re-import without change;
a bad row is reported with its row number and nothing is written."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import tablib

from organization.models import Person, Unit
from organization.resources import PersonResource, UnitResource


def export_xlsx(resource) -> bytes:
    return resource.export().export("xlsx")


def load_xlsx(data: bytes) -> tablib.Dataset:
    return tablib.Dataset().load(io.BytesIO(data), format="xlsx")


def test_admin_export_then_import_is_a_no_op(admin_client, tree, person_a, person_b):
    response = admin_client.post("/quan-tri/organization/unit/export/", {"format": "1", "resource": "0",
                                                                        **{f"unitresource_{f}": "on" for f in UnitResource._meta.fields}})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = response.content
    before = list(Unit.objects.order_by("code").values())
    result = UnitResource().import_data(load_xlsx(data), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert list(Unit.objects.order_by("code").values()) == before


def test_people_round_trip(tree, person_a, person_b):
    data = export_xlsx(PersonResource())
    before = list(Person.objects.order_by("code").values())
    result = PersonResource().import_data(load_xlsx(data), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert list(Person.objects.order_by("code").values()) == before


def test_bad_row_reported_with_number_and_nothing_written(tree):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "short_name", "kind", "parent", "place_name", "valid_from", "valid_until", "is_active", "is_demo", "sort_order", "email"])
    ws.append(["XA-C", "UBND xã C", "", "commune", "H-DEMO", "", "", "", "1", "0", "0", ""])
    ws.append(["XA-D", "UBND xã D", "", "lang", "H-DEMO", "", "", "", "1", "0", "0", ""])
    ws.append(["XA-E", "UBND xã E", "", "commune", "KHONG-CO", "", "", "", "1", "0", "0", ""])
    buf = io.BytesIO()
    wb.save(buf)
    count = Unit.objects.count()
    result = UnitResource().import_data(load_xlsx(buf.getvalue()), dry_run=False)
    assert result.has_validation_errors()
    by_row = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(by_row) == {2, 3}
    assert "Loại đơn vị 'lang' không hợp lệ" in str(by_row[2]["kind"])
    assert "Không tìm thấy đơn vị có mã 'KHONG-CO'" in str(by_row[3]["parent"])
    assert Unit.objects.count() == count  # the valid first row was not written either


def test_admin_import_page_shows_row_number(admin_client, tree):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "kind", "parent"])
    ws.append(["XA-F", "UBND xã F", "sai-loai", "H-DEMO"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "don-vi.xlsx"
    formats = [f().get_title() for f in UnitResource().get_import_formats()] if hasattr(UnitResource, "get_import_formats") else []
    from import_export.admin import ImportMixin  # noqa: F401 - the admin's own import form

    response = admin_client.get("/quan-tri/organization/unit/import/")
    assert response.status_code == 200
    form = response.context["form"]
    xlsx_choice = next(value for value, label in form.fields["format"].choices if "xlsx" in str(label).lower())
    response = admin_client.post("/quan-tri/organization/unit/import/",
                                 {"import_file": buf, "format": xlsx_choice, "resource": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "sai-loai" in html and "không hợp lệ" in html
    assert "Một số dòng có lỗi" in html
    # The admin's validation table lists the data row number of the bad row.
    assert re.search(r"<td>\s*1\s*</td>", html)
    assert not Unit.objects.filter(code="XA-F").exists()
    assert formats is not None


@pytest.fixture
def admin_client(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.com", "matkhau-qt-123")
    client.force_login(admin)
    return client
