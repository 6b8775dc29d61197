"""Exports in Vietnamese (issue 13 item 7): an exported xlsx has Vietnamese headers
and indicator names, and its numeric and date cells hold numbers and dates with a
number format set — not pre-formatted text."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.exports import DATE_FORMAT, DECIMAL_FORMAT, INTEGER_FORMAT, add_sheet, workbook_bytes
from scoring.runs import recompute_now
from tests.scoring.conftest import indicators, make_campaign, make_dossiers  # noqa: F401 (fixture)

JAN = datetime.date(2023, 1, 1)


def test_every_number_and_date_cell_gets_a_format_from_its_type():
    wb = Workbook()
    add_sheet(wb, "Bảng", ["Số", "Tỉ lệ", "Tiền", "Ngày", "Chữ"],
              [[3, 96.66666, Decimal("1520000.5"), datetime.date(2024, 1, 5), "96,67"]], first=True)
    row = next(load_workbook(io.BytesIO(workbook_bytes(wb))).active.iter_rows(min_row=2))
    assert [c.value for c in row[:2]] == [3, 96.66666] and row[3].is_date and row[4].data_type == "s"
    assert [c.number_format for c in row[:4]] == [INTEGER_FORMAT, DECIMAL_FORMAT, DECIMAL_FORMAT, DATE_FORMAT]


@pytest.mark.django_db
def test_leaderboard_and_dashboard_xlsx_are_in_vietnamese_with_numeric_cells(client, tree, indicators, staff):  # noqa: F811
    from campaigns.choices import Comparator

    make_dossiers(tree["commune_a"], JAN, online=2, direct=1)
    make_dossiers(tree["commune_b"], JAN, online=1, direct=2)
    campaign, _, round_, _ = make_campaign(tree, criteria=[
        {"code": "ht", "text": "Tỉ lệ hồ sơ trực tuyến đạt từ 50% trở lên", "indicator_code": "online_dossier_rate",
         "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    client.force_login(staff)

    ws = load_workbook(io.BytesIO(client.get(reverse("scoring:leaderboard_xlsx", args=[campaign.code, round_.pk])).content)).active
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Hạng", "Đơn vị", "Điểm"] and header[-1] == "TC 1. Tỉ lệ hồ sơ trực tuyến đạt từ 50% trở lên"
    row = {r[1].value: r for r in ws.iter_rows(min_row=4)}["UBND xã A"]
    value = row[len(header) - 1]
    assert value.data_type == "n" and round(value.value, 2) == 66.67 and value.number_format == DECIMAL_FORMAT
    assert row[0].value == 1 and row[0].number_format == INTEGER_FORMAT

    body = client.get(reverse("scoring:unit_dashboard_xlsx", args=[tree["district"].pk]), {"year": 2023}).content
    ws = load_workbook(io.BytesIO(body))["Chỉ số"]
    assert [c.value for c in ws[3]][:5] == ["STT", "Chỉ số", "Tử số", "Mẫu số", "Giá trị"]
    online = {r[-1].value: r for r in ws.iter_rows(min_row=4)}["online_dossier_rate"]  # the code only last, for the API
    assert online[1].value.startswith("Tỷ lệ hồ sơ") and online[2].value == 3 and online[2].number_format == INTEGER_FORMAT
    assert online[4].data_type == "n" and online[4].number_format == DECIMAL_FORMAT and round(online[4].value, 2) == 50


def test_pages_group_thousands_like_the_exports():
    from scoring.onestop.preview import summary_text

    text = summary_text("dossiers", {"total": 40000, "new": 39000, "updated": 1000, "unchanged": 0, "invalid": 0})
    assert text.startswith("40.000 dòng: 39.000 mới, 1.000 cập nhật, 0 không đổi")
