"""xlsx export of a round's award list and budget."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .choices import NominationStatus
from .models import Nomination
from .money import round_budget

FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: text starting with = + - @ is
    prefixed with an apostrophe so Excel shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def round_workbook(round_) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    header = ["STT", "Đối tượng", "Tập thể / cá nhân", "Chức vụ, đơn vị", "Đơn vị đề nghị", "Hình thức khen thưởng",
              "Trạng thái", "Số quyết định", "Ngày quyết định", "Số tiền (đồng)"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    qs = (
        Nomination.objects.filter(round=round_).exclude(status__in=[NominationStatus.DRAFT])
        .select_related("award_form", "person__unit", "unit", "proposing_unit", "decision").order_by("subject", "id")
    )
    for i, n in enumerate(qs, start=1):
        ws.append([safe(v) for v in [
            i, n.get_subject_display(), n.nominee_name, n.nominee_detail, n.proposing_unit.name, n.award_form.name,
            n.get_status_display(), n.decision.document_code if n.decision_id and n.decision.number else "",
            n.decision.date.strftime("%d/%m/%Y") if n.decision_id and n.decision.date else "", n.amount,
        ]])
    for row in ws.iter_rows(min_row=2, min_col=10, max_col=10):
        for cell in row:
            cell.number_format = "#,##0"
    budget = wb.create_sheet("Kinh phí")
    budget.append(["Nguồn kinh phí", "Hình thức khen thưởng", "Đối tượng", "Số lượng", "Thành tiền (đồng)", "Ghi chú"])
    for cell in budget[1]:
        cell.font = Font(bold=True)
    total = 0
    for row in round_budget(round_):
        total += row["total"]
        budget.append([safe(row["source"]), safe(row["award_form"]), row["subject"], row["count"], row["total"],
                       "Dự kiến (chưa có quyết định)" if row["estimate"] else ""])
    budget.append(["Tổng cộng", "", "", "", total, ""])
    for col in (ws, budget):
        for column in col.columns:
            col.column_dimensions[column[0].column_letter].width = 22
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
