"""Phones (issue 13 item 6, acceptance 3): at 390 px no page a demo role reaches is
laid out wider than the screen — charts scale by their viewBox, wide tables scroll
inside their own box, long forms fold into sections.

One browser walk per role over the pages linked from the home page and from
those (one page per kind of URL, as in test_link_walk), on the demo data.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from campaigns.demo import DEMO_PASSWORD
from tests.conftest import login
from tests.portal.test_link_walk import SKIP, shape

pytestmark = pytest.mark.e2e

WIDTH = 390
ROLES = ["admin", "tamnong.thidua", "tamnong.chutich", "tamnong.hoidong", "tamnong.xa.phucuong", "dakrong.giamkhao1",
         "ealy.canbo"]
PAGES_PER_ROLE = 30

#: The page's layout width, and the elements sticking out past the screen (for the message).
MEASURE = """() => {
  const w = document.documentElement.scrollWidth;
  const out = [];
  if (w > window.innerWidth + 1) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && r.width > 0) {
        let scrolls = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolls = true; break; }
        }
        if (!scrolls) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                               (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                               ' (' + Math.round(r.right) + ' px)');
      }
      if (out.length >= 3) break;
    }
  }
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  return {width: w, out: out, links: links};
}"""


@pytest.fixture
def demo_live(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def _internal(href: str, base: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.netloc and parts.netloc != urlsplit(base).netloc:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(SKIP) or path.startswith("/admin/"):
        return None
    return path


def test_no_page_is_wider_than_a_390px_phone(browser, live_server, demo_live):
    from django.urls import reverse

    from organization.models import Unit

    # Walked first whatever the links (trial finding 5): a district's dashboard (chart, indicator
    # cards, the communes' table) and the seven-column award amounts table.
    first = {"tamnong.thidua": [reverse("scoring:unit_dashboard", args=[Unit.objects.get(code="DT-TAMNONG").pk]),
                                reverse("awards:award_amounts")]}
    too_wide: list[str] = []
    for username in ROLES:
        context = browser.new_context(locale="vi-VN", viewport={"width": WIDTH, "height": 844}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, live_server, username, DEMO_PASSWORD)
        queue, seen, visited = ["/", *first.get(username, [])], set(), 0
        while queue and visited < PAGES_PER_ROLE:
            url = queue.pop(0)
            if shape(url) in seen:
                continue
            seen.add(shape(url))
            try:
                response = page.goto(live_server.url + url)
            except PlaywrightError as exc:  # a file download (xlsx, pdf) is not a page to lay out
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is None or not response.headers.get("content-type", "").startswith("text/html"):
                continue
            visited += 1
            found = page.evaluate(MEASURE)
            if found["width"] > WIDTH + 1:
                too_wide.append(f"{username} {url}: {found['width']} px – {', '.join(found['out']) or '?'}")
            if url == "/" or url.count("/") <= 3:  # two levels from home
                queue += [p for h in found["links"] if (p := _internal(h, live_server.url)) and shape(p) not in seen]
        context.close()
        assert visited > 5, f"{username}: chỉ mở được {visited} trang"
    assert not too_wide, "Trang rộng hơn màn hình 390 px:\n" + "\n".join(too_wide)
