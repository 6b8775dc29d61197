"""Error pages a user can meet are in Vietnamese (DEBUG off, as in production)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_404_403_and_csrf_pages_are_vietnamese(settings, officer_a):
    settings.DEBUG = False
    client = Client()
    client.force_login(officer_a)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    # Creating a campaign is for emulation staff only.
    response = client.get("/phong-trao/tao-moi/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer_a)
    response = csrf_client.post("/dang-xuat/")
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_500_page_is_vietnamese_and_standalone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Hệ thống đang gặp sự cố" in html
