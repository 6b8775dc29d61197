"""Browser test: one Tam Nông 6-month round end to end, every step through the pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from campaigns.demo import DEMO_PASSWORD
from organization.models import PerformanceRating
from tests.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def tn_live(transactional_db):
    from tests.awards.conftest import TamNong

    return TamNong()


def _as(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server, username, DEMO_PASSWORD)
    return context, page


def test_tam_nong_six_month_round_end_to_end(browser, live_server, tn_live):
    tn = tn_live
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    PerformanceRating.objects.update_or_create(person=person, year=2023, defaults={"rating": "excellent"})
    base = live_server.url

    # 1. The officer of Phú Cường nominates one of the commune's civil servants.
    ctx, page = _as(browser, live_server, "tamnong.xa.phucuong")
    page.goto(f"{base}/khen-thuong/?round={tn.round.pk}")
    page.click("text=+ Lập hồ sơ đề nghị")
    page.select_option("#id_award_form", label=tn.giay_khen.name)
    page.select_option("#id_nominee", value=f"p:{person.pk}")
    page.click("button:has-text('Lập hồ sơ')")
    page.fill("#id_ach_0", "Tham mưu hoàn thành 100% nội dung Kế hoạch CCHC năm 2023 của xã.")
    page.fill("#id_summary", "Hoàn thành xuất sắc nhiệm vụ tại Bộ phận Một cửa.")
    page.click("button:has-text('Lưu báo cáo')")
    page.click("button:has-text('Gửi hồ sơ')")
    expect(page.locator("#status")).to_have_text("Đã gửi, chờ thẩm định")
    detail_url = page.url
    ctx.close()

    # 2. Emulation staff appraise, put to the council, open the meeting and record the ballots.
    ctx, page = _as(browser, live_server, "tamnong.thidua")
    page.goto(detail_url)
    page.click("button:has-text('Thẩm định đạt')")
    page.click("button:has-text('Trình Hội đồng')")
    expect(page.locator("#status")).to_have_text("Đã trình Hội đồng")
    page.goto(f"{base}/khen-thuong/dot/{tn.round.pk}/")
    page.click("summary:has-text('Lập cuộc họp')")
    page.fill("#id_held_at", "2023-07-12T08:00")
    page.fill("#id_location", "Hội trường UBND huyện Tam Nông")
    page.fill("#id_number", "3")
    # The district's accounts (chairman, council, staff as secretary) come ticked; one member has no account.
    page.fill("#id_members", "Phạm Văn Bình; Chánh Văn phòng; Ủy viên")
    page.click("#meeting-form button[type=submit]")
    expect(page.locator("#quorum")).to_contain_text("đủ điều kiện")
    ctx.close()

    # 3. The secretary records the paper ballots' tally (members who vote in the portal:
    # test_e2e_voting) and closes the meeting.
    ctx, page = _as(browser, live_server, "tamnong.thidua")
    page.goto(f"{base}/khen-thuong/dot/{tn.round.pk}/")
    page.click("a:has-text('Họp Hội đồng Thi đua')")
    page.fill("form.tally input[name=yes]", "4")
    page.click("form.tally button")
    expect(page.locator("table").last).to_contain_text("Đạt")
    page.click("button:has-text('Kết thúc cuộc họp')")
    expect(page.locator("button:has-text('Kết thúc cuộc họp')")).to_have_count(0)
    ctx.close()

    # 4. Staff draft the Tờ trình; the leader approves; the decision is issued.
    ctx, page = _as(browser, live_server, "tamnong.thidua")
    page.goto(f"{base}/khen-thuong/dot/{tn.round.pk}/")
    page.click("summary:has-text('Lập tờ trình')")
    page.fill("#id_proposal_number", "5")
    page.fill("#id_proposal_date", "2023-07-13")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url("**/quyet-dinh/*/")
    decision_url = page.url
    ctx.close()

    ctx, page = _as(browser, live_server, "tamnong.chutich")
    page.goto(detail_url)
    page.click("button:has-text('Duyệt khen thưởng')")
    expect(page.locator("#status")).to_have_text("Lãnh đạo đã duyệt")
    page.goto(decision_url)
    page.fill("#id_number", "12")
    page.fill("#id_decision_date", "2023-07-15")
    page.click("#issue-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".msg-success").count() == 1, page.locator(".messages").all_inner_texts()
    expect(page.locator("h1 + p .badge")).to_have_text("Đã ban hành")
    page.click("#documents-form button[type=submit]")
    expect(page.locator("#documents a[data-kind=certificates]")).to_have_count(1)
    links = page.locator("#documents a")
    kinds = {}
    for i in range(links.count()):
        link = links.nth(i)
        kinds.setdefault(link.get_attribute("data-kind"), link.get_attribute("href"))
    assert {"proposal", "minutes", "report", "summary", "decision", "certificates"} <= set(kinds), kinds
    for kind, href in kinds.items():
        response = page.request.get(f"{base}{href}")
        assert response.ok, kind
        assert response.body().startswith(b"%PDF"), kind
    page.goto(detail_url)
    expect(page.locator("#status")).to_have_text("Đã có quyết định khen thưởng")
    assert "540.000" in page.content() or "540000" in page.content()
    page.screenshot(path="/tmp/awards-e2e-detail.png", full_page=True)
    ctx.close()
