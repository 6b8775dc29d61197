"""The monthly report (Biểu II.06a) in the shapes that exist (issue 15, part 5).

Unit tests of ``scoring.onestop.reports`` and ``validation.validate_report`` on
row lists, then the import service on real case files (``tests/data/onestop_cases``):
the period stored, rows left out listed, a unit outside the uploader's subtree refused.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from organization.choices import Role, UnitKind
from organization.models import Unit
from scoring.onestop import legacy_fonts, reports, services
from scoring.onestop.models import ImportKind, ImportStatus, MonthlyReport
from scoring.onestop.parsing import Located, fold
from scoring.onestop.validation import Context, validate_report
from tests.conftest import make_user
from tests.onestop.helpers import upload

D = datetime.date
CASES = Path(__file__).resolve().parent.parent / "data" / "onestop_cases"

# --- a hand-made context: a district and its communes -------------------------------------------

UNITS = {
    1: ("QT-DAKRONG", "UBND huyện Đakrông", "Đakrông"),
    2: ("QT-DAKRONG-KRONGKLANG", "UBND thị trấn Krông Klang", "Krông Klang"),
    3: ("QT-DAKRONG-MOO", "UBND xã Mò Ó", "Mò Ó"),
    4: ("QT-DAKRONG-HUONGHIEP", "UBND xã Hướng Hiệp", "Hướng Hiệp"),
}


TODAY = D(2026, 11, 30)


def context(units=UNITS, default_month=None, today=TODAY) -> Context:
    keys: dict[str, int] = {}
    for i, (_code, name, short) in units.items():
        for k in (name, short):
            keys.setdefault(fold(k), i)
    for i, (code, _n, _s) in units.items():
        keys[fold(code)] = i
    return Context(1, units[1][1], keys, {i: u[1] for i, u in units.items()}, {}, {}, today, default_month)


FORM_KEYS = ["received_total", "received_online", "received_direct_postal", "carried_over", "resolved_total",
             "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_in_time", "pending_overdue"]
KK = [1569, 1234, 310, 25, 1544, 900, 640, 4, 25, 20, 5]
MO = [128, 85, 40, 3, 120, 60, 58, 2, 8, 6, 2]
HH = [113, 52, 61, 0, 106, 30, 75, 1, 7, 7, 0]
TOTAL = [a + b + c for a, b, c in zip(KK, MO, HH, strict=True)]


def one_row_header(title: str = "Kỳ báo cáo: Tháng 10 năm 2026", keys=FORM_KEYS):
    """Rows: title, blank, header (STT, Đơn vị, the counts); the Located of it."""
    rows = [[title], [], ["STT", "Đơn vị", *keys]]
    loc = Located(0, "Sheet", 2, 2, {"unit": 1, **{k: 2 + i for i, k in enumerate(keys)}}, [], title_text=title)
    return rows, loc


def run(rows, loc, ctx=None):
    reading: dict = {}
    records, errors, total = validate_report(rows, loc, ctx or context(), reading)
    return records, errors, total, reading


def figures(records):
    on = sum(r["received_online"] for r in records)
    rec = sum(r["received_online"] + r["received_direct_postal"] for r in records)
    on_time = sum(r["resolved_early"] + r["resolved_on_time"] for r in records)
    res = sum(r["resolved_total"] for r in records)
    late = sum(r["resolved_late"] + r["pending_overdue"] for r in records)
    return [on, rec], [on_time, res], late


# --- rows left out ---------------------------------------------------------------------------------


def test_total_group_subtotal_notes_and_signature_are_left_out_and_listed():
    rows, loc = one_row_header()
    sub = [a + b for a, b in zip(MO, HH, strict=True)]
    rows += [
        ["(1)", "(2)", *[f"({i})" for i in range(3, 14)]],
        ["I", "Cấp huyện và thị trấn"],  # group heading, no figures
        [1, "UBND thị trấn Krông Klang", *KK],
        ["II", "Khối A", *sub],  # named by nothing: a subtotal by arithmetic (rows under it)
        [2, "UBND xã Mò Ó", *MO],
        [3, "UBND xã Hướng Hiệp", *HH],
        ["", "Cộng cấp xã", *sub],  # group row by wording
        ["", "Toàn huyện", *TOTAL],  # total by wording
        [],
        ["Ghi chú: số liệu lấy từ Hệ thống thông tin giải quyết TTHC tỉnh."],
        ["", "Người lập biểu", "", "", "", "", "", "", "", "Thủ trưởng đơn vị"],
        ["", "(Ký, ghi rõ họ tên)", "", "", "", "", "", "", "", "(Ký tên, đóng dấu)"],
        ["", "Lê Văn C", "", "", "", "", "", "", "", "Phạm Thị D"],
    ]
    records, errors, total, reading = run(rows, loc)
    assert errors.items == []
    assert total == 3
    assert figures(records) == ([1371, 1782], [1763, 1770], 14)
    left = {r["row"]: r["reason"] for r in reading["left_out_rows"]}
    assert left == {
        4: "dòng đánh số cột (1), (2), (3)…",
        5: "dòng tên nhóm (không có số liệu)",
        7: "dòng cộng: bằng tổng các dòng 8–9 ở dưới",
        10: "dòng cộng nhóm",
        11: "dòng tổng cộng",
        13: "ghi chú dưới bảng",
        14: "khối chữ ký dưới bảng", 15: "khối chữ ký dưới bảng", 16: "khối chữ ký dưới bảng",
    }
    assert all(r["text"] for r in reading["left_out_rows"])
    assert reading["warnings"] == []


def test_subtotal_below_its_rows_found_by_arithmetic():
    rows, loc = one_row_header()
    sub = [a + b for a, b in zip(MO, HH, strict=True)]
    rows += [[1, "UBND xã Mò Ó", *MO], [2, "UBND xã Hướng Hiệp", *HH], ["", "Khối B", *sub],
             [3, "UBND thị trấn Krông Klang", *KK]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert len(records) == 3
    assert reading["left_out_rows"] == [
        {"row": 6, "reason": "dòng cộng: bằng tổng các dòng 4–5 ở trên", "text": f"Khối B | {' | '.join(map(str, sub))}"}]


def test_no_total_row_then_signature_r06_shape():
    rows, loc = one_row_header()
    rows += [[1, "UBND thị trấn Krông Klang", *KK], [2, "UBND xã Mò Ó", *MO], [3, "UBND xã Hướng Hiệp", *HH], [], [],
             ["", "Đơn vị", "", "", "", "", "", "", "", "Krông Klang, ngày 05 tháng 11 năm 2026"],
             ["", "Người lập biểu"]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == [] and len(records) == 3
    assert [r["row"] for r in reading["left_out_rows"]] == [9, 10]


def test_total_row_that_disagrees_with_the_units_is_a_warning():
    rows, loc = one_row_header()
    wrong = [*TOTAL[:-1], TOTAL[-1] + 1]
    rows += [[1, "UBND thị trấn Krông Klang", *KK], [2, "UBND xã Mò Ó", *MO], [3, "UBND xã Hướng Hiệp", *HH],
             ["", "Tổng cộng", *wrong]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == [] and len(records) == 3
    assert any(w.startswith("Dòng 7 (tổng cộng) không bằng tổng các dòng đơn vị") for w in reading["warnings"])


def test_a_unit_row_with_an_unknown_name_is_an_error_not_a_silent_group():
    rows, loc = one_row_header()
    rows += [[1, "UBND xã Không Có", *MO]]
    _, errors, _, reading = run(rows, loc)
    assert errors.items[0]["message"] == (
        "Dòng 4, cột 'Đơn vị': đơn vị “UBND xã Không Có” không thuộc UBND huyện Đakrông hoặc không có trong danh mục đơn vị")
    assert reading["left_out_rows"] == []


# --- unit names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "UBND xã Mò Ó", "Xã Mò Ó", "xã Mò Ó", "X. Mò Ó", "UBND xa Mo O", "MÒ Ó", "Ủy ban nhân dân xã Mò Ó",
    "Xã Mò Ó (huyện Đakrông)", "QT-DAKRONG-MOO", "qt-dakrong-moo", "UBND xã Mò Ó, huyện Đakrông", "Xã Mò Ó - Đakrông",
    "2. UBND xã Mò Ó", "b) Xã Mò Ó",
])
def test_unit_names_through_prefixes_brackets_diacritics_codes(written):
    ctx = context()
    matcher = reports.UnitMatcher(ctx.units, ctx.unit_labels, fold)
    assert matcher.match(written).unit_id == 3


@pytest.mark.parametrize("written", ["TT. Krông Klang", "Thị trấn Krông Klang", "thi tran Krong Klang", "TT Krông Klang"])
def test_town_prefixes(written):
    ctx = context()
    assert reports.UnitMatcher(ctx.units, ctx.unit_labels, fold).match(written).unit_id == 2


def test_ambiguous_name_names_the_candidates_and_the_row():
    # Without short names (a registry short name is an exact alias and would decide).
    units = {**UNITS, 3: ("QT-DAKRONG-MOO", "UBND xã Mò Ó", ""), 5: ("QT-DAKRONG-PMOO", "UBND phường Mò Ó", "")}
    rows, loc = one_row_header()
    rows += [[1, "Mò Ó", *MO], [2, "Phường Mò Ó", *MO]]
    records, errors, _, _ = run(rows, loc, context(units))
    assert [e["message"] for e in errors.items] == [
        "Dòng 4, cột 'Đơn vị': tên đơn vị “Mò Ó” khớp nhiều đơn vị: UBND phường Mò Ó; UBND xã Mò Ó. "
        "Hãy ghi mã đơn vị hoặc tên đầy đủ như trong danh mục"]
    assert [r["unit_id"] for r in records] == [5]


def test_a_commune_kind_does_not_match_a_ward_of_the_same_name():
    units = {1: UNITS[1], 5: ("QT-P1", "UBND phường Đông Lễ", "")}
    ctx = context(units)
    matcher = reports.UnitMatcher(ctx.units, ctx.unit_labels, fold)
    assert matcher.match("Xã Đông Lễ").unit_id is None
    assert matcher.match("P. Đông Lễ").unit_id == 5


# --- counts, stand-in and percentage columns ---------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [
    ("1.569", 1569), ("1,569", 1569), ("1\u00a0569", 1569), ("1\u202f569", 1569), ("1 569", 1569), ("12.345.678", 12345678),
    (1569.0, 1569), (7, 7), ("  42 ", 42), ("", None), (None, None), ("-", None),
])
def test_counts_typed_as_text(raw, value):
    assert reports.to_count(raw) == value


@pytest.mark.parametrize(("raw", "message"), [
    (99.74, "“99,74” không phải là số nguyên (số hồ sơ)"), ("99,74%", "“99,74%” là tỷ lệ phần trăm, không phải số hồ sơ"),
    ("1.56", "“1.56” không phải là số nguyên"), (-3, "số âm (-3) không hợp lệ"),
])
def test_counts_refused(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        reports.to_count(raw)


def test_direct_and_postal_in_two_columns_are_summed():
    keys = ["received_total", "received_online", "received_direct", "postal_received", "carried_over", *FORM_KEYS[4:]]
    rows, loc = one_row_header(keys=keys)
    rows += [[1, "UBND xã Mò Ó", 128, 85, 30, 10, 3, *MO[4:]]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert records[0]["received_direct_postal"] == 40 and records[0]["postal_received"] == 10
    assert "received_direct" not in records[0]
    assert reading["warnings"] == [
        "Cột 'Tiếp nhận trong kỳ: Trực tiếp (tách riêng)' và 'Tiếp nhận qua BCCI' được cộng lại thành "
        "'Tiếp nhận trong kỳ: Trực tiếp, bưu chính' (Biểu II.06a)."]


def test_combined_early_on_time_column_and_percentage_columns():
    keys = [*FORM_KEYS[:5], "resolved_within_time", "resolved_on_time", "resolved_late", *FORM_KEYS[8:]]
    rows, loc = one_row_header(keys=keys)
    # The matcher took the percentage column for "Đúng hạn": the header says otherwise.
    loc.matches = {8: _Match("Đã giải quyết / Tỉ lệ trước, đúng hạn (%)"), 7: _Match("Đã giải quyết / Trước hạn, đúng hạn")}
    rows += [[1, "UBND thị trấn Krông Klang", *KK[:5], 1540, 99.74, 4, *KK[8:]],
             [2, "UBND xã Mò Ó", *MO[:5], 118, 98.33, 2, *MO[8:]],
             [3, "UBND xã Hướng Hiệp", *HH[:5], 105, 99.06, 1, *HH[8:]]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert figures(records) == ([1371, 1782], [1763, 1770], 14)
    assert {r["resolved_early"] for r in records} == {0}
    assert reading["warnings"][0] == (
        "Cột “Đã giải quyết / Tỉ lệ trước, đúng hạn (%)” là tỷ lệ phần trăm, không phải số hồ sơ: không ghép vào "
        "“Đã giải quyết: Đúng hạn”.")
    assert any("không tách được 'Đã giải quyết: Trước hạn'" in w for w in reading["warnings"])


class _Match:
    def __init__(self, header: str) -> None:
        self.header = header


def test_statistics_vocabulary_without_online_split_is_refused():
    keys = ["carried_over", "received_total", "resolved_total", "resolved_late", "pending_total", "pending_overdue"]
    rows, loc = one_row_header(keys=keys)
    rows += [[1, "UBND xã Mò Ó", 3, 128, 120, 2, 8, 2]]
    records, errors, total, _ = run(rows, loc)
    assert records == [] and total == 0
    message = errors.items[0]["message"]
    assert message.startswith("Báo cáo không tách số hồ sơ tiếp nhận trực tuyến với trực tiếp, bưu chính (cột (4) và (5)")
    assert "“Tiếp nhận trong kỳ: Trực tuyến”, “Tiếp nhận trong kỳ: Trực tiếp, bưu chính”" in message


# --- formulas saved without their results --------------------------------------------------------------


class _Book:
    def __init__(self, formulas):
        self.formulas = formulas

    def unfilled_formulas(self, index):
        return self.formulas


def _formula_rows():
    rows, loc = one_row_header()
    for n, (name, f) in enumerate((("UBND thị trấn Krông Klang", KK), ("UBND xã Mò Ó", MO), ("UBND xã Hướng Hiệp", HH)), 1):
        rows.append([n, name, "", *f[1:4], "", *f[5:8], "", *f[9:]])
    return rows, loc


def test_plain_sum_formulas_without_results_are_computed_and_said():
    rows, loc = _formula_rows()
    formulas = {}
    for r in (3, 4, 5):  # 0-based rows of the three units; spreadsheet rows 4–6
        formulas[(r, 2)] = f"=D{r + 1}+E{r + 1}+F{r + 1}"
        formulas[(r, 6)] = f"=SUM(H{r + 1}:J{r + 1})"
        formulas[(r, 10)] = f"=SUM(L{r + 1},M{r + 1})"
    loc.book = _Book(formulas)
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert figures(records) == ([1371, 1782], [1763, 1770], 14)
    assert [r["received_total"] for r in records] == [1569, 128, 113]
    assert ("Dòng 4–6, cột 'Tiếp nhận: Tổng số': ô công thức chưa lưu kết quả tính; đã tính lại đúng công thức của ô "
            "(tổng các cột thành phần). Nên mở tệp bằng Excel/LibreOffice và lưu lại.") in reading["warnings"]


def test_other_formulas_without_results_are_refused_with_the_way_out():
    rows, loc = _formula_rows()
    loc.book = _Book({
        (3, 2): "=D4+E4", (3, 6): "=SUM(H4:J4)", (3, 10): "=L4+M4",  # row 4: not the sum of the form's parts
        (4, 2): "=D5+E5+F5", (4, 6): "=H5+I5+J5", (4, 10): "=L5+M5",  # row 5: plain sums
    })  # row 6: blanks typed by hand
    _, errors, _, _ = run(rows, loc)
    messages = [e["message"] for e in errors.items]
    assert ("Dòng 4, cột 'Tiếp nhận: Tổng số': ô có công thức nhưng tệp không lưu kết quả tính, nên không "
            "đọc được số — không coi là 0. Hãy mở bằng Excel/LibreOffice và lưu lại rồi tải lên.") in messages
    # A blank typed by hand is not a formula: it stays an error, never a computed sum.
    assert "Dòng 6, cột 'Tiếp nhận: Tổng số': ô bỏ trống; nếu không có hồ sơ hãy ghi 0" in messages
    assert not any(m.startswith("Dòng 5") for m in messages)


# --- the period ------------------------------------------------------------------------------------------


def test_period_15th_to_14th_is_the_month_it_ends_in():
    p = reports.detect_period("(Số liệu từ ngày 15/09/2026 đến ngày 14/10/2026)")
    assert (p.month, p.start, p.end) == (D(2026, 10, 1), D(2026, 9, 15), D(2026, 10, 14))
    assert "Nghị định 09/2019/NĐ-CP, Điều 12 khoản 1" in p.why
    december = reports.detect_period("Từ 15/12/2025 - 14/01/2026")
    assert december.month == D(2026, 1, 1)


@pytest.mark.parametrize(("title", "month", "start"), [
    ("Từ ngày 01/10/2026 đến ngày 31/10/2026", D(2026, 10, 1), D(2026, 10, 1)),
    ("từ ngày 20/9/2026 đến ngày 19/10/2026", D(2026, 10, 1), D(2026, 9, 20)),
    ("Kỳ báo cáo: Tháng 10 năm 2026", D(2026, 10, 1), None),
    ("KẾT QUẢ GIẢI QUYẾT HỒ SƠ THÁNG 10/2026", D(2026, 10, 1), None),
    ("Kỳ báo cáo: 10/2026", D(2026, 10, 1), None),
])
def test_period_wordings(title, month, start):
    p = reports.detect_period(title)
    assert (p.month, p.start) == (month, start)


def test_a_span_that_is_not_a_month_is_refused():
    with pytest.raises(reports.PeriodError, match=r"15/07/2026–14/10/2026 \(92 ngày\), không phải một tháng"):
        reports.detect_period("Số liệu từ ngày 15/07/2026 đến ngày 14/10/2026")
    assert reports.detect_period("Biểu số II.06a/VPCP/KSTT") is None


def test_title_month_against_the_month_chosen_at_upload():
    rows, loc = one_row_header("(Số liệu từ ngày 15/08/2026 đến ngày 14/09/2026)")
    rows += [[1, "UBND xã Mò Ó", *MO]]
    _, errors, _, _ = run(rows, loc, context(default_month=D(2026, 10, 1)))
    assert errors.items[0]["message"] == (
        "Tiêu đề ghi báo cáo tháng 09/2026 nhưng tháng chọn khi tải lên là 10/2026: hãy kiểm tra tệp (có phải "
        "báo cáo của tháng khác?) hoặc chọn lại tháng.")


def test_period_is_stated_on_records_and_reading():
    rows, loc = one_row_header("(Số liệu từ ngày 15/09/2026 đến ngày 14/10/2026)")
    rows += [[1, "UBND xã Mò Ó", *MO]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert (records[0]["month"], records[0]["period_start"], records[0]["period_end"]) == (
        D(2026, 10, 1), "2026-09-15", "2026-10-14")
    assert reading["period"]["start"] == "2026-09-15" and reading["period"]["month"] == "2026-10-01"


def test_month_column_disagreeing_with_the_title_names_the_row():
    keys = ["month", *FORM_KEYS]
    rows, loc = one_row_header(keys=keys)
    loc.columns = {"unit": 1, "month": 2, **{k: 3 + i for i, k in enumerate(FORM_KEYS)}}
    rows += [[1, "UBND xã Mò Ó", D(2026, 9, 1), *MO]]
    _, errors, _, _ = run(rows, loc)
    assert errors.items[0]["message"] == "Dòng 4, cột 'Tháng báo cáo': tháng 09/2026 khác tháng ghi ở tiêu đề (10/2026)"


# --- legacy font ------------------------------------------------------------------------------------------


def test_tcvn3_rows_are_converted_and_said():
    rows = [["STT", "§¬n vÞ", "Tæng sè", "Trong kú", "Tõ kú tr\xadíc"], ["", "UBND xã Mò Ó", "Mò Ó"]]
    changed = legacy_fonts.fix_rows(rows)
    assert rows == [["STT", "Đơn vị", "Tổng số", "Trong kỳ", "Từ kỳ trước"], ["", "UBND xã Mò Ó", "Mò Ó"]]
    assert len(changed) == 4
    assert legacy_fonts.warning(changed).startswith("4 ô (dòng 1) gõ bằng phông chữ cũ .VnTime")
    assert not legacy_fonts.is_tcvn3("Quá hạn") and not legacy_fonts.is_tcvn3("Mò Ó")


# --- through the import service -----------------------------------------------------------------------------


@pytest.fixture
def dakrong(db):
    district = Unit.objects.create(code="QT-DAKRONG", name="UBND huyện Đakrông", kind=UnitKind.DISTRICT, place_name="Đakrông")
    communes = {
        code: Unit.objects.create(code=code, name=name, kind=UnitKind.COMMUNE, parent=district, place_name=place)
        for code, name, place in (
            ("QT-DAKRONG-KRONGKLANG", "UBND thị trấn Krông Klang", "Krông Klang"),
            ("QT-DAKRONG-MOO", "UBND xã Mò Ó", "Mò Ó"),
            ("QT-DAKRONG-HUONGHIEP", "UBND xã Hướng Hiệp", "Hướng Hiệp"),
        )
    }
    staff = make_user("thidua_dakrong", district, Role.STAFF)
    return district, communes, staff


def _import(unit, actor, name, capture, confirm=True):
    with capture(execute=True):
        batch = services.create_batch(unit, ImportKind.REPORT, upload((CASES / name).read_bytes(), name), actor=actor)
    batch.refresh_from_db()
    if confirm and batch.status == ImportStatus.READY:
        with capture(execute=True):
            services.confirm_batch(batch, actor=actor, accept_gaps=True)
        batch.refresh_from_db()
    return batch


def test_r05_stores_the_october_report_with_its_data_period(dakrong, django_capture_on_commit_callbacks):
    district, communes, staff = dakrong
    batch = _import(district, staff, "R05-title-period-15th-to-14th.xlsx", django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    reports_ = MonthlyReport.objects.filter(unit__in=communes.values())
    assert {(r.month, r.period_start, r.period_end) for r in reports_} == {(D(2026, 10, 1), D(2026, 9, 15), D(2026, 10, 14))}
    assert reports_.get(unit=communes["QT-DAKRONG-MOO"]).received_online == 85


def test_r02_names_without_ubnd_and_the_rows_left_out(dakrong, django_capture_on_commit_callbacks):
    district, communes, staff = dakrong
    batch = _import(district, staff, "R02-unit-names-without-ubnd.xlsx", django_capture_on_commit_callbacks, confirm=False)
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["new"] == 3
    left = {r["row"]: r["reason"] for r in batch.reading["left_out_rows"]}
    assert left == {9: "dòng đánh số cột (1), (2), (3)…", 13: "dòng tổng cộng", 16: "khối chữ ký dưới bảng",
                    17: "khối chữ ký dưới bảng", 20: "khối chữ ký dưới bảng"}
    assert batch.reading["period"]["month"] == "2026-10-01"


def test_a_commune_officer_cannot_report_for_another_commune(dakrong, django_capture_on_commit_callbacks):
    _district, communes, _staff = dakrong
    officer = make_user("canbo_moo", communes["QT-DAKRONG-MOO"], Role.OFFICER)
    batch = _import(communes["QT-DAKRONG-MOO"], officer, "R01-ii06a-official-layout.xlsx",
                    django_capture_on_commit_callbacks, confirm=False)
    assert batch.status == ImportStatus.INVALID
    messages = [e["message"] for e in batch.errors]
    assert "Dòng 10, cột 'Đơn vị': đơn vị “UBND thị trấn Krông Klang” không thuộc UBND xã Mò Ó hoặc không có trong danh mục đơn vị" in messages
    assert not MonthlyReport.objects.exists()


# --- more shapes of the same kinds ------------------------------------------------------------------------


def test_the_uploading_units_own_row_as_heading_or_total_is_left_out():
    rows, loc = one_row_header()
    rows += [["", "UBND huyện Đakrông"], [1, "UBND thị trấn Krông Klang", *KK], [2, "UBND xã Mò Ó", *MO],
             [3, "UBND xã Hướng Hiệp", *HH], ["", "Huyện Đakrông", *TOTAL]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == [] and len(records) == 3
    assert [(r["row"], r["reason"]) for r in reading["left_out_rows"]] == [
        (4, "dòng tên nhóm (không có số liệu)"), (8, "dòng cộng: bằng tổng các dòng 5–7 ở trên")]


def test_the_uploading_units_own_figures_are_kept_when_they_are_not_a_sum():
    rows, loc = one_row_header()
    own = [10, 6, 4, 0, 10, 5, 5, 0, 0, 0, 0]
    rows += [[1, "UBND huyện Đakrông", *own], [2, "UBND xã Mò Ó", *MO], [3, "UBND xã Hướng Hiệp", *HH]]
    records, errors, _, reading = run(rows, loc)
    assert errors.items == []
    assert [r["unit_id"] for r in records] == [1, 3, 4]
    assert reading["left_out_rows"] == []


def test_the_signing_date_above_the_title_is_not_the_month():
    p = reports.detect_period("UBND HUYỆN ĐAKRÔNG Đakrông, ngày 05 tháng 11 năm 2026 BÁO CÁO Kỳ báo cáo: Tháng 10 năm 2026")
    assert p.month == D(2026, 10, 1)
    assert reports.detect_period("Đakrông, ngày 05 tháng 11 năm 2026") is None


def test_period_written_in_words():
    p = reports.detect_period("Số liệu từ ngày 15 tháng 9 năm 2026 đến ngày 14 tháng 10 năm 2026")
    assert (p.month, p.start, p.end) == (D(2026, 10, 1), D(2026, 9, 15), D(2026, 10, 14))


def test_shared_formula_copies_follow_their_master():
    rows, loc = _formula_rows()
    plain = {(3, 2): "D4+E4+F4", (4, 2): "", (5, 2): "", (3, 6): "H4+I4+J4", (4, 6): "", (5, 6): "",
             (3, 10): "L4+M4", (4, 10): "", (5, 10): ""}
    loc.book = _Book(plain)
    records, errors, _, _ = run(rows, loc)
    assert errors.items == [] and [r["resolved_total"] for r in records] == [1544, 120, 106]
    loc.book = _Book({**plain, (3, 2): "D4+E4"})  # the master is not the form's sum: its copies are not either
    _, errors, _, _ = run(rows, loc)
    assert errors.items[0]["message"].startswith("Dòng 4")
    assert "Hãy mở bằng Excel/LibreOffice và lưu lại rồi tải lên." in errors.items[0]["message"]


def _ii06a_split_postal() -> bytes:
    """The official three-row header with column (5) split into "Trực tiếp" and
    "Dịch vụ bưu chính", a group row and the total, as an .xlsx written by openpyxl."""
    from tests.onestop.helpers import xlsx

    head = [
        ["Biểu số II.06a/VPCP/KSTT"], ["Kỳ báo cáo: Tháng 10 năm 2026"], [],
        ["STT", "Đơn vị", "Số hồ sơ nhận giải quyết", None, None, None, None, "Số hồ sơ đã giải quyết", None, None, None,
         "Số hồ sơ đang giải quyết", None, None],
        [None, None, "Tổng số", "Trong kỳ", None, None, "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
         "Tổng số", "Trong hạn", "Quá hạn"],
        [None, None, None, "Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính", None, None, None, None, None, None, None, None],
    ]

    def split(f, postal):
        return [f[0], f[1], f[2] - postal, postal, *f[3:]]

    body = [["I", "Cấp xã"], [1, "TT. Krông Klang", *split(KK, 10)], [2, "X. Mò Ó", *split(MO, 5)],
            [3, "Xã Hướng Hiệp", *split(HH, 1)], [None, "Tổng cộng", *split(TOTAL, 16)]]
    merges = ["A4:A6", "B4:B6", "C4:G4", "H4:K4", "L4:N4", "D5:F5", "C5:C6", "G5:G6", "H5:H6", "I5:I6", "J5:J6",
              "K5:K6", "L5:L6", "M5:M6", "N5:N6"]
    return xlsx(head + body, merges=merges)


def test_direct_and_postal_apart_through_the_import(dakrong, django_capture_on_commit_callbacks):
    district, communes, staff = dakrong
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.create_batch(district, ImportKind.REPORT, upload(_ii06a_split_postal(), "bao-cao-t10.xlsx"),
                                      actor=staff)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY, batch.errors
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_batch(batch, actor=staff, accept_gaps=True)
    moo = MonthlyReport.objects.get(unit=communes["QT-DAKRONG-MOO"])
    assert (moo.received_online, moo.received_direct_postal, moo.postal_received) == (85, 40, 5)
    assert sum(r.received_direct_postal for r in MonthlyReport.objects.all()) == 411
    left = {r["row"]: r["reason"] for r in batch.reading["left_out_rows"]}
    assert left == {7: "dòng tên nhóm (không có số liệu)", 11: "dòng tổng cộng"}


def test_a_province_file_with_district_subtotals_over_their_communes():
    units = {
        10: ("QT", "UBND tỉnh Quảng Trị", ""), 1: UNITS[1], 2: UNITS[2], 3: UNITS[3], 4: UNITS[4],
        5: ("QT-HH", "UBND huyện Hải Lăng", ""), 6: ("QT-HH-HT", "UBND xã Hải Thượng", ""),
        7: ("QT-HH-HL", "UBND xã Hải Lâm", ""),
    }
    ctx = context(units)
    ctx.batch_unit_id, ctx.batch_unit_label = 10, "UBND tỉnh Quảng Trị"
    rows, loc = one_row_header()
    rows += [["I", "Huyện Đakrông", *TOTAL], [1, "UBND thị trấn Krông Klang", *KK], [2, "UBND xã Mò Ó", *MO],
             [3, "UBND xã Hướng Hiệp", *HH],
             ["II", "Huyện Hải Lăng", *[a + b for a, b in zip(MO, HH, strict=True)]], [1, "Xã Hải Thượng", *MO],
             [2, "Xã Hải Lâm", *HH], ["", "Toàn tỉnh", *[a + b + c for a, b, c in zip(TOTAL, MO, HH, strict=True)]]]
    records, errors, _, reading = run(rows, loc, ctx)
    assert errors.items == []
    assert sorted(r["unit_id"] for r in records) == [2, 3, 4, 6, 7]
    assert [(r["row"], r["reason"]) for r in reading["left_out_rows"]] == [
        (4, "dòng cộng: bằng tổng các dòng 5–7 ở dưới"), (8, "dòng cộng: bằng tổng các dòng 9–10 ở dưới"),
        (11, "dòng tổng cộng")]
