"""Trial finding 14: every page named an icon that did not exist (/favicon.ico 404)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_pages_name_the_svg_icon_and_favicon_ico_leads_to_it(client, officer_a):
    client.force_login(officer_a)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get(reverse("home")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    icon = Path(settings.BASE_DIR, "static", "favicon.svg").read_text(encoding="utf-8")
    assert icon.startswith("<svg") and 'viewBox="0 0 32 32"' in icon
