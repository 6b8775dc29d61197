from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.errors import NotAllowed
from organization.choices import Role, UnitKind
from organization.models import Unit
from par_index import results, services
from par_index.models import Framework
from tests.conftest import make_user


def _snapshot(framework) -> list[tuple]:
    return [(i.code, i.kind, i.title, i.max_points, i.guidance, i.evidence_required, i.parent.code if i.parent else None,
             i.field.code) for i in framework.items.select_related("parent", "field").order_by("order")]


@pytest.fixture
def empty_framework(tree, staff):
    return services.create_framework(actor=staff, year=2023, level=UnitKind.COMMUNE, issuing_unit=tree["district"],
                                     name="Bộ chỉ số 2023")


def test_export_then_import_round_trip(framework, empty_framework, staff):
    framework.bands.filter(label="Tốt").update(min_score=Decimal("85"))
    data = services.export_framework(framework)
    assert services.import_framework(empty_framework, io.BytesIO(data), actor=staff) == 9
    assert _snapshot(empty_framework) == _snapshot(framework)
    assert [(b.min_score, b.label) for b in empty_framework.bands.all()] == [(b.min_score, b.label) for b in framework.bands.all()]
    assert empty_framework.max_total == Decimal("100")


def _workbook(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bộ chỉ số"
    ws.append(["Mã", "Cấp", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm điểm", "Bắt buộc tài liệu kiểm chứng"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _refusal(framework, staff, rows: list[list]) -> str:
    """The message refusing the import of ``rows``: every error of the file at once."""
    with pytest.raises(services.ParIndexError, match="Tệp có lỗi, chưa nhập gì") as exc:
        services.import_framework(framework, _workbook(rows), actor=staff)
    return str(exc.value)


def test_bad_row_refuses_the_whole_file_naming_row_and_column(framework, staff):
    before = _snapshot(framework)
    fw = Framework.objects.get(pk=framework.pk)
    # Not yet assessed: import replaces the items, unless the file is bad.
    message = _refusal(fw, staff, [
        ["1", "Lĩnh vực", "Chỉ đạo điều hành", 10, "", "Không"],
        ["1.1", "Tiêu chí", "Kế hoạch", 10, "", ""],
        ["1.1.1", "Tiêu chí thành phần", "Ban hành kế hoạch", "mười", "", "Có"],
        ["1.1.2", "", "", 0, "", "Không"],
        ["1.3.1", "", "Mồ côi", 1, "", "Không"],
    ])
    assert "Dòng 4, cột D (Điểm tối đa): “mười” không phải là số điểm." in message
    assert "Dòng 5, cột C (Nội dung): chưa có nội dung." in message
    assert "Dòng 6, cột A (Mã): chưa có mục cấp trên “1.3”" in message
    assert _snapshot(fw) == before  # nothing half-stored


def test_maxima_must_add_up(empty_framework, staff):
    wrong = _workbook([
        ["1", "Lĩnh vực", "Chỉ đạo điều hành", "22,5", "", ""],
        ["1.1", "Tiêu chí", "Kế hoạch", 20, "", ""],
        ["1.1.1", "Tiêu chí thành phần", "Ban hành kế hoạch", 20, "", "Có"],
    ])
    with pytest.raises(services.ParIndexError, match=r"Dòng 2, cột D \(Điểm tối đa\): điểm tối đa của lĩnh vực 1 là 22,5 "
                                                     r"nhưng tổng điểm tối đa các tiêu chí là 20"):
        services.import_framework(empty_framework, wrong, actor=staff)
    assert not empty_framework.items.exists()


def test_wrong_kind_and_duplicate_code(empty_framework, staff):
    message = _refusal(empty_framework, staff, [
        ["1", "Tiêu chí", "Chỉ đạo điều hành", 2, "", ""],
        ["1.1", "Tiêu chí", "Kế hoạch", 2, "", ""],
        ["1.1", "Tiêu chí", "Kế hoạch", 2, "", "Có lẽ"],
    ])
    assert "Dòng 2, cột B (Cấp): mã “1” là lĩnh vực nhưng ghi “Tiêu chí”." in message
    assert "Dòng 4, cột A (Mã): mã “1.1” bị trùng với dòng 3." in message
    assert "Dòng 4, cột F" in message


def test_import_refused_once_assessed_and_for_staff_of_another_district(framework, tree, staff, officer_a):
    data = services.export_framework(framework)
    other = Unit.objects.create(code="H-KHAC", name="UBND huyện Khác", kind=UnitKind.DISTRICT, parent=tree["province"])
    outsider = make_user("thidua_khac", other, Role.STAFF)
    with pytest.raises(NotAllowed, match="không có quyền"):
        services.import_framework(framework, io.BytesIO(data), actor=outsider)
    with pytest.raises(NotAllowed, match="không có quyền"):
        services.import_framework(framework, io.BytesIO(data), actor=officer_a)
    services.start_assessment(framework, tree["commune_a"], actor=staff)
    with pytest.raises(services.ParIndexError, match="đã có đơn vị tự đánh giá"):
        services.import_framework(framework, io.BytesIO(data), actor=staff)


def test_import_and_export_pages(client, empty_framework, framework, staff, officer_a):
    client.force_login(staff)
    exported = client.get(reverse("par_index:framework_export", args=[framework.pk]))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content))["Bộ chỉ số"]
    assert [c.value for c in sheet[2]][:4] == ["1", "Lĩnh vực", "Công tác chỉ đạo, điều hành CCHC", 60]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bo-chi-so.xlsx", exported.content)
    page = client.post(reverse("par_index:framework_import", args=[empty_framework.pk]), {"file": upload}, follow=True)
    assert "Đã nhập 9 mục" in page.content.decode()
    # An officer cannot import (the service refuses; message shown, nothing changed).
    client.force_login(officer_a)
    upload = SimpleUploadedFile("bo-chi-so.xlsx", _workbook([["1", "", "X", 1, "", ""]]).getvalue())
    client.post(reverse("par_index:framework_import", args=[empty_framework.pk]), {"file": upload})
    assert empty_framework.items.count() == 9


def test_not_a_spreadsheet(empty_framework, staff):
    with pytest.raises(services.ParIndexError, match="không phải là bảng tính"):
        services.import_framework(empty_framework, io.BytesIO(b"hello"), actor=staff)


def test_copy_framework_into_next_year(framework, staff, tree):
    framework.bands.filter(label="Khá").update(min_score=Decimal("70"))
    copy = services.copy_framework(framework, actor=staff, year=2022)
    assert copy.year == 2022 and copy.copied_from == framework and copy.name == "Bộ chỉ số CCHC cấp xã năm 2022"
    assert _snapshot(copy) == _snapshot(framework)
    assert {i.pk for i in copy.items.all()}.isdisjoint({i.pk for i in framework.items.all()})
    assert copy.classify(Decimal("69")) == "Trung bình"
    with pytest.raises(services.ParIndexError, match="Đã có bộ chỉ số năm 2022"):
        services.copy_framework(framework, actor=staff, year=2022)
    assert results.previous_framework(copy) == framework
