"""In Debian chromium: the portal's Content-Security-Policy blocks nothing the pages
need (issue 12, part 5). Chromium reports every blocked inline script, handler or
style on the console ("Refused to …"); none may appear, and the behaviours that
used to be inline handlers (menu toggle, filter selects) still work."""

from __future__ import annotations

import pytest

from campaigns.demo import DEMO_PASSWORD, load_base
from contests import demo as contest_demo
from contests.models import Entry
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_csp_without_violations(live_server, page):
    load_base()
    contest_demo.load()
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: refused.append(str(exc)))
    login(page, live_server, "dakrong.thidua", DEMO_PASSWORD)
    entry = Entry.objects.filter(contest__code=contest_demo.CODE).order_by("code").first()
    paths = ["/", "/phong-trao/", "/cuoc-thi/", f"/cuoc-thi/{contest_demo.CODE}/",
             f"/cuoc-thi/{contest_demo.CODE}/bai-du-thi/{entry.pk}/", "/so-lieu/day-du/", "/so-lieu/", "/khen-thuong/",
             "/don-vi/", "/tai-khoan/dang-nhap-hai-buoc/", "/quan-tri/"]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    # The QR code of the enrolment page is inline SVG: drawn, not blocked.
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap-hai-buoc/")
    assert page.locator("#ma-qr svg").count() == 1
    # The filter selects submit their form on change (data-autosubmit, static/js/portal.js).
    page.goto(f"{live_server.url}/so-lieu/")
    select = page.locator("select#f-kind[data-autosubmit]")  # the unit is searched, not picked from every unit
    options = select.locator("option").all()
    assert len(options) > 1
    with page.expect_navigation():
        select.select_option(index=1)
    assert "kind=" in page.url
    # The menu button toggles the menu on a narrow screen (data-menu-toggle).
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(f"{live_server.url}/")
    page.click("button[data-menu-toggle]")
    assert "menu-open" in (page.locator("body").get_attribute("class") or "")
    assert page.locator(".mainnav").is_visible()
    assert refused == []
    # The detector itself works: an inline script added now is refused and reported.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.leak = 1';"
                  " document.head.appendChild(s); }")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.leak === undefined")
    assert any("Content Security Policy directive" in m and "inline" in m for m in refused), refused
