"""Dated legal configuration shipped with the app (loaded by data migrations and
re-applied idempotently by ``awards.demo``). Staff may correct it in the admin.

What was checked against which text (search tool, 30/11/2026):
- NĐ 152/2025/NĐ-CP full text (repo leanhvu-ktnn/DANANG_CQ2Cap_KTNN,
  04-Vanbanquydinh/TW/Nghi_dinh/2025/152-2025-NĐ-CP/toan-van.md): Điều 49 khoản 2
  (round UP to the next 10,000 đồng after the coefficient), Điều 50 (titles),
  Điều 54 (Bằng khen, Giấy khen; collectives ×2), Điều 59 (effective 01/07/2025;
  NĐ 98/2023 ceases that day), Điều 60 khoản 1–3 (ceases 01/03/2027 unless
  extended; NĐ 98 until 31/12/2025 where delegated rules are missing; dossiers
  submitted before 01/07/2025 follow NĐ 98). Rows marked ``verified``.
- Luật Thi đua, khen thưởng 2022 Điều 80 (Công báo 571+572/2022, p. 57): who
  decides a Giấy khen — heads of legal-entity bodies under a ministry / provincial
  specialised agencies (k1), Chủ tịch UBND cấp huyện (k2), cấp xã (k3),
  enterprises and cooperatives (k4). The text of Điều 75 khoản 1 (the list
  NĐ 152 Điều 54.1.e pays for) was NOT reachable: mapping commune / district /
  department Giấy khen to its points a, b, c is an inference from Điều 80's order
  and NĐ 152 Điều 46 khoản 6–7 (enterprises pay from their own funds), kept
  ``verified=False``.
- NĐ 98/2023/NĐ-CP: effective 01/01/2024 (the text's header data as published by
  vietjack.me; the Law took effect the same day), titles Điều 54 as quoted there.
  Its Bằng khen / Giấy khen article was not reachable: those rows stay unverified.
- NĐ 91/2017/NĐ-CP: no text reachable; every row stays unverified ("cần kiểm chứng").
- Base salary 2,530,000 from 01/07/2026: the decree setting it was not found;
  the row stays ``needs_verification``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

D = Decimal

ND152_SOURCE = "toàn văn NĐ 152/2025/NĐ-CP (vbpl.vn, qua kho leanhvu-ktnn/DANANG_CQ2Cap_KTNN)"

REGIMES: list[dict] = [
    {
        "code": "nd91_2017", "name": "Nghị định 91/2017/NĐ-CP", "decree": "91/2017/NĐ-CP",
        "valid_from": date(2017, 9, 15), "valid_from_basis": "cần kiểm chứng",
        "valid_until": date(2023, 12, 31),
        "valid_until_basis": "Thay thế bởi NĐ 98/2023/NĐ-CP có hiệu lực từ 01/01/2024",
        "report_form_title": "Mẫu số 07 kèm theo Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ",
        "rounding_step": 10_000, "rounding_article": "làm tròn lên hàng chục nghìn đồng – điều khoản cần kiểm chứng",
        "note": "Chưa đối chiếu được văn bản NĐ 91/2017: mọi hệ số, điều khoản và ngày hiệu lực cần kiểm chứng. "
                "Số hiệu \"Mẫu số 07\" lấy theo kế hoạch Tam Nông, chưa kiểm chứng.",
    },
    {
        "code": "nd98_2023", "name": "Nghị định 98/2023/NĐ-CP", "decree": "98/2023/NĐ-CP",
        "valid_from": date(2024, 1, 1),
        "valid_from_basis": "Ngày hiệu lực 01/01/2024 theo thông tin văn bản (ký 31/12/2023)",
        "valid_until": date(2025, 6, 30),
        "valid_until_basis": "NĐ 152/2025/NĐ-CP Điều 59 khoản 2: hết hiệu lực từ 01/07/2025",
        "report_form_title": "Báo cáo thành tích theo mẫu tại Phụ lục kèm theo Nghị định số 98/2023/NĐ-CP "
                             "ngày 31 tháng 12 năm 2023 của Chính phủ",
        "rounding_step": 10_000, "rounding_article": "Điều 53 (theo domain.md – cần kiểm chứng)",
        "note": "Danh hiệu thi đua: Điều 54 (trích theo vietjack.me). Bằng khen, Giấy khen: điều khoản và hệ số "
                "chưa đối chiếu được văn bản – cần kiểm chứng. Còn áp dụng cho hồ sơ gửi trước 01/07/2025 "
                "(NĐ 152 Điều 60 khoản 3).",
    },
    {
        "code": "nd152_2025", "name": "Nghị định 152/2025/NĐ-CP", "decree": "152/2025/NĐ-CP",
        "valid_from": date(2025, 7, 1), "valid_from_basis": "Điều 59 khoản 1",
        "valid_until": date(2027, 2, 28),
        "valid_until_basis": "Điều 60 khoản 1: hết hiệu lực từ ngày 01/03/2027 trừ khi được kéo dài",
        "report_form_title": "Báo cáo thành tích theo mẫu tại Phụ lục kèm theo Nghị định số 152/2025/NĐ-CP "
                             "ngày 14 tháng 6 năm 2025 của Chính phủ",
        "rounding_step": 10_000, "rounding_article": "Điều 49 khoản 2",
        "prior_dossiers": "nd98_2023", "prior_dossiers_article": "Điều 60 khoản 3",
        "no_delegated_rules_until": date(2025, 12, 31), "no_delegated_rules_article": "Điều 60 khoản 2",
        "note": f"Đã đối chiếu {ND152_SOURCE}: Điều 49 (làm tròn lên hàng chục nghìn đồng sau khi nhân hệ số), "
                "Điều 50, 54 (hệ số), Điều 59, 60 (hiệu lực, chuyển tiếp).",
    },
]

# Giấy khen issuers whose award NĐ 152 Điều 54.1.e pays (see module docstring).
GK_LEVELS = [
    ("commune", "Giấy khen của Chủ tịch UBND cấp xã", "Luật TĐKT Điều 80 khoản 3"),
    ("district", "Giấy khen của Chủ tịch UBND cấp huyện", "Luật TĐKT Điều 80 khoản 2"),
    ("department", "Giấy khen của thủ trưởng cơ quan, đơn vị thuộc bộ, ngành, tỉnh", "Luật TĐKT Điều 80 khoản 1"),
]
GK_MAPPING_NOTE = ("Người tặng: {who}. Việc người tặng này thuộc điểm a, b, c, đ khoản 1 Điều 75 Luật TĐKT "
                   "chưa đối chiếu được văn bản Luật – cần kiểm chứng.")
GK_OTHER_NOTE = ("{decree} chỉ quy định tiền thưởng cho Giấy khen của người có thẩm quyền tại điểm a, b, c, đ "
                 "khoản 1 Điều 75 Luật TĐKT; Giấy khen của người tặng khác không có mức tiền thưởng theo Nghị định "
                 "(doanh nghiệp, hợp tác xã chi từ quỹ của mình – NĐ 152 Điều 46 khoản 6–8): không tự tính.")
IND, COL = "individual", "collective"


def _nd152() -> list[tuple]:
    """(award_type, subject, level, coefficient, article, label, verified, order, note) — all from the text."""
    rows: list[tuple] = []
    for order, (level, label, who) in enumerate(GK_LEVELS, start=1):
        note = GK_MAPPING_NOTE.format(who=who)
        rows.append(("giay_khen", IND, level, D("0.3"), "Điều 54 khoản 1 điểm e", label, False, order, note))
        rows.append(("giay_khen", COL, level, D("0.6"), "Điều 54 khoản 2 điểm c", label, False, order, note))
    other = GK_OTHER_NOTE.format(decree="NĐ 152/2025/NĐ-CP Điều 54 khoản 1 điểm e")
    rows += [
        ("giay_khen", IND, "", None, "Điều 54 khoản 1 điểm e", "Giấy khen của người tặng khác", True, 4, other),
        ("giay_khen", COL, "", None, "Điều 54 khoản 2 điểm c", "Giấy khen của người tặng khác", True, 4, other),
        ("bang_khen_tinh", IND, "", D("1.5"), "Điều 54 khoản 1 điểm b", "", True, 10, ""),
        ("bang_khen_tinh", COL, "", D("3.0"), "Điều 54 khoản 2 điểm a", "", True, 10, "Gấp hai lần mức cá nhân"),
        ("bang_khen_ttg", IND, "", D("3.5"), "Điều 54 khoản 1 điểm a", "", True, 11, ""),
        ("bang_khen_ttg", COL, "", D("7.0"), "Điều 54 khoản 2 điểm a", "", True, 11, "Gấp hai lần mức cá nhân"),
        ("ldtt", IND, "", D("0.3"), "Điều 50 khoản 1 điểm d", "Lao động tiên tiến", True, 20, ""),
        ("ldtt", COL, "", D("0.8"), "Điều 50 khoản 2 điểm b", "Tập thể lao động tiên tiến", True, 20, ""),
        ("cstdcs", IND, "", D("1.0"), "Điều 50 khoản 1 điểm c", "", True, 21, ""),
        ("cstd_tinh", IND, "", D("3.0"), "Điều 50 khoản 1 điểm b", "", True, 22, ""),
        ("cstd_toan_quoc", IND, "", D("4.5"), "Điều 50 khoản 1 điểm a", "", True, 23, ""),
        ("tldxs", COL, "", D("1.5"), "Điều 50 khoản 2 điểm a", "", True, 24, ""),
        ("thon_van_hoa", COL, "", D("1.5"), "Điều 50 khoản 2 điểm d", "", True, 25, ""),
        ("xa_tieu_bieu", COL, "", D("2.0"), "Điều 50 khoản 2 điểm c", "", True, 26, ""),
        ("co_thi_dua_tinh", COL, "", D("8.0"), "Điều 50 khoản 2 điểm e", "", True, 27, ""),
        ("co_thi_dua_cp", COL, "", D("12.0"), "Điều 50 khoản 2 điểm đ", "", True, 28, ""),
    ]
    return rows


def _nd98() -> list[tuple]:
    """Titles as NĐ 98 Điều 54 (quoted by vietjack.me); Bằng khen / Giấy khen unverified."""
    unverified = "Chưa đối chiếu được văn bản NĐ 98/2023 – cần kiểm chứng"
    gk = "Điều 58 (suy theo bố cục – cần kiểm chứng)"
    rows: list[tuple] = []
    for order, (level, label, who) in enumerate(GK_LEVELS, start=1):
        note = f"{unverified}. Mức 0,15 theo domain.md (S6), tập thể gấp hai lần. Người tặng: {who}."
        rows.append(("giay_khen", IND, level, D("0.15"), gk, label, False, order, note))
        rows.append(("giay_khen", COL, level, D("0.3"), gk, label, False, order, note))
    other = GK_OTHER_NOTE.format(decree="NĐ 98/2023/NĐ-CP") + " Cần kiểm chứng."
    rows += [
        ("giay_khen", IND, "", None, gk, "Giấy khen của người tặng khác", False, 4, other),
        ("giay_khen", COL, "", None, gk, "Giấy khen của người tặng khác", False, 4, other),
        ("bang_khen_tinh", IND, "", D("1.0"), gk, "", False, 10, unverified),
        ("bang_khen_tinh", COL, "", D("2.0"), gk, "", False, 10, unverified),
        ("bang_khen_ttg", IND, "", D("1.5"), gk, "", False, 11, unverified),
        ("bang_khen_ttg", COL, "", D("3.0"), gk, "", False, 11, unverified),
        ("ldtt", IND, "", D("0.3"), "Điều 54 khoản 1", "Lao động tiên tiến", False, 20, "Theo trích dẫn của vietjack.me"),
        ("ldtt", COL, "", D("0.8"), "Điều 54 khoản 2", "Tập thể lao động tiên tiến", False, 20, "Cần kiểm chứng"),
        ("cstdcs", IND, "", D("1.0"), "Điều 54 khoản 1", "", False, 21, "Theo trích dẫn của vietjack.me"),
        ("cstd_tinh", IND, "", D("3.0"), "Điều 54 khoản 1", "", False, 22, "Theo trích dẫn của vietjack.me"),
        ("cstd_toan_quoc", IND, "", D("4.5"), "Điều 54 khoản 1", "", False, 23, "Theo trích dẫn của vietjack.me"),
        ("tldxs", COL, "", D("1.5"), "Điều 54 khoản 2", "", False, 24, "Theo trích dẫn của vietjack.me"),
    ]
    return rows


def _nd91() -> list[tuple]:
    """Values carried over from the earlier configuration; none checked against the text."""
    unverified = "Chưa đối chiếu được văn bản NĐ 91/2017 – cần kiểm chứng"
    art = "điều khoản chưa xác định – cần kiểm chứng"
    gk = "Điều 72 (cần kiểm chứng)"
    return [
        ("giay_khen", IND, "", D("0.3"), gk, "Giấy khen (cấp huyện, sở, ngành)", False, 2, unverified),
        ("giay_khen", COL, "", D("0.6"), gk, "Giấy khen (cấp huyện, sở, ngành)", False, 2, unverified),
        ("giay_khen", IND, "commune", D("0.15"), gk, "Giấy khen của Chủ tịch UBND cấp xã", False, 1, unverified),
        ("giay_khen", COL, "commune", D("0.3"), gk, "Giấy khen của Chủ tịch UBND cấp xã", False, 1, unverified),
        ("bang_khen_tinh", IND, "", D("1.0"), art, "", False, 10, unverified),
        ("bang_khen_tinh", COL, "", D("2.0"), art, "", False, 10, unverified),
        ("bang_khen_ttg", IND, "", D("1.5"), art, "", False, 11, unverified),
        ("bang_khen_ttg", COL, "", D("3.0"), art, "", False, 11, unverified),
        ("ldtt", IND, "", D("0.3"), art, "Lao động tiên tiến", False, 20, unverified),
        ("ldtt", COL, "", D("0.8"), art, "Tập thể lao động tiên tiến", False, 20, unverified),
        ("cstdcs", IND, "", D("1.0"), art, "", False, 21, unverified),
        ("tldxs", COL, "", D("1.5"), art, "", False, 24, unverified),
    ]


COEFFICIENTS: dict[str, list[tuple]] = {"nd91_2017": _nd91(), "nd98_2023": _nd98(), "nd152_2025": _nd152()}

# valid_from, amount, legal basis, needs verification
BASE_SALARIES: list[tuple[date, int, str, bool]] = [
    (date(2017, 7, 1), 1_300_000, "Nghị định 47/2017/NĐ-CP", False),
    (date(2018, 7, 1), 1_390_000, "Nghị định 72/2018/NĐ-CP", False),
    (date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP", False),
    (date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP", False),
    (date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP", False),
    (date(2026, 7, 1), 2_530_000,
     "Chưa tìm được văn bản quy định (một nguồn thứ ba nêu Nghị định 161/2026/NĐ-CP) – cần kiểm chứng", True),
]


def _known(model, values: dict) -> dict:
    """Only the fields ``model`` has: 0001_initial calls ``apply`` with the first
    shape of these models (no article, label, … yet)."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def apply(regime_model, coefficient_model, salary_model) -> None:
    """Upsert the shipped rows; used by the data migrations (historical models) and
    by the demo loader (live models). Shipped coefficient rows no longer in the
    data are removed; rows staff added for other award types stay."""
    regimes = {}
    has_prior = "prior_dossiers_regime" in {f.name for f in regime_model._meta.get_fields()}
    nullable = coefficient_model._meta.get_field("coefficient").null
    for spec in REGIMES:
        spec = dict(spec)
        code = spec.pop("code")
        prior = spec.pop("prior_dossiers", None)
        regimes[code], _ = regime_model.objects.update_or_create(code=code, defaults=_known(regime_model, spec))
        if prior and has_prior:
            regimes[code].prior_dossiers_regime = regimes[prior]
            regimes[code].save(update_fields=["prior_dossiers_regime"])
    for code, rows in COEFFICIENTS.items():
        keep = []
        for award_type, subject, level, coefficient, article, label, verified, order, note in rows:
            if coefficient is None and not nullable:
                continue  # the first schema could not record "no amount in law"
            defaults = {"coefficient": coefficient, "article": article, "label": label, "verified": verified,
                        "order": order, "note": note[:300] if not nullable else note}
            row, _ = coefficient_model.objects.update_or_create(
                regime=regimes[code], award_type=award_type, subject=subject, level=level,
                defaults=_known(coefficient_model, defaults),
            )
            keep.append(row.pk)
        # Rows shipped earlier for the same award types but dropped now (e.g. a guessed level row).
        shipped_types = {r[0] for r in rows}
        coefficient_model.objects.filter(regime=regimes[code], award_type__in=shipped_types).exclude(pk__in=keep).delete()
    for valid_from, amount, basis, verify in BASE_SALARIES:
        salary_model.objects.update_or_create(
            valid_from=valid_from, defaults={"amount": amount, "legal_basis": basis, "needs_verification": verify}
        )
