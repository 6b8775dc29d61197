"""The catalogue of data elements (phần tử dữ liệu) derived from one-stop facts.

Deriving an element from facts is code (the SQL in ``scoring.recompute``); combining
elements into an indicator is data (``IndicatorDefinition``), so staff add
indicators in the admin without a release.

Aggregation over a period:
- ``sum``: flows (dossiers received, resolved…) add up month by month;
- ``last``: stocks at the end of a month (pending, overdue) — the period's value is
  the unit's value at the last month of the period that has data;
- ``distinct``: procedures with at least one dossier of a kind — counted once over
  the whole period, never summed month by month;
- ``catalog``: counts from the unit's current procedure catalogue.
Over several units every element sums (a parent = Σ its subtree).
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Aggregation


@dataclass(frozen=True)
class DataElement:
    code: str
    label: str
    aggregation: str = Aggregation.SUM


ELEMENTS: list[DataElement] = [
    DataElement("received_total", "Tiếp nhận: tổng số (gồm kỳ trước chuyển sang)"),
    DataElement("received_in_period", "Tiếp nhận trong kỳ"),
    DataElement("received_online", "Tiếp nhận trực tuyến (toàn trình + một phần)"),
    DataElement("received_online_full", "Tiếp nhận trực tuyến toàn trình"),
    DataElement("received_online_partial", "Tiếp nhận trực tuyến một phần"),
    DataElement("received_direct", "Tiếp nhận trực tiếp"),
    DataElement("received_postal", "Tiếp nhận qua dịch vụ bưu chính công ích"),
    DataElement("received_direct_postal", "Tiếp nhận trực tiếp và bưu chính"),
    DataElement("carried_over", "Từ kỳ trước chuyển sang", Aggregation.LAST),
    DataElement("resolved_total", "Đã giải quyết: tổng số"),
    DataElement("resolved_early", "Giải quyết trước hạn"),
    DataElement("resolved_on_time", "Giải quyết đúng hạn"),
    DataElement("resolved_late", "Giải quyết quá hạn"),
    DataElement("pending_total", "Đang giải quyết cuối kỳ", Aggregation.LAST),
    DataElement("pending_in_time", "Đang giải quyết trong hạn cuối kỳ", Aggregation.LAST),
    DataElement("pending_overdue", "Đang giải quyết quá hạn cuối kỳ", Aggregation.LAST),
    DataElement("fee_bearing", "Hồ sơ có nghĩa vụ tài chính"),
    DataElement("paid_online", "Hồ sơ thanh toán trực tuyến"),
    DataElement("electronic_results", "Hồ sơ có kết quả điện tử"),
    DataElement("e_certified_copies", "Chứng thực bản sao điện tử"),
    DataElement("postal_received", "Tiếp nhận qua BCCI"),
    DataElement("postal_returned", "Trả kết quả qua BCCI"),
    DataElement("satisfied", "Lượt đánh giá hài lòng"),
    DataElement("rated", "Lượt đánh giá"),
    DataElement("staff_total", "Số cán bộ, công chức của đơn vị", Aggregation.LAST),
    DataElement("staff_with_online_dossier", "Số cán bộ thực hiện ít nhất 01 hồ sơ trực tuyến", Aggregation.LAST),
    DataElement("procedures_with_dossier", "TTHC có phát sinh hồ sơ", Aggregation.DISTINCT),
    DataElement("procedures_with_online_dossier", "TTHC có phát sinh hồ sơ trực tuyến", Aggregation.DISTINCT),
    DataElement("online_procedures_with_online_dossier", "TTHC trực tuyến (danh mục) có phát sinh hồ sơ trực tuyến", Aggregation.DISTINCT),
    DataElement("procedures_with_postal_dossier", "TTHC có phát sinh hồ sơ tiếp nhận hoặc trả kết quả qua BCCI", Aggregation.DISTINCT),
    DataElement("fee_procedures_with_online_payment", "TTHC có phí có phát sinh thanh toán trực tuyến", Aggregation.DISTINCT),
    DataElement("procedures_total", "Số TTHC trong danh mục", Aggregation.CATALOG),
    DataElement("procedures_online", "Số TTHC cung cấp trực tuyến (toàn trình + một phần)", Aggregation.CATALOG),
    DataElement("procedures_online_full", "Số TTHC trực tuyến toàn trình", Aggregation.CATALOG),
    DataElement("procedures_fee_bearing", "Số TTHC có phí, lệ phí", Aggregation.CATALOG),
    DataElement("procedures_fee_online", "Số TTHC có phí cung cấp trực tuyến", Aggregation.CATALOG),
    DataElement("procedures_postal_enabled", "Số TTHC triển khai qua BCCI", Aggregation.CATALOG),
]

BY_CODE: dict[str, DataElement] = {e.code: e for e in ELEMENTS}

#: Elements stored per unit × month in ``UnitMonthData`` (the others are computed
#: for the period at query time from ``ProcedureMonth`` and the catalogue).
MONTHLY_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation in (Aggregation.SUM, Aggregation.LAST)]
SUM_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.SUM]
LAST_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.LAST]
DISTINCT_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.DISTINCT]
CATALOG_CODES: list[str] = [e.code for e in ELEMENTS if e.aggregation == Aggregation.CATALOG]
