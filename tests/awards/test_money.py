"""Amounts from the dated configuration (data migration rows)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from awards.models import BaseSalary, LegalRegime
from awards.money import MoneyConfigError, award_amount, base_salary_on, regime_on, round_up
from campaigns.models import AwardForm, Campaign


@pytest.fixture
def forms(db):
    from awards.legal_data import apply
    from awards.models import BonusCoefficient
    from campaigns.demo import load_base

    load_base()
    apply(LegalRegime, BonusCoefficient, BaseSalary)  # idempotent; survives a transactional flush
    tam_nong = Campaign.objects.get(code="tam-nong-2023")
    dakrong = Campaign.objects.get(code="dakrong-cuoc-thi-2020")
    return {"giay_khen": tam_nong.award_forms.get(order=1), "giay_khen_xa": tam_nong.award_forms.get(order=2),
            "prizes": list(dakrong.award_forms.order_by("rank"))}


def test_giay_khen_2025_rounds_up_as_nd152_art_49_2(forms):
    # 0.3 × 2,340,000 = 702,000 → 710,000; 0.6 × 2,340,000 = 1,404,000 → 1,410,000 (the
    # earlier 702,000 expectation ignored NĐ 152 Điều 49 khoản 2).
    assert award_amount(forms["giay_khen"], date(2025, 7, 15), "individual") == 710_000
    assert award_amount(forms["giay_khen"], date(2025, 7, 15), "collective") == 1_410_000


def test_same_award_in_2023_follows_nd91(forms):
    assert regime_on(date(2023, 7, 15)).code == "nd91_2017"
    assert base_salary_on(date(2023, 7, 15)) == 1_800_000
    assert award_amount(forms["giay_khen"], date(2023, 7, 15), "individual") == 540_000  # 0.3 × 1,800,000
    assert award_amount(forms["giay_khen"], date(2023, 6, 30), "individual") == 450_000  # 0.3 × 1,490,000 → up to 10,000
    # ND 91's commune-chairman Giấy khen: 0.15 × 1,800,000 = 270,000.
    assert award_amount(forms["giay_khen_xa"], date(2023, 7, 15), "individual") == 270_000


def test_nd98_period_and_boundaries(forms):
    # NĐ 98/2023 was signed 31/12/2023 and took effect 01/01/2024.
    assert regime_on(date(2023, 12, 31)).code == "nd91_2017"
    assert regime_on(date(2024, 1, 1)).code == "nd98_2023"
    assert regime_on(date(2025, 6, 30)).code == "nd98_2023"
    assert regime_on(date(2025, 7, 1)).code == "nd152_2025"
    # ND 98: 0.15 × 2,340,000 = 351,000 → rounded UP to 360,000.
    assert award_amount(forms["giay_khen"], date(2024, 8, 1), "individual") == 360_000


def test_rounding_up_to_ten_thousand():
    assert round_up(Decimal("447000")) == 450_000
    assert round_up(Decimal("702000")) == 710_000
    assert round_up(Decimal("702000"), 1) == 702_000  # a regime configured without rounding
    assert round_up(Decimal("700000")) == 700_000
    assert round_up(Decimal("700000.01")) == 710_000


def test_dakrong_prizes_are_fixed(forms):
    assert [award_amount(f, date(2020, 9, 30)) for f in forms["prizes"]] == [2_000_000, 1_500_000, 1_000_000]


def test_future_salary_marked_for_verification(forms):
    row = BaseSalary.objects.get(valid_from=date(2026, 7, 1))
    assert row.amount == 2_530_000 and row.needs_verification
    assert award_amount(forms["giay_khen"], date(2026, 7, 15), "individual") == 760_000  # 0.3 × 2,530,000 = 759,000 → up


def test_override_and_missing_configuration(forms):
    form: AwardForm = forms["giay_khen"]
    form.coefficient_override = Decimal("0.5")
    assert award_amount(form, date(2025, 7, 15), "individual") == 1_170_000  # 0.5 × 2,340,000
    with pytest.raises(ValueError, match="cần chỉ rõ đối tượng"):
        award_amount(AwardForm(campaign=form.campaign, name="x", award_type="giay_khen", level="district", subject="both"), date(2025, 7, 15))
    LegalRegime.objects.all().delete()
    with pytest.raises(MoneyConfigError, match="Chưa cấu hình nghị định"):
        award_amount(forms["giay_khen"], date(2025, 7, 15), "individual")
