"""Browser test in Debian chromium (issue 15, acceptance 4): emulation staff open the
leaderboard, click one value and see its provenance — numerator and denominator, the
formula, the text it implements and the uploads behind it (file names, uploader)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.choices import Comparator
from scoring.criteria import evaluate_participants
from scoring.defaults import ensure_default_indicators
from tests.conftest import DEMO_PASSWORD, login

from .conftest import make_campaign
from .test_fresh_install import TWO_MONTHS, import_all, write_files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_opens_the_provenance_of_a_leaderboard_value(live_server, page, tree, staff, officer_a, tmp_path):
    ensure_default_indicators()  # a transactional test starts from a flushed table
    # Real uploads by the commune's officer; the recomputation runs on each commit.
    import_all(write_files(tmp_path), "XA-A", user=officer_a.username)
    campaign, _, round_, participants = make_campaign(tree, year=2023, criteria=[
        {"code": "bcci", "text": "Tỷ lệ hồ sơ tiếp nhận qua BCCI từ 15% trở lên", "indicator_code": "bcci_received_rate",
         "comparator": Comparator.GTE, "threshold": Decimal(15)},
    ])
    evaluate_participants(round_, participants)

    login(page, live_server, staff.username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('scoring:leaderboard', args=[campaign.code, round_.pk])}")
    row = page.locator("tr", has_text="UBND xã A")
    link = row.locator("a.provenance-link")
    assert link.inner_text() == "20"  # 1 of 5 dossiers of BCCI procedures received by post
    link.click()
    page.wait_for_selector("#tep-tai-len")
    assert page.locator("h1").inner_text().startswith("Giải thích con số")
    assert page.locator("#provenance-numerator").inner_text() == "1"
    assert page.locator("#provenance-denominator").inner_text() == "5"
    assert page.locator("#provenance-value").inner_text() == "20%"
    formula = page.locator("#cong-thuc").inner_text()
    assert "Giá trị = 100 × Σ tử số / Σ mẫu số" in formula and "Ea Ly" in formula
    uploads = page.locator("#provenance-uploads").inner_text()
    for name in (*TWO_MONTHS, "danh-muc-tthc.xlsx"):
        assert name in uploads
    assert "Nguyễn Văn An" in uploads
    page.screenshot(path=str(tmp_path / "provenance.png"), full_page=True)
    assert (tmp_path / "provenance.png").stat().st_size > 10_000
