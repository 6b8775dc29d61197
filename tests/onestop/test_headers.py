"""Header matching by meaning (scoring/onestop/headers.py) and the header band,
sheet choice and officer's mapping of ``parsing.locate``."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from scoring.onestop import headers, parsing
from scoring.onestop.parsing import CATALOG_COLUMNS, DOSSIER_COLUMNS, FileRejected
from tests.onestop.helpers import xlsx

DOSSIER_TARGETS = headers.targets(DOSSIER_COLUMNS)
BASE = ["Mã hồ sơ", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Kênh thực hiện", "Ngày tiếp nhận", "Ngày hẹn trả",
        "Ngày giải quyết xong", "Ngày trả kết quả", "Mức độ hài lòng"]


def _fields(header_row: list[str]) -> dict[str, int]:
    wb = parsing.open_workbook(xlsx([["DANH SÁCH HỒ SƠ"], [], header_row, ["HS-1", "1.001", "Thủ tục", "Hộ tịch",
                                                                             "Trực tuyến", "02/10/2026"]]))
    loc, _ = parsing.locate(wb, "dossiers")
    return loc.columns


@pytest.mark.parametrize(("text", "words"), [
    ("Ngày hẹn trả\nKQ", {"ngay", "hen", "tra", "ket", "qua"}),
    ("  MÃ\u00a0HỒ  SƠ ", {"ma", "ho", "so"}),
    ("ngayHenTra", {"ngay", "hen", "tra"}),
    ("Số HS (TTHC)", {"so", "ho", "thu", "tuc", "hanh", "chinh"}),
    ("Tiếp nhận qua BCCI", {"tiep", "nhan", "qua", "buu", "chinh", "cong", "ich"}),
    ("Mức độ của DVCTT", {"muc", "do", "dich", "vu", "cong", "truc", "tuyen"}),
])
def test_tokens_fold_diacritics_spacing_case_camel_case_and_abbreviations(text, words):
    assert headers.tokens(text) == words


def test_word_order_and_punctuation_do_not_matter():
    target = next(t for t in DOSSIER_TARGETS if t.key == "due_on")
    assert headers.score("KQ - hẹn trả, ngày", target) == headers.score("Ngày hẹn trả kết quả", target) == 1.0


@pytest.mark.parametrize(("header", "field"), [
    ("Ngày hẹn trả KQ", "due_on"),
    ("Hạn trả kết quả", "due_on"),
    ("Đánh giá hài lòng", "satisfaction"),
    ("Hình thức nộp hồ sơ", "channel"),
    ("Ngày\u00a0tiếp\nnhận", "received_on"),
    ("Mã số hồ sơ", "code"),
    ("Đã TT trực tuyến", "paid_online"),
])
def test_wordings_not_in_any_alias_list_are_mapped_by_meaning(header, field):
    row = [h if h != BASE[i] else h for i, h in enumerate(BASE)]
    position = {"due_on": 6, "satisfaction": 9, "channel": 4, "received_on": 5, "code": 0}.get(field)
    if position is None:
        row = [*BASE, header]
        position = len(BASE)
    else:
        row[position] = header
    assert _fields(row)[field] == position


def test_due_and_return_dates_are_told_apart_when_both_are_there():
    columns = _fields(["Mã hồ sơ", "Mã TTHC", "Kênh", "Ngày tiếp nhận", "Ngày trả KQ", "Ngày hẹn trả KQ"])
    assert (columns["returned_on"], columns["due_on"]) == (4, 5)


def test_a_column_that_only_resembles_a_field_is_named_with_its_candidates_not_dropped():
    wb = parsing.open_workbook(xlsx([[*BASE[:6], "Hẹn"], ["HS-1", "1.001", "T", "H", "Trực tuyến", "02/10/2026", "05/10/2026"]]))
    loc, _ = parsing.locate(wb, "dossiers")
    match = loc.matches[6]
    assert match.field is None and "due_on" in match.candidates
    assert any(w.startswith("Cột G (“Hẹn”) giống “Ngày hẹn trả”") for w in loc.warnings), loc.warnings


def test_missing_required_column_message_names_the_lookalike():
    rows = [["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày"], ["HS-1", "1.001", "Trực tuyến", "02/10/2026"]]
    with pytest.raises(FileRejected, match=r"“Ngày tiếp nhận”\. Có thể: cột D \(“Ngày”\) giống “Ngày tiếp nhận”"):
        parsing.locate(parsing.open_workbook(xlsx(rows)), "dossiers")


def test_the_officers_mapping_overrides_the_guess_and_can_ignore_a_column():
    rows = [["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày", "Ghi chú"], ["HS-1", "1.001", "Trực tuyến", "02/10/2026", "x"]]
    wb = parsing.open_workbook(xlsx(rows))
    loc, _ = parsing.locate(wb, "dossiers", {"3": "received_on", "4": "", "0": "code"})
    assert loc.columns["received_on"] == 3 and 4 not in loc.columns.values()
    assert loc.matches[3].field == "received_on" and loc.matches[3].score == 1.0
    # Ignoring a required column leaves the file without it: refused, named.
    with pytest.raises(FileRejected, match=r"không tìm thấy cột bắt buộc “Kênh thực hiện”"):
        parsing.locate(wb, "dossiers", {"2": ""})


def test_catalogue_level_header_with_the_portals_wording():
    wb = parsing.open_workbook(xlsx([["STT", "Mã TTHC", "Tên TTHC", "Mức độ DVC trực tuyến"], [1, "1.001", "Thủ tục", "Toàn trình"]]))
    loc, _ = parsing.locate(wb, "catalog")
    assert loc.columns["online_level"] == 3
    assert headers.score("Mức độ DVC trực tuyến", next(t for t in headers.targets(CATALOG_COLUMNS) if t.key == "online_level")) >= 0.75


# --- header bands, sheets ------------------------------------------------------------------------


def test_three_row_band_written_once_over_its_group_without_merge_records():
    """As LibreOffice saves II.06a in .ods: the group text once, the covered cells blank."""
    rows = [
        ["Kỳ báo cáo: Tháng 10 năm 2026"],
        ["STT", "Đơn vị", "Số hồ sơ nhận giải quyết", None, None, None, "Số hồ sơ đã giải quyết", None, None, None,
         "Số hồ sơ đang giải quyết", None, None],
        [None, None, "Tổng số", "Trong kỳ", None, "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
         "Tổng số", "Trong hạn", "Quá hạn"],
        [None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính"],
        ["XA-A", "XA-A", 10, 6, 4, 0, 8, 3, 4, 1, 2, 2, 0],
    ]
    rows[4][0] = 1
    loc, _ = parsing.locate(parsing.open_workbook(xlsx(rows)), "report")
    assert (loc.header_top, loc.header_bottom) == (1, 3)
    assert [loc.columns[k] for k in ("received_total", "received_online", "received_direct_postal", "carried_over",
                                      "resolved_late", "pending_overdue")] == [2, 3, 4, 5, 9, 12]


def _two_sheets(first_hidden: bool) -> bytes:
    wb = Workbook()
    old = wb.active
    old.title = "T9-cu"
    old.append(BASE)
    old.append(["HS-OLD", "1.001", "T", "H", "Trực tuyến", "02/09/2026"])
    if first_hidden:
        old.sheet_state = "hidden"
    new = wb.create_sheet("T10")
    new.append(["Danh sách hồ sơ tháng 10"])
    new.append(BASE)
    new.append(["HS-NEW", "1.001", "T", "H", "Trực tuyến", "02/10/2026"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_hidden_sheet_is_skipped_and_named():
    loc, sheet = parsing.locate(parsing.open_workbook(_two_sheets(first_hidden=True)), "dossiers")
    assert loc.sheet_name == "T10" and loc.skipped_sheets == [{"name": "T9-cu", "reason": "trang tính ẩn"}]
    assert sheet.to_python()[2][0] == "HS-NEW"


def test_of_two_visible_sheets_the_better_header_wins_and_the_other_is_named():
    loc, _ = parsing.locate(parsing.open_workbook(_two_sheets(first_hidden=False)), "dossiers")
    # Both match equally: the first one found is kept, and the other is listed as skipped.
    assert loc.sheet_name == "T9-cu"
    assert loc.skipped_sheets == [{"name": "T10", "reason": "không có bảng số liệu phù hợp bằng trang “T9-cu”"}]


def test_signature_is_stable_across_spelling_of_the_same_headers():
    a = parsing.header_signature(["Mã hồ sơ", "Ngày  hẹn\ntrả", ""])
    b = parsing.header_signature(["MA HO SO", "hẹn trả ngày"])
    assert a == b and a != parsing.header_signature(["Mã hồ sơ", "Ngày trả"])


def test_header_search_cost_does_not_grow_with_the_rows():
    """Only the first rows are read to find the header (HEADER_SCAN_ROWS), whatever the size."""
    rows = [BASE] + [[f"HS-{i}", "1.001", "T", "H", "Trực tuyến", "02/10/2026"] for i in range(3000)]
    wb = parsing.open_workbook(xlsx(rows))
    head, _ = wb.head(0, parsing.HEADER_SCAN_ROWS)
    assert len(head) == parsing.HEADER_SCAN_ROWS
    loc, _ = parsing.locate(wb, "dossiers")
    assert loc.header_top == 0
