"""The fast paths of the dossier import give exactly what the row-by-row paths give.

The import checks a clean file set-wise over whole columns and transposes a
regular sheet in one go; the row-by-row passes run only when something is wrong
and word every message. These tests pin that the two agree, that every defect
sends the file down the row-by-row pass, and that the commit writes what was
validated (text with tabs, new lines and backslashes; a code inserted meanwhile).
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring.onestop import parsing, preview, validation
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus
from tests.onestop.helpers import D, catalog, dossier_file, dossier_row, xlsx


def _read(data: bytes) -> tuple[list[list[Any]], parsing.Located]:
    wb = parsing.open_workbook(data)
    loc, sheet = parsing.locate(wb, "dossiers")
    return sheet.to_python(skip_empty_area=False), loc


def _validate(unit, data: bytes, monkeypatch, *, row_path: bool, ctx_changes: dict | None = None):
    """validate_dossiers on this file, forcing the row-by-row pass or not; also
    returns what the set-wise check answered (None = "not clean")."""
    rows, loc = _read(data)
    ctx = preview.build_context(ImportBatch(unit=unit))
    for key, value in (ctx_changes or {}).items():
        setattr(ctx, key, value)
    answers: list[Any] = []
    real = validation._clean_dossiers

    def spy(out, ctx):
        answers.append(None if row_path else real(out, ctx))
        return answers[-1]

    monkeypatch.setattr(validation, "_clean_dossiers", spy)
    records, errors, total = validation.validate_dossiers(rows, loc, ctx)
    return records, errors, total, answers[0] if answers else "not reached"


@pytest.fixture
def district(tree):
    for key in ("district", "commune_a", "commune_b"):
        catalog(tree[key])
    return tree["district"]


def _varied_rows() -> list[list[Any]]:
    # At the column lengths (500, 100): stored whole; longer is a cell error (test_preview_commit).
    long_name = ("Thủ tục có tên rất dài " * 40)[:499] + "z"
    long_status = ("Đã trả kết quả " * 10)[:99] + "z"
    return [
        dossier_row("HS-01", unit="XA-A", channel="Trực tuyến", level="", received=D(2023, 3, 1)),  # level from catalogue
        dossier_row("HS-02", unit="XA-B", procedure="1.002", channel="Trực tiếp", level="", due=None),
        dossier_row("HS-03", unit="", procedure="1.003", channel="BCCI", level="Một phần", resolved=D(2023, 3, 4),
                    returned=D(2023, 3, 5), fee="Có", paid="Có", sat="Rất hài lòng"),
        dossier_row("HS-04", unit="UBND xã A", returned=D(2023, 3, 6), sat=2),  # returned without resolved
        dossier_row("HS-05", unit="xa-b", received="02/03/2023", due="2023-03-09", eres="x", ecert="1", post="Có", sat=1),
        [*dossier_row("HS-06", unit="XA-A", status=long_status)[:2], long_name,
         *dossier_row("HS-06", unit="XA-A", status=long_status)[3:]],
        dossier_row("  HS-07  ", unit="XA-A", channel="2", level="Toàn trình"),
    ]


@pytest.mark.django_db
def test_clean_file_set_wise_equals_row_by_row(district, monkeypatch):
    data = dossier_file(_varied_rows())
    fast, errors, total, answer = _validate(district, data, monkeypatch, row_path=False)
    assert errors.count == 0 and answer is not None, errors.items  # the set-wise check did decide
    slow, slow_errors, slow_total, _ = _validate(district, data, monkeypatch, row_path=True)
    assert slow_errors.count == 0
    assert fast == slow and total == slow_total == 7
    by_code = {r[0]: r for r in fast}
    assert by_code["HS-01"][6] == "full"  # online, level blank: the catalogue's
    assert by_code["HS-04"][9] == "2023-03-06"  # resolved = returned
    assert len(by_code["HS-06"][3]) == 500 and len(by_code["HS-06"][11]) == 100


DEFECTS: dict[str, tuple[list[Any], dict]] = {
    "duplicate code": (dossier_row("HS-01", unit="XA-A", channel="Trực tiếp"), {}),  # an identical repeat is collapsed
    "empty code": (dossier_row("", unit="XA-A"), {}),
    "long code": (dossier_row("H" * 81, unit="XA-A"), {}),
    "code of another unit": (dossier_row("HS-99", unit="XA-A"), {"foreign_codes": {"HS-99": "UBND xã khác"}}),
    "unknown unit": (dossier_row("HS-99", unit="XA-Z"), {}),
    "future receipt": (dossier_row("HS-99", unit="XA-A", received=D(2099, 1, 1), due=D(2099, 1, 2)), {}),
    "due before receipt": (dossier_row("HS-99", unit="XA-A", due=D(2023, 2, 27)), {}),
    "resolved before receipt": (dossier_row("HS-99", unit="XA-A", resolved=D(2023, 2, 27)), {}),
    "returned before receipt": (dossier_row("HS-99", unit="XA-A", returned=D(2023, 2, 27)), {}),
    "future resolution": (dossier_row("HS-99", unit="XA-A", resolved=D(2099, 1, 1)), {}),
    "future return": (dossier_row("HS-99", unit="XA-A", resolved=D(2023, 3, 5), returned=D(2099, 1, 1)), {}),
    "missing channel": (dossier_row("HS-99", unit="XA-A", channel=""), {}),
    "bad channel": (dossier_row("HS-99", unit="XA-A", channel="Fax"), {}),
    "missing procedure": (dossier_row("HS-99", unit="XA-A", procedure=""), {}),
    # A procedure no catalogue holds is registered, not refused (test_dossier_sanity): instead,
    # dates far from the file's others.
    "receipt far from the others": (dossier_row("HS-99", unit="XA-A", received=D(2019, 1, 1), due=D(2019, 1, 5)), {}),
    "due date far from the others": (dossier_row("HS-99", unit="XA-A", due=D(2031, 1, 1)), {}),
    "bad date": (dossier_row("HS-99", unit="XA-A", received="31/02/2023"), {}),
    "missing receipt": (dossier_row("HS-99", unit="XA-A", received=None, due=None), {}),
    "locked month of receipt": (dossier_row("HS-99", unit="XA-A", received=D(2023, 4, 3), due=D(2023, 4, 5)), {"lock": (2023, 4)}),
    "locked month of return": (dossier_row("HS-99", unit="XA-A", returned=D(2023, 4, 2)), {"lock": (2023, 4)}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_goes_to_the_row_pass_with_the_same_messages(defect, district, tree, monkeypatch):
    bad_row, changes = DEFECTS[defect]
    changes = dict(changes)
    if "lock" in changes:
        year, month = changes.pop("lock")
        changes["locks"] = {(tree["commune_a"].pk, D(year, month, 1)): "đã duyệt"}
    if "no_catalogue" in changes:  # the office inherits the district's catalogue: take it away
        office = tree[changes.pop("no_catalogue")]
        procedures = preview.build_context(ImportBatch(unit=district)).procedures
        changes["procedures"] = {**procedures, office.pk: {}}
    data = dossier_file([*_varied_rows(), bad_row])
    records, errors, _, answer = _validate(district, data, monkeypatch, row_path=False, ctx_changes=changes)
    slow, slow_errors, _, _ = _validate(district, data, monkeypatch, row_path=True, ctx_changes=changes)
    assert errors.count >= 1, defect
    assert answer in (None, "not reached")  # never "clean"
    assert errors.items == slow_errors.items and records == slow


@pytest.mark.parametrize("layout", ["regular", "total row", "blank row", "column numbers", "table from column C"])
def test_columns_of_the_body_equal_the_row_by_row_collection(layout):
    header = [c.label for c in parsing.DOSSIER_COLUMNS]
    body = [dossier_row(f"HS-{i}", unit="XA-A") for i in range(5)]
    if layout == "total row":
        body.insert(3, ["Tổng cộng", None, None])
    elif layout == "blank row":
        body.insert(2, [])
    elif layout == "column numbers":
        body.insert(0, [f"({i})" for i in range(1, len(header) + 1)])
    rows = [["DANH SÁCH HỒ SƠ"], header, *body]
    if layout == "table from column C":
        rows = [[None, None, *r] for r in rows]
    table, loc = _read(xlsx(rows))
    nums, columns = validation._collect_columns(table, loc)
    expected_nums, data = validation._collect_rows(table, loc)
    assert nums == expected_nums
    assert columns == validation._transpose(data)
    regular = validation._regular_body(table[loc.header_bottom + 1 :], loc) is not None
    assert regular == (layout in ("regular", "table from column C"))
    if layout == "total row":
        assert len(nums) == 3


# --- commit ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_text_with_tabs_new_lines_and_backslashes_is_stored_as_validated(officer_a, tree, submit, confirm):
    catalog(tree["commune_a"])
    name = "Cấp bản sao\ttrích lục\nhộ tịch \\ số 2"
    rows = [dossier_row("HS-\\1", status="Đang\txử lý"), dossier_row("HS-2")]
    rows[0][2] = name
    batch = confirm(submit(tree["commune_a"], "dossiers", dossier_file(rows), officer_a), officer_a)
    assert batch.status == ImportStatus.COMMITTED
    stored = Dossier.objects.get(code="HS-\\1")
    assert (stored.procedure_name, stored.status) == (name, "Đang\txử lý")
    assert stored.last_batch_id == batch.pk and stored.updated_at is not None
    # The same values in another file (other bytes): every row is "unchanged".
    again = submit(tree["commune_a"], "dossiers", dossier_file([*rows, dossier_row("HS-3")]), officer_a)
    assert (again.counts["new"], again.counts["unchanged"], again.counts["updated"]) == (1, 2, 0)


@pytest.mark.django_db
def test_unchanged_compares_stored_values_whoever_wrote_them(officer_a, tree, submit):
    catalog(tree["commune_a"])
    Dossier.objects.create(
        code="HS-1", unit=tree["commune_a"], procedure_code="1.001", procedure_name="Thủ tục thử", field="Hộ tịch",
        channel="online", online_level="full", received_on=D(2023, 3, 1), due_on=D(2023, 3, 5),
    )
    same = submit(tree["commune_a"], "dossiers", dossier_file([dossier_row("HS-1")]), officer_a)
    assert (same.counts["unchanged"], same.counts["updated"]) == (1, 0)
    later = submit(tree["commune_a"], "dossiers", dossier_file([dossier_row("HS-1", resolved=D(2023, 3, 4))]), officer_a,
                   name="khac.xlsx")
    assert (later.counts["unchanged"], later.counts["updated"]) == (0, 1)


@pytest.mark.django_db
def test_code_inserted_between_preview_and_confirm_goes_through_the_upsert(officer_a, tree, submit, confirm):
    catalog(tree["commune_a"])
    rows = [dossier_row("HS-1", resolved=D(2023, 3, 4), returned=D(2023, 3, 5)), dossier_row("HS-2")]
    batch = submit(tree["commune_a"], "dossiers", dossier_file(rows), officer_a)
    assert batch.counts["new"] == 2
    # Written by something other than an upload, so the plan is not made again:
    # the plain insert meets the code, rolls back to its savepoint, and upserts.
    Dossier.objects.create(
        code="HS-1", unit=tree["commune_a"], procedure_code="1.001", channel="online", received_on=D(2023, 3, 1),
    )
    batch = confirm(batch, officer_a)
    assert batch.status == ImportStatus.COMMITTED
    assert Dossier.objects.count() == 2
    assert Dossier.objects.get(code="HS-1").returned_on == D(2023, 3, 5)  # a later stage: the upload wins
