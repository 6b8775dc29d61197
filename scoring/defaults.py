"""Default indicator definitions covering the seed plans' targets and the six
QĐ 766 groups. ``ensure_default_indicators`` creates missing ones and never
overwrites what staff changed in the admin (idempotent; called by the demo, the
tests and the migration-free set-up).

QĐ 766 formulas follow the reverse-engineered DVCQG scoring (domain.md §5): the
API's own score is authoritative, so every maximum, cap and "full at" ratio is a
parameter staff can change. Components the one-stop facts cannot measure
(publication on time, sync to DVCQG, PAKN, digitised components…) have no
numerator yet and are reported as "chưa có số liệu" (the group score is the sum of
the measured components), except the PAKN ones, which score the maximum when
there is no PAKN (as DVCQG does).
"""

from __future__ import annotations

from decimal import Decimal

from .choices import Direction, FormulaKind, IndicatorUnit
from .models import IndicatorDefinition

PCT = IndicatorUnit.PERCENT

DEFAULTS: list[dict] = [
    {"code": "online_procedure_rate", "name": "Tỷ lệ TTHC cung cấp trực tuyến có phát sinh hồ sơ trực tuyến",
     "numerator": "online_procedures_with_online_dossier", "denominator": "procedures_online", "group": "Dịch vụ công trực tuyến"},
    {"code": "online_dossier_rate", "name": "Tỷ lệ hồ sơ tiếp nhận trực tuyến (toàn trình và một phần)",
     "numerator": "received_online", "denominator": "received_in_period", "group": "Dịch vụ công trực tuyến"},
    {"code": "online_payment_rate", "name": "Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến",
     "numerator": "paid_online", "denominator": "fee_bearing", "group": "Thanh toán trực tuyến"},
    {"code": "e_certified_copies", "name": "Số hồ sơ chứng thực bản sao điện tử từ bản chính",
     "numerator": "e_certified_copies", "denominator": "", "factor": Decimal(1), "unit_label": IndicatorUnit.DOSSIERS,
     "decimals": 0, "group": "Số hóa"},
    {"code": "late_dossiers", "name": "Số hồ sơ trễ hạn, quá hạn (giải quyết quá hạn + đang quá hạn cuối kỳ)",
     "numerator": "resolved_late + pending_overdue", "denominator": "", "factor": Decimal(1),
     "unit_label": IndicatorUnit.DOSSIERS, "direction": Direction.LOWER, "decimals": 0, "group": "Tiến độ giải quyết"},
    {"code": "on_time_rate", "name": "Tỷ lệ hồ sơ giải quyết đúng hạn (trước hạn và đúng hạn)",
     "numerator": "resolved_early + resolved_on_time", "denominator": "resolved_total", "group": "Tiến độ giải quyết"},
    {"code": "digitized_result_rate", "name": "Tỷ lệ số hóa kết quả giải quyết TTHC (kết quả điện tử)",
     "numerator": "electronic_results", "denominator": "resolved_total", "group": "Số hóa"},
    {"code": "bcci_procedure_rate", "name": "Tỷ lệ TTHC có phát sinh hồ sơ qua dịch vụ BCCI",
     "numerator": "procedures_with_postal_dossier", "denominator": "procedures_postal_enabled", "group": "BCCI",
     "note": "Tiếp nhận hoặc trả kết quả qua BCCI (hoặc cả hai), trên số TTHC triển khai qua BCCI."},
    {"code": "bcci_received_rate", "name": "Tỷ lệ hồ sơ tiếp nhận qua dịch vụ BCCI",
     "numerator": "postal_received", "denominator": "received_in_period", "group": "BCCI"},
    {"code": "bcci_returned_rate", "name": "Tỷ lệ hồ sơ trả kết quả qua dịch vụ BCCI",
     "numerator": "postal_returned", "denominator": "resolved_total", "group": "BCCI"},
    {"code": "satisfaction_rate", "name": "Tỷ lệ hài lòng của người dân, tổ chức",
     "numerator": "satisfied", "denominator": "rated", "group": "Mức độ hài lòng"},
    {"code": "staff_online_rate", "name": "Tỷ lệ cán bộ, công chức thực hiện ít nhất 01 hồ sơ trực tuyến",
     "numerator": "staff_with_online_dossier", "denominator": "staff_total", "group": "Dịch vụ công trực tuyến",
     "note": "Chỉ đo được khi có số liệu cán bộ; nếu không, tiêu chí được xác nhận bằng minh chứng."},
    # External yearly indices (entered or imported; see IndexResult).
    {"code": "par_index", "name": "Chỉ số cải cách hành chính (PAR INDEX)", "formula_kind": FormulaKind.EXTERNAL,
     "unit_label": IndicatorUnit.POINTS, "factor": Decimal(1), "group": "Chỉ số bên ngoài", "decimals": 2},
    {"code": "ddci", "name": "Chỉ số năng lực cạnh tranh (DDCI)", "formula_kind": FormulaKind.EXTERNAL,
     "unit_label": IndicatorUnit.POINTS, "factor": Decimal(1), "group": "Chỉ số bên ngoài", "decimals": 2},
    {"code": "sipas", "name": "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "formula_kind": FormulaKind.EXTERNAL,
     "unit_label": PCT, "factor": Decimal(1), "group": "Chỉ số bên ngoài", "decimals": 2},
]


