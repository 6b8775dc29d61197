"""Dated legal configuration shipped with the app (loaded by a data migration and
re-applied idempotently by ``awards.demo``). Staff may correct it in the admin.

Sources are those of shared/reference/domain.md; where a value is not confirmed by
a reachable source the note says so ("cần kiểm chứng") and the admin shows it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

D = Decimal

# code, name, decree, valid_from, valid_until, report form title, note, rounding step (đồng)
REGIMES: list[tuple[str, str, str, date, date | None, str, str, int]] = [
    (
        "nd91_2017", "Nghị định 91/2017/NĐ-CP", "91/2017/NĐ-CP", date(2017, 9, 15), date(2023, 12, 30),
        "Mẫu số 07 kèm theo Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ",
        "Hết hiệu lực 01/01/2024 (domain.md S12). Hệ số Giấy khen theo Điều 72: cấp huyện và tương đương 0,3 "
        "(cá nhân) / 0,6 (tập thể); Chủ tịch UBND cấp xã 0,15 / 0,3 – cần kiểm chứng với văn bản gốc "
        "(không có trong tài liệu nghiên cứu). Số hiệu \"Mẫu số 07\" lấy theo kế hoạch Tam Nông, chưa kiểm chứng.",
        10_000,
    ),
    (
        "nd98_2023", "Nghị định 98/2023/NĐ-CP", "98/2023/NĐ-CP", date(2023, 12, 31), date(2025, 6, 30),
        "Báo cáo thành tích theo mẫu tại Phụ lục kèm theo Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ",
        "Có hiệu lực 31/12/2023, bị Nghị định 152/2025 thay thế từ 01/07/2025 (domain.md S65, S1). "
        "Giấy khen 0,15 lần mức lương cơ sở theo domain.md (nguồn S6 nói về Giấy khen của Chủ tịch UBND cấp xã; "
        "mức cho người tặng khác cần kiểm chứng). Số hiệu mẫu báo cáo thành tích: chưa kiểm chứng. "
        "Tiền thưởng làm tròn lên hàng chục nghìn đồng (Điều 53, domain.md S16).",
        10_000,
    ),
    (
        "nd152_2025", "Nghị định 152/2025/NĐ-CP", "152/2025/NĐ-CP", date(2025, 7, 1), None,
        "Báo cáo thành tích theo mẫu tại Phụ lục kèm theo Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ",
        "Điều 50–54 (domain.md S2, S4–S8): Giấy khen 0,3 / 0,6; LĐTT 0,3; TLĐTT 0,8; CSTĐCS 1,0; TLĐXS 1,5; "
        "Bằng khen bộ, tỉnh 1,5 / 3,0; Bằng khen Thủ tướng 3,5 / 7,0. Các nguồn tính sẵn 0,3 × 2.340.000 = 702.000 đồng "
        "(S5, S7): số tiền không làm tròn lên hàng chục nghìn – cần kiểm chứng quy định làm tròn của NĐ 152/2025.",
        1,
    ),
]

# regime, award_type, subject, level ("" = every level), coefficient, note
COEFFICIENTS: list[tuple[str, str, str, str, Decimal, str]] = [
    # ND 91/2017
    ("nd91_2017", "giay_khen", "individual", "", D("0.3"), "Điều 72 – cần kiểm chứng"),
    ("nd91_2017", "giay_khen", "collective", "", D("0.6"), "Tập thể gấp 2 lần cá nhân – cần kiểm chứng"),
    ("nd91_2017", "giay_khen", "individual", "commune", D("0.15"), "Giấy khen của Chủ tịch UBND cấp xã – cần kiểm chứng"),
    ("nd91_2017", "giay_khen", "collective", "commune", D("0.3"), "Giấy khen của Chủ tịch UBND cấp xã – cần kiểm chứng"),
    ("nd91_2017", "ldtt", "individual", "", D("0.3"), "Lao động tiên tiến"),
    ("nd91_2017", "ldtt", "collective", "", D("0.8"), "Tập thể lao động tiên tiến"),
    ("nd91_2017", "cstdcs", "individual", "", D("1.0"), "Chiến sĩ thi đua cơ sở"),
    ("nd91_2017", "tldxs", "collective", "", D("1.5"), "Tập thể lao động xuất sắc"),
    ("nd91_2017", "bang_khen_tinh", "individual", "", D("1.0"), "cần kiểm chứng"),
    ("nd91_2017", "bang_khen_tinh", "collective", "", D("2.0"), "cần kiểm chứng"),
    ("nd91_2017", "bang_khen_ttg", "individual", "", D("1.5"), "cần kiểm chứng"),
    ("nd91_2017", "bang_khen_ttg", "collective", "", D("3.0"), "cần kiểm chứng"),
    # ND 98/2023
    ("nd98_2023", "giay_khen", "individual", "", D("0.15"), "domain.md: NĐ 98 Giấy khen 0,15 (S6)"),
    ("nd98_2023", "giay_khen", "collective", "", D("0.3"), "Tập thể gấp 2 lần cá nhân – cần kiểm chứng"),
    ("nd98_2023", "ldtt", "individual", "", D("0.3"), "Lao động tiên tiến"),
    ("nd98_2023", "ldtt", "collective", "", D("0.8"), "Tập thể lao động tiên tiến"),
    ("nd98_2023", "cstdcs", "individual", "", D("1.0"), "Chiến sĩ thi đua cơ sở"),
    ("nd98_2023", "tldxs", "collective", "", D("1.5"), "Tập thể lao động xuất sắc"),
    ("nd98_2023", "bang_khen_tinh", "individual", "", D("1.0"), "cần kiểm chứng"),
    ("nd98_2023", "bang_khen_tinh", "collective", "", D("2.0"), "cần kiểm chứng"),
    ("nd98_2023", "bang_khen_ttg", "individual", "", D("1.5"), "cần kiểm chứng"),
    ("nd98_2023", "bang_khen_ttg", "collective", "", D("3.0"), "cần kiểm chứng"),
    # ND 152/2025 (domain.md §2 table)
    ("nd152_2025", "giay_khen", "individual", "", D("0.3"), "Điều 50–54 (S6, S7)"),
    ("nd152_2025", "giay_khen", "collective", "", D("0.6"), "Điều 50–54 (S6, S7)"),
    ("nd152_2025", "ldtt", "individual", "", D("0.3"), "Lao động tiên tiến"),
    ("nd152_2025", "ldtt", "collective", "", D("0.8"), "Tập thể lao động tiên tiến"),
    ("nd152_2025", "cstdcs", "individual", "", D("1.0"), "Chiến sĩ thi đua cơ sở"),
    ("nd152_2025", "tldxs", "collective", "", D("1.5"), "Tập thể lao động xuất sắc"),
    ("nd152_2025", "bang_khen_tinh", "individual", "", D("1.5"), "Bằng khen bộ, ngành, tỉnh"),
    ("nd152_2025", "bang_khen_tinh", "collective", "", D("3.0"), "Bằng khen bộ, ngành, tỉnh"),
    ("nd152_2025", "bang_khen_ttg", "individual", "", D("3.5"), "Bằng khen Thủ tướng Chính phủ"),
    ("nd152_2025", "bang_khen_ttg", "collective", "", D("7.0"), "Bằng khen Thủ tướng Chính phủ"),
]

# valid_from, amount, legal basis, needs verification
BASE_SALARIES: list[tuple[date, int, str, bool]] = [
    (date(2017, 7, 1), 1_300_000, "Nghị định 47/2017/NĐ-CP", False),
    (date(2018, 7, 1), 1_390_000, "Nghị định 72/2018/NĐ-CP", False),
    (date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP", False),
    (date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP", False),
    (date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP", False),
    (date(2026, 7, 1), 2_530_000, "Nghị định 161/2026/NĐ-CP (theo một nguồn thứ ba – cần kiểm chứng)", True),
]


def apply(regime_model, coefficient_model, salary_model) -> None:
    """Upsert the shipped rows; used by the data migration (historical models) and
    by the demo loader (live models). Rows staff added are left alone."""
    regimes = {}
    for code, name, decree, valid_from, valid_until, report_title, note, step in REGIMES:
        regimes[code], _ = regime_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "decree": decree, "valid_from": valid_from, "valid_until": valid_until,
                      "report_form_title": report_title, "note": note, "rounding_step": step},
        )
    for code, award_type, subject, level, coefficient, note in COEFFICIENTS:
        coefficient_model.objects.update_or_create(
            regime=regimes[code], award_type=award_type, subject=subject, level=level,
            defaults={"coefficient": coefficient, "note": note},
        )
    for valid_from, amount, basis, verify in BASE_SALARIES:
        salary_model.objects.update_or_create(
            valid_from=valid_from, defaults={"amount": amount, "legal_basis": basis, "needs_verification": verify}
        )
