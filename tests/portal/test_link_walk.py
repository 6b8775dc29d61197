"""No dead ends (issue 13 item 5, acceptance 3): for each demo role, every link shown
on every page the role reaches answers without a 4xx or 5xx.

The demo is loaded once for the module inside one outer transaction that is rolled
back at the end (the test client shares the connection), so the rest of the suite
never sees it. Links are walked breadth-first from the home page; links that differ
only by ids or query values ("/khen-thuong/ho-so/12/" and ".../13/") are one shape,
visited once per role, which keeps the walk to about a minute while still opening
every kind of page each role is shown. The Django admin's index is checked, the
admin itself (Django's own pages) is not crawled.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

#: One account per demo role (and a second officer kind: a department's office).
ROLES = [
    "admin",                  # superuser without a unit
    "tamnong.thidua",         # emulation staff of a district
    "tamnong.chutich",        # leader
    "tamnong.hoidong",        # council member
    "tamnong.xa.phucuong",    # commune officer
    "tamnong.phong.vhtt",     # office officer
    "dakrong.giamkhao1",      # contest judge
    "ealy.canbo",             # commune officer of the PAR-index plan
]
#: Pages that change state on GET would not be links; these are left out for what they are.
SKIP = ("/static/", "/media/", "/dang-xuat/", "/logout/")
MAX_PAGES_PER_ROLE = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue  # another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIP):
            out.append(path)
    return out


def shape(url: str) -> str:
    """The URL with ids and query values blanked: one visit per kind of page."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/#", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The README's demo data, loaded once and rolled back after the module."""
    from cchc_portal.celery import app

    media = tmp_path_factory.mktemp("demo-media")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("load_demo", stdout=io.StringIO())
            yield media
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            app.conf.task_always_eager = eager


def walk(client, start: str = "/") -> tuple[dict[str, tuple[int, str]], int]:
    """Breadth-first over links: {url: (status, found on)} of failures, and pages seen."""
    seen_shapes: set[str] = set()
    queue: deque[tuple[str, str]] = deque([(start, "(bắt đầu)")])
    failures: dict[str, tuple[int, str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES_PER_ROLE:
        url, found_on = queue.popleft()
        if shape(url) in seen_shapes:
            continue
        seen_shapes.add(shape(url))
        response = client.get(url)
        pages += 1
        if response.status_code >= 400:
            failures[url] = (response.status_code, found_on)
            continue
        if response.status_code in (301, 302):
            location = response["Location"]
            if not location.startswith(("http://", "https://")) or "testserver" in location:
                queue.append((urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else ""), url))
            continue
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # read and close the file
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if url.startswith("/admin/"):
            continue  # Django's own admin: its index is checked, not crawled
        for link in links_of(response.content.decode(), url):
            if shape(link) not in seen_shapes:
                queue.append((link, url))
    return failures, pages


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_link_shown_to_a_demo_role_works(demo, client, settings, username):
    settings.MEDIA_ROOT = demo  # the demo's stored files (the autouse fixture points elsewhere)
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    failures, pages = walk(client)
    assert pages > 10, f"{username}: chỉ mở được {pages} trang"
    assert not failures, f"{username}: " + "; ".join(f"{u} → {s} (từ {src})" for u, (s, src) in failures.items())


def test_shape_blanks_ids_and_query_values():
    assert shape("/khen-thuong/ho-so/12/?round=3&status=x") == shape("/khen-thuong/ho-so/7/?status=y&round=9")
    assert shape("/khen-thuong/ho-so/12/") != shape("/khen-thuong/dot/12/")
