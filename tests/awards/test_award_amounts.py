"""Issue 11, acceptance 1: amounts under NĐ 152/2025 (rounded up after the
coefficient, Điều 49.2), every coefficient row cites decree + article, regimes end
(Điều 60.1) and the transitional rules (Điều 60.2–3); the "Mức tiền thưởng" page
and ``manage.py award_amounts``."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from awards.legal_data import apply
from awards.models import BaseSalary, BonusCoefficient, LegalRegime
from awards.money import MoneyConfigError, amount_breakdown, award_amount, regime_on
from campaigns.models import AwardForm
from core.errors import DomainError

ENDED = r"Nghị định 152/2025/NĐ-CP đã hết hiệu lực sau ngày 28/02/2027.*Cần cấu hình văn bản thay thế"


@pytest.fixture
def config(db):
    apply(LegalRegime, BonusCoefficient, BaseSalary)  # idempotent; survives a transactional flush


def form(award_type: str, level: str) -> AwardForm:
    # Unsaved: the amount depends only on the form's type, level and money kind.
    return AwardForm(name=award_type, award_type=award_type, level=level, subject="both")


def test_acceptance_amounts(config):
    gk = form("giay_khen", "commune")
    assert award_amount(gk, date(2025, 7, 15), "individual") == 710_000  # 0.3 × 2,340,000 = 702,000 → up
    assert award_amount(gk, date(2025, 7, 15), "collective") == 1_410_000  # 0.6 × 2,340,000 = 1,404,000 → up
    later = amount_breakdown(gk, date(2026, 7, 15), "individual")
    assert (later.amount, later.base_salary) == (760_000, 2_530_000)
    assert not later.verified  # the 2026 base salary is still marked "cần kiểm chứng"
    pm = amount_breakdown(form("bang_khen_ttg", "national"), date(2025, 7, 15), "individual")
    assert (pm.amount, pm.coefficient) == (8_190_000, Decimal("3.5"))
    assert pm.source == "NĐ 152/2025/NĐ-CP, Điều 54 khoản 1 điểm a" and pm.verified


def test_giay_khen_of_an_authority_the_decree_does_not_pay_has_no_amount(config):
    b = amount_breakdown(form("giay_khen", "province"), date(2025, 7, 15), "individual")
    assert b.amount is None and b.coefficient is None
    assert "Điều 54 khoản 1 điểm e" in b.source and "không có mức tiền thưởng" in b.note
    assert award_amount(form("giay_khen", "province"), date(2025, 7, 15), "collective") is None


def test_every_coefficient_row_carries_decree_and_article(config):
    rows = list(BonusCoefficient.objects.select_related("regime"))
    assert {r.regime.code for r in rows} == {"nd91_2017", "nd98_2023", "nd152_2025"}
    for r in rows:
        assert r.regime.decree and r.article, r
        assert r.source.startswith(f"NĐ {r.regime.decree}, "), r
    nd152 = [r for r in rows if r.regime.code == "nd152_2025"]
    for r in nd152:  # all read from the decree's text: Điều 50 (titles) and 54 (Bằng khen, Giấy khen)
        assert re.fullmatch(r"Điều 5[04] khoản [12] điểm [a-eđ]", r.article), r
    # Only the mapping of Giấy khen issuers onto Luật Điều 75.1 a–đ stays unverified.
    assert {(r.award_type, r.level) for r in nd152 if not r.verified} == {
        ("giay_khen", "commune"), ("giay_khen", "district"), ("giay_khen", "department")}


def test_decision_after_nd152_ends_is_refused_until_a_successor_is_configured(config):
    gk = form("giay_khen", "commune")
    assert award_amount(gk, date(2027, 2, 28), "individual") == 760_000  # last day of NĐ 152
    for day in (date(2027, 3, 1), date(2027, 3, 2)):
        with pytest.raises(MoneyConfigError, match=ENDED) as refused:
            award_amount(gk, day, "individual")
        assert isinstance(refused.value, DomainError)
    successor = LegalRegime.objects.create(code="successor", name="Văn bản thay thế (thử)", decree="1/2027/NĐ-CP",
                                           valid_from=date(2027, 3, 1), report_form_title="x")
    BonusCoefficient.objects.create(regime=successor, award_type="giay_khen", subject="individual",
                                    coefficient=Decimal("0.4"), article="Điều 1")
    assert award_amount(gk, date(2027, 3, 2), "individual") == 1_020_000  # 0.4 × 2,530,000 = 1,012,000 → up


def test_transitional_rules_of_article_60(config):
    gk = form("giay_khen", "commune")
    early = amount_breakdown(gk, date(2025, 7, 15), "individual", submitted_on=date(2025, 6, 20))
    assert early.regime.code == "nd98_2023" and early.amount == 360_000  # 60.3: dossier sent before 01/07/2025
    assert amount_breakdown(gk, date(2025, 7, 15), "individual", submitted_on=date(2025, 7, 1)).amount == 710_000
    assert regime_on(date(2025, 12, 31), without_delegated_rules=True).code == "nd98_2023"  # 60.2
    assert regime_on(date(2026, 1, 1), without_delegated_rules=True).code == "nd152_2025"
    assert regime_on(date(2025, 12, 31)).code == "nd152_2025"


def test_command_prints_the_table_and_fails_after_the_end(config):
    out = StringIO()
    call_command("award_amounts", "--date", "2025-07-15", stdout=out)
    text = out.getvalue()
    assert "Văn bản áp dụng: Nghị định 152/2025/NĐ-CP, từ 01/07/2025 (Điều 59 khoản 1)" in text
    assert "Mức lương cơ sở: 2.340.000 đồng/tháng" in text
    assert "Bằng khen của Thủ tướng Chính phủ | cá nhân: 3,5 → 8.190.000 | tập thể: 7 → 16.380.000" in text
    assert "Giấy khen của Chủ tịch UBND cấp xã | cá nhân: 0,3 → 710.000 | tập thể: 0,6 → 1.410.000" in text
    assert "Giấy khen của người tặng khác | cá nhân: không quy định" in text
    with pytest.raises(CommandError, match=ENDED):  # manage.py turns a CommandError into exit status 1
        call_command("award_amounts", "--date", "2027-03-02", stdout=StringIO())


def test_page_for_staff_only(tn, client):
    client.force_login(tn.staff)
    page = client.get(reverse("awards:award_amounts"), {"date": "2025-07-15"}).content.decode()
    assert "8.190.000" in page and "NĐ 152/2025/NĐ-CP, Điều 54 khoản 1 điểm a" in page and "2.340.000" in page
    refused = client.get(reverse("awards:award_amounts"), {"date": "2027-03-02"}).content.decode()
    assert "Cần cấu hình văn bản thay thế" in refused and 'id="amounts-table"' not in refused
    assert reverse("awards:award_amounts") in client.get(reverse("awards:nomination_list")).content.decode()
    client.force_login(tn.officer_pc)
    assert client.get(reverse("awards:award_amounts")).status_code == 403


def test_page_shows_unverified_figures_as_a_badge_with_a_footnote(config, client, staff):
    """Finding 9 of the new-user trial: an unverified row or base salary shows a short
    "chưa kiểm chứng" badge, its note once in a footnote (and tooltip); no nested
    "(… (…)) – cần kiểm chứng) – cần kiểm chứng" of research notes."""
    client.force_login(staff)
    page = client.get(reverse("awards:award_amounts"), {"date": "2026-07-15"}).content.decode()
    salary = page.split("<dt>Mức lương cơ sở</dt>")[1].split("</dd>")[0]
    assert "2.530.000" in salary and "chưa kiểm chứng</span>" in salary and "(" not in salary.split("<span")[0]
    notes = re.findall(r'<li id="amount-note-\d+">([^<]*)</li>', page)
    assert notes[0] == "Chưa tìm được văn bản quy định (một nguồn thứ ba nêu Nghị định 161/2026/NĐ-CP)"
    # NĐ 152 Giấy khen rows (its coefficient verified, the issuer's place in Luật Điều 75 not): one note a level.
    assert len(notes) == len(set(notes)) == 4 and all("Điều 75 Luật TĐKT" in n for n in notes[1:])
    assert not any("kiểm chứng" in n for n in notes) and "cần kiểm chứng" not in page.lower() and "))" not in page
    older = client.get(reverse("awards:award_amounts"), {"date": "2023-07-15"}).content.decode()
    assert older.count("chưa kiểm chứng</span>") == 7 + 2  # the 7 NĐ 91/2017 rows, its rounding article and start
    assert "NĐ 91/2017/NĐ-CP, Điều 72<" in older and "cần kiểm chứng" not in older.lower()
    assert "– làm tròn lên hàng chục nghìn đồng <span" in older  # the rounding basis inline, its tail a badge
    # The 7 rows share one note: one footnote, the badge's tooltip on each row.
    assert re.findall(r'<li id="amount-note-\d+">([^<]*)</li>', older) == ["Chưa đối chiếu được văn bản NĐ 91/2017"]
    assert older.count('title="Chưa đối chiếu được văn bản NĐ 91/2017"') == 7
