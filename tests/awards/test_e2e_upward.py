"""Browser test (issue 11, acceptance 2): in the Hà Nam 2024 round the Sở's staff cannot
mix forms of two authorities in one Tờ trình; they propose the Bằng khen of the Chủ tịch
UBND tỉnh upward, and record the province's decision with its scanned copy when it returns."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from awards.choices import NominationStatus
from awards.models import Nomination
from campaigns.demo import DEMO_PASSWORD
from tests.conftest import login

pytestmark = pytest.mark.e2e

SCAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def hn_live(transactional_db):
    from tests.awards.test_authority import HaNam

    hn = HaNam()
    noms = [hn.to_council(hn.giay_khen, hn.people[1]), hn.to_council(hn.bk_province, hn.people[2])]
    hn.approve_all(noms)
    return hn, noms


def test_staff_propose_bang_khen_upward_and_record_the_provinces_decision(browser, live_server, hn_live):
    hn, (gk, bk_tinh) = hn_live
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server, "hanam.sgtvt.vanphong", DEMO_PASSWORD)
    round_url = f"{live_server.url}/khen-thuong/dot/{hn.round.pk}/"

    # A Tờ trình mixing the Sở's Giấy khen with the province's Bằng khen is refused, in Vietnamese.
    page.goto(round_url)
    page.click("summary:has-text('Lập tờ trình')")
    page.fill("#id_proposal_date", "2025-01-16")
    page.get_by_label("Giấy khen của Lãnh đạo Sở", exact=True).check()
    page.get_by_label("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", exact=True).check()
    page.click("#decision-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("do Chủ tịch Ủy ban nhân dân tỉnh Hà Nam quyết định: lập tờ trình đề nghị cấp trên")

    # Upward: the Sở's own number and symbol, addressed to the Chủ tịch UBND tỉnh.
    page.goto(round_url)
    page.click("summary:has-text('Lập tờ trình')")
    page.select_option("#id_proposal_unit", label="Sở Giao thông vận tải Hà Nam")
    page.fill("#id_proposal_number", "04")
    page.fill("#id_proposal_symbol", "TTr-SGTVT")
    page.fill("#id_proposal_date", "2025-01-16")
    page.check("#id_upward")
    page.get_by_label("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", exact=True).check()
    page.click("#decision-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tờ trình 04/TTr-SGTVT")
    expect(page.locator("#authority")).to_contain_text("đề nghị Chủ tịch Ủy ban nhân dân tỉnh Hà Nam")
    expect(page.locator("body")).to_contain_text(bk_tinh.nominee_name)
    expect(page.locator("body")).not_to_contain_text(gk.nominee_name)  # the Sở's own form is not proposed upward
    # The higher level prints its own Quyết định and Bằng khen: not offered here.
    expect(page.locator("#documents-form input[value=decision]")).to_have_count(0)
    expect(page.locator("#documents-form input[value=certificates]")).to_have_count(0)

    # The province's decision comes back: number, date, signer and the scanned copy.
    page.fill("#id_number", "245")
    page.fill("#id_symbol", "QĐ-UBND")
    page.fill("#id_decision_date", "2025-02-10")
    page.fill("#id_signer_name", "Trương Quốc Huy")
    page.set_input_files("#id_scan", files=[{"name": "qd-245.pdf", "mimeType": "application/pdf", "buffer": SCAN_PDF}])
    page.click("#external-form button[type=submit]")
    expect(page.locator("#external-decision")).to_contain_text("245/QĐ-UBND")
    expect(page.locator("#external-decision")).to_contain_text("Trương Quốc Huy")
    response = page.request.get(live_server.url + page.locator("#external-decision a").get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert "attachment" in response.headers["content-disposition"]  # an uploaded file is never shown inline
    context.close()

    bk_tinh.refresh_from_db()
    gk.refresh_from_db()
    assert bk_tinh.status == NominationStatus.DECIDED and bk_tinh.decision.number == "245"
    assert gk.status == NominationStatus.APPROVED and Nomination.objects.filter(decision__upward=False).count() == 0
