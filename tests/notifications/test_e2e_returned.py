"""Browser test (issue 13, acceptance 2): staff return a nomination through its
page; the commune's officer sees it in the bell on a 390 px phone, opens it, and
has the e-mail (locmem backend in tests, the console one in the demo). The
officer of the neighbouring commune is told nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards import services
from campaigns.demo import DEMO_PASSWORD
from tests.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def tn_live(transactional_db):
    from tests.awards.conftest import TamNong

    return TamNong()


def _as(browser, live_server, username, width=1280, height=900, refused=None):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    if refused is not None:  # what the Content-Security-Policy blocked, and script errors
        page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.on("pageerror", lambda exc: refused.append(str(exc)))
    login(page, live_server, username, DEMO_PASSWORD)
    return context, page


def test_returned_nomination_reaches_its_officer_in_the_bell_and_by_email(browser, live_server, tn_live):
    tn = tn_live
    tn.officer_pc.email = "vanphong@phucuong.tamnong.vn"
    tn.officer_pc.save()
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    nomination = tn.nominate(tn.officer_pc, person=person)
    services.update_report(nomination, actor=tn.officer_pc, duties="Công chức Văn phòng – Thống kê",
                           achievements=["Tham mưu hoàn thành 100% nội dung Kế hoạch CCHC năm 2023 của xã."],
                           other="", awards_received="", summary="Hoàn thành xuất sắc nhiệm vụ.")
    services.submit_nomination(nomination, actor=tn.officer_pc)
    mail.outbox.clear()
    detail = f"{live_server.url}/khen-thuong/ho-so/{nomination.pk}/"

    # 1. Emulation staff return it from its page, with the reason.
    ctx, page = _as(browser, live_server, "tamnong.thidua")
    page.goto(detail)
    page.fill("input[name=reason]", "Thiếu minh chứng sáng kiến")
    page.click("button:has-text('Trả lại đơn vị')")
    expect(page.locator("#status")).to_have_text("Bị trả lại (cần bổ sung)")
    expect(page.locator("#bell-count")).to_have_count(0)  # staff are not told of their own act
    ctx.close()

    # 2. The e-mail went out once the return committed.
    assert [m.to for m in mail.outbox] == [["vanphong@phucuong.tamnong.vn"]]
    assert person.full_name in mail.outbox[0].subject
    assert "Thiếu minh chứng sáng kiến" in mail.outbox[0].body and f"/khen-thuong/ho-so/{nomination.pk}/" in mail.outbox[0].body

    # 3. On a phone, the officer's bell shows one unread item; opening it leads to the dossier.
    refused: list[str] = []
    ctx, page = _as(browser, live_server, "tamnong.xa.phucuong", width=390, height=844, refused=refused)
    bell = page.locator("details.bell")
    expect(page.locator("#bell-count")).to_have_text("1")
    expect(bell).to_be_visible()
    page.click("details.bell > summary")
    item = page.locator(".bell-panel button.bell-item")
    expect(item).to_contain_text(f"Hồ sơ đề nghị khen thưởng {person.full_name} bị trả lại")
    box = page.locator(".bell-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the panel fits the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("footer.footer")  # a click elsewhere closes the panel (static/js/portal.js)
    expect(page.locator(".bell-panel")).to_be_hidden()
    page.click("details.bell > summary")
    item.click()
    page.wait_for_url(detail)
    expect(page.locator("#status")).to_have_text("Bị trả lại (cần bổ sung)")
    expect(page.locator("#bell-count")).to_have_count(0)  # read now
    assert refused == []
    ctx.close()

    # 4. The officer of An Long was told nothing.
    ctx, page = _as(browser, live_server, "tamnong.xa.anlong")
    expect(page.locator("details.bell > summary")).to_be_visible()
    expect(page.locator("#bell-count")).to_have_count(0)
    page.goto(f"{live_server.url}/thong-bao/")
    expect(page.locator("main")).to_contain_text("Chưa có thông báo nào.")
    ctx.close()
