"""xlsx export of a round's award list and budget (through ``core.exports``)."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from core.exports import MONEY_FORMAT, add_sheet, workbook_bytes

from .choices import NominationStatus
from .models import Nomination
from .money import round_budget

LIST_HEADER = ["STT", "Đối tượng", "Tập thể / cá nhân", "Chức vụ, đơn vị", "Đơn vị đề nghị", "Hình thức khen thưởng",
               "Trạng thái", "Số quyết định", "Ngày quyết định", "Số tiền (đồng)"]
BUDGET_HEADER = ["Nguồn kinh phí", "Hình thức khen thưởng", "Đối tượng", "Số lượng", "Thành tiền (đồng)", "Ghi chú"]


def _list_rows(round_: Any) -> list[list[Any]]:
    qs = (
        Nomination.objects.filter(round=round_).exclude(status__in=[NominationStatus.DRAFT])
        .select_related("award_form", "person__unit", "unit", "proposing_unit", "decision").order_by("subject", "id")
    )
    return [[
        i, n.get_subject_display(), n.nominee_name, n.nominee_detail, n.proposing_unit.name, n.award_form.name,
        n.get_status_display(), n.decision.document_code if n.decision_id and n.decision.number else "",
        n.decision.date if n.decision_id else None, n.amount,
    ] for i, n in enumerate(qs, start=1)]


def _budget_rows(round_: Any) -> list[list[Any]]:
    rows = [[row["source"], row["award_form"], row["subject"], row["count"], row["total"],
             "Dự kiến (chưa có quyết định)" if row["estimate"] else ""] for row in round_budget(round_)]
    rows.append(["Tổng cộng", "", "", "", sum(row[4] for row in rows), ""])
    return rows


def round_workbook(round_: Any) -> bytes:
    """The round's workbook: "Danh sách" (every submitted nomination) and "Kinh phí"
    (bonus totals by funding source, with the grand total), as .xlsx bytes."""
    wb = Workbook()
    add_sheet(wb, "Danh sách", LIST_HEADER, _list_rows(round_), number_formats={10: MONEY_FORMAT}, first=True)
    add_sheet(wb, "Kinh phí", BUDGET_HEADER, _budget_rows(round_))
    return workbook_bytes(wb)
