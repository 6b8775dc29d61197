"""Choices of the scoring app: indicator kinds, run statuses, data-element aggregation."""

from __future__ import annotations

from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class IndicatorUnit(models.TextChoices):
    PERCENT = "%", "%"
    DOSSIERS = "hồ sơ", "hồ sơ"
    POINTS = "điểm", "điểm"
    COUNT = "", "(số lượng)"


class FormulaKind(models.TextChoices):
    RATIO = "ratio", "Tử số / mẫu số × hệ số"
    POINTS = "points", "Điểm theo nhóm QĐ 766 (các thành phần có điểm tối đa)"
    SUM = "sum", "Tổng các chỉ số khác"
    EXTERNAL = "external", "Chỉ số bên ngoài theo năm (PAR INDEX, DDCI, SIPAS…)"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tính"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"
    CANCELLED = "cancelled", "Đã huỷ"


#: States a delivered run still has work in (the others are final: a redelivered
#: or duplicate message of a done, failed or cancelled run does nothing).
RUN_ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)

# Explicit transition map of a recompute run (see scoring/runs.py):
# - running → running: the run's worker died and the message came back;
# - queued → done: merged into a covering run that committed its results;
# - queued/running → cancelled: staff stopped a stuck run.
RUN_TRANSITIONS: dict[str, set[str]] = {
    RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED},
    RunStatus.RUNNING: {RunStatus.RUNNING, RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED},
    RunStatus.FAILED: set(),
    RunStatus.DONE: set(),
    RunStatus.CANCELLED: set(),
}


class ExternalIndex(models.TextChoices):
    PAR_INDEX = "par_index", "Chỉ số CCHC (PAR INDEX)"
    DDCI = "ddci", "Chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương (DDCI)"
    SIPAS = "sipas", "Chỉ số hài lòng (SIPAS)"
    PAPI = "papi", "Chỉ số PAPI"
    PCI = "pci", "Chỉ số PCI"


class Aggregation(models.TextChoices):
    """How a data element adds up over a period (over units it always sums)."""

    SUM = "sum", "Cộng dồn các tháng"
    LAST = "last", "Số tồn tại cuối kỳ"
    DISTINCT = "distinct", "Đếm thủ tục khác nhau trong kỳ"
    CATALOG = "catalog", "Theo danh mục TTHC hiện hành"