def _points(code: str, name: str, gmax: int, components: list[dict], order: int) -> dict:
    return {"code": code, "name": name, "formula_kind": FormulaKind.POINTS, "unit_label": IndicatorUnit.POINTS,
            "factor": Decimal(1), "group": "QĐ 766", "decimals": 2, "params": {"max": gmax, "components": components},
            "target": Decimal(gmax), "order": order}


QD766: list[dict] = [
    _points("qd766_group1", "QĐ 766 – Nhóm 1: Công khai, minh bạch", 18, [
        {"label": "TTHC công bố, công khai đúng hạn", "max": 6},
        {"label": "Cập nhật, công khai đúng hạn", "max": 4},
        {"label": "Công khai đầy đủ nội dung", "max": 2},
        {"label": "Hồ sơ đồng bộ lên Cổng DVCQG", "max": 6},
    ], 200),
    _points("qd766_group2", "QĐ 766 – Nhóm 2: Tiến độ giải quyết", 20, [
        # Dossiers still pending within time have no verdict yet: the denominator is
        # what has a verdict (resolved + pending overdue).
        {"label": "Hồ sơ giải quyết trước hạn, đúng hạn", "numerator": "resolved_early + resolved_on_time",
         "denominator": "resolved_total + pending_overdue", "max": 20},
    ], 201),
    _points("qd766_group3", "QĐ 766 – Nhóm 3: Dịch vụ công trực tuyến", 12, [
        {"label": "TTHC cung cấp trực tuyến (toàn trình, một phần)", "numerator": "procedures_online",
         "denominator": "procedures_total", "max": 2, "full_at": 0.8},
        {"label": "DVCTT có phát sinh hồ sơ", "numerator": "online_procedures_with_online_dossier",
         "denominator": "procedures_online", "max": 4},
        {"label": "Hồ sơ nộp trực tuyến", "numerator": "received_online", "denominator": "received_in_period",
         "max": 6, "full_at": 0.5},
    ], 202),
    _points("qd766_group4", "QĐ 766 – Nhóm 4: Thanh toán trực tuyến", 10, [
        {"label": "Hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính", "numerator": "paid_online",
         "denominator": "fee_bearing", "max": 6},
        {"label": "TTHC có phí có phát sinh thanh toán trực tuyến", "numerator": "fee_procedures_with_online_payment",
         "denominator": "procedures_fee_bearing", "max": 2, "full_at": 0.8},
        {"label": "TTHC có phí cung cấp trực tuyến", "numerator": "procedures_fee_online",
         "denominator": "procedures_fee_bearing", "max": 2, "full_at": 0.8},
    ], 203),
    _points("qd766_group5", "QĐ 766 – Nhóm 5: Mức độ hài lòng", 18, [
        {"label": "Hài lòng trong tiếp nhận, giải quyết TTHC", "numerator": "satisfied", "denominator": "rated",
         "max": 6, "full_at": 0.9},
        {"label": "Phản ánh, kiến nghị xử lý đúng hạn (không có PAKN: tối đa)", "max": 6, "when_blank": 6},
        {"label": "Hài lòng về xử lý PAKN (không có PAKN: tối đa)", "max": 6, "when_blank": 6},
    ], 204),
    _points("qd766_group6", "QĐ 766 – Nhóm 6: Số hóa hồ sơ", 22, [
        {"label": "Cấp kết quả điện tử", "numerator": "electronic_results", "denominator": "resolved_total", "max": 6},
        {"label": "Số hóa thành phần hồ sơ", "max": 4},
        {"label": "Chứng thực bản sao điện tử", "max": 2},
        {"label": "Tái sử dụng dữ liệu số hóa", "max": 2},
        {"label": "Số hóa có kết nối, chia sẻ", "max": 4},
        {"label": "Hồ sơ sử dụng dữ liệu dân cư", "max": 2},
        {"label": "TTHC kết nối dữ liệu dân cư", "max": 2},
    ], 205),
    {"code": "qd766_total", "name": "QĐ 766 – Tổng điểm chỉ số phục vụ (tối đa 100)", "formula_kind": FormulaKind.SUM,
     "unit_label": IndicatorUnit.POINTS, "factor": Decimal(1), "group": "QĐ 766", "decimals": 2,
     "params": {"indicators": [f"qd766_group{i}" for i in range(1, 7)]}, "target": Decimal(100), "order": 206},
]


def ensure_default_indicators() -> int:
    """Create the default indicators that do not exist yet. Returns how many were created."""
    created = 0
    existing = set(IndicatorDefinition.objects.values_list("code", flat=True))
    for order, spec in enumerate([*DEFAULTS, *QD766], 1):
        if spec["code"] in existing:
            continue
        fields = {"order": order, **{k: v for k, v in spec.items() if k != "code"}}
        IndicatorDefinition.objects.create(code=spec["code"], **fields)
        created += 1
    return created
