"""Sign-in that resists guessing (issue 12, acceptance 4): lockout after repeated
failures per account and per address, a TOTP second factor for staff and leaders
when required, Django's password validators, a Content-Security-Policy on every
page, and a ``next`` that stays inside the portal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from campaigns.demo import DEMO_PASSWORD
from organization import signin

PASSWORD = "matkhau-thu-nghiem-123"  # tests/conftest.make_user's
LOGIN = "/dang-nhap/"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


def _post_login(client, username: str, password: str, address: str = "127.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _age_attempts(delta: timedelta) -> None:
    """Move every recorded failure ``delta`` into the past (the cool-off clock)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


# --- lockout ---------------------------------------------------------------------------

def test_sixth_wrong_password_locks_the_account_for_the_configured_time(client, officer_a):
    assert settings.AXES_FAILURE_LIMIT == 6 and settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    for attempt in range(1, 6):
        response = _post_login(client, "canbo_xa_a", f"sai-{attempt}")
        assert response.status_code == 200 and WRONG in response.content.decode(), attempt
    locked = _post_login(client, "canbo_xa_a", "sai-6")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page and "6 lần" in page and "15 phút" in page
    # Locked: even the right password is refused, also from another address.
    assert _post_login(client, "canbo_xa_a", PASSWORD).status_code == 429
    assert _post_login(client, "canbo_xa_a", PASSWORD, address="10.9.9.9").status_code == 429
    assert not _signed_in(client)
    # Still locked one minute before the cool-off ends…
    _age_attempts(timedelta(minutes=14))
    assert _post_login(client, "canbo_xa_a", PASSWORD, address="10.9.9.9").status_code == 429
    # …and free after it; a success clears the count.
    _age_attempts(timedelta(minutes=1, seconds=1))
    response = _post_login(client, "canbo_xa_a", PASSWORD, address="10.9.9.9")
    assert response.status_code == 302 and response["Location"] == "/" and _signed_in(client)


def test_six_failures_from_one_address_lock_that_address_for_every_account(client, officer_a, officer_b):
    for i in range(6):
        _post_login(client, f"khong-ton-tai-{i}", "sai-mat-khau", address="203.0.113.7")
    assert _post_login(client, "canbo_xa_b", PASSWORD, address="203.0.113.7").status_code == 429
    # Another address is not affected, nor are the accounts themselves.
    response = _post_login(client, "canbo_xa_b", PASSWORD, address="198.51.100.2")
    assert response.status_code == 302 and _signed_in(client)


def test_five_failures_then_a_success_resets_the_count(client, officer_a):
    for i in range(5):
        _post_login(client, "canbo_xa_a", f"sai-{i}")
    assert _post_login(client, "canbo_xa_a", PASSWORD).status_code == 302
    client.logout()
    for i in range(5):
        assert _post_login(client, "canbo_xa_a", f"sai-lai-{i}").status_code == 200


# --- second factor ---------------------------------------------------------------------

@override_settings(OTP_REQUIRED=True)
def test_staff_without_a_second_factor_cannot_sign_in_when_required(client, staff, leader, officer_a):
    for user in (staff, leader):
        response = _post_login(client, user.username, PASSWORD)
        assert response.status_code == 200
        assert "chưa đăng ký ứng dụng xác thực" in response.content.decode()
        assert not _signed_in(client)
        assert client.get("/").status_code == 302  # still at the sign-in page
    # An officer's account does not need one.
    assert _post_login(client, "canbo_xa_a", PASSWORD).status_code == 302 and _signed_in(client)


@override_settings(OTP_REQUIRED=True)
def test_staff_with_a_device_signs_in_with_password_and_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Ứng dụng xác thực", confirmed=True)
    response = _post_login(client, staff.username, PASSWORD, next="/phong-trao/")
    assert response.status_code == 302 and response["Location"] == reverse("signin_verify")
    assert not _signed_in(client)  # the password alone does not sign in
    assert client.get("/").status_code == 302
    wrong = client.post(reverse("signin_verify"), {"otp_token": f"{(int(_code(device)) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 200 and "Mã xác thực không đúng" in wrong.content.decode() and not _signed_in(client)
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # django-otp's back-off
    device.save()
    ok = client.post(reverse("signin_verify"), {"otp_token": _code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/phong-trao/" and _signed_in(client)
    assert client.get("/").status_code == 200


@override_settings(OTP_REQUIRED=True)
def test_wrong_codes_count_towards_the_lockout(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Ứng dụng xác thực", confirmed=True)
    _post_login(client, staff.username, PASSWORD)
    statuses = []
    for i in range(6):
        statuses.append(client.post(reverse("signin_verify"), {"otp_token": f"{i:06d}"}).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and len(statuses) == 6
    # The account stays locked: the right password and code do not help.
    assert _post_login(client, staff.username, PASSWORD).status_code == 429
    assert device.user_id == staff.pk and not _signed_in(client)


@override_settings(OTP_REQUIRED=True)
def test_a_session_without_the_second_factor_is_signed_out(client, staff):
    """The admin's own login form or a session from before the requirement: out."""
    client.force_login(staff)
    response = client.get("/phong-trao/")
    assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=")
    assert not _signed_in(client)
    admin_login = client.get("/quan-tri/login/?next=/quan-tri/")
    assert admin_login.status_code == 302 and admin_login["Location"] == f"{LOGIN}?next=/quan-tri/"


def test_enrolment_page_shows_qr_and_secret_and_confirms_with_a_code(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("second_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Khóa bí mật" in html and "Đăng nhập hai bước" in html
    device = TOTPDevice.objects.get(user=officer_a, confirmed=False)
    secret = re.search(r'id="khoa-bi-mat">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    refused = client.post(reverse("second_factor_setup"), {"otp_token": "12345"})
    assert "Mã xác thực không đúng" in refused.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    done = client.post(reverse("second_factor_setup"), {"otp_token": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="account.second_factor.enrol", actor=officer_a).count() == 1
    # From now on this account is asked for a code too, even where not required.
    client.logout()
    assert _post_login(client, "canbo_xa_a", PASSWORD)["Location"] == reverse("signin_verify")


@override_settings(OTP_REQUIRED=True)
def test_an_administrator_enrols_a_device_from_the_shell(client, staff, capsys):
    call_command("otp_enrol", staff.username)
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=staff, confirmed=True)
    assert "Khóa bí mật" in out and "Đã đăng ký ứng dụng xác thực" in out
    assert AuditEvent.objects.filter(action="account.second_factor.enrol").exists()
    assert _post_login(client, staff.username, PASSWORD)["Location"] == reverse("signin_verify")
    assert client.post(reverse("signin_verify"), {"otp_token": _code(device)}).status_code == 302
    assert _signed_in(client)


def test_second_factor_is_on_in_production_settings():
    """OTP_REQUIRED follows DJANGO_HTTPS (the README's production settings) unless set."""
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.OTP_REQUIRED)"
    base = {"DJANGO_SETTINGS_MODULE": "cchc_portal.settings", "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": "x" * 60, "CCHC_STATE_DIR": settings.BASE_DIR.as_posix() + "/var"}

    def run(**env: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env={**base, **env}, cwd=settings.BASE_DIR,
                              capture_output=True, text=True, check=True).stdout.strip()

    assert run(DJANGO_HTTPS="1") == "True"
    assert run() == "False"
    assert run(DJANGO_HTTPS="1", CCHC_OTP_REQUIRED="0") == "False"


# --- password rules --------------------------------------------------------------------

def test_password_validators_want_ten_characters_and_accept_the_demo_and_test_passwords():
    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)
    with pytest.raises(ValidationError, match="Mật khẩu quá ngắn: cần ít nhất 10 ký tự"):
        validate_password("Ab@12345")
    with pytest.raises(ValidationError, match="hoàn toàn là số"):
        validate_password("20262026202620")
    with pytest.raises(ValidationError, match="quá phổ biến"):
        validate_password("password123")


# --- next ------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", "https:elsewhere.example",
                                    "http://testserver.elsewhere.example/"])
def test_next_outside_the_portal_is_ignored(client, officer_a, target):
    page = client.get(LOGIN, {"next": target}).content.decode()
    assert "elsewhere" not in page
    response = _post_login(client, "canbo_xa_a", PASSWORD, next=target)
    assert response.status_code == 302 and response["Location"] == "/"


def test_next_inside_the_portal_is_kept(client, officer_a):
    response = _post_login(client, "canbo_xa_a", PASSWORD, next="/phong-trao/")
    assert response["Location"] == "/phong-trao/"


@override_settings(OTP_REQUIRED=True)
def test_next_elsewhere_is_ignored_after_the_second_factor_too(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="Ứng dụng xác thực", confirmed=True)
    _post_login(client, staff.username, PASSWORD, next="https://elsewhere.example/")
    response = client.post(reverse("signin_verify"), {"otp_token": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signin.safe_next(response.wsgi_request, "https://elsewhere.example/") == "/"


# --- Content-Security-Policy -----------------------------------------------------------

def _plain_urls() -> list[str]:
    """Every URL pattern that takes no argument (the admin's regex patterns included
    when they have no group)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if getattr(p.pattern, "converters", None) or "(" in route or "<" in route:
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


INLINE_HANDLER = re.compile(r"<[^>]+?\son[a-z]+\s*=\s*\"([^\"]*)\"", re.IGNORECASE)


def _sha256(code: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def _check_csp(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"no CSP on {url} ({response.status_code})"
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"], url
    assert "'unsafe-inline'" not in directives["style-src"], url
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", url
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode()
        for handler in INLINE_HANDLER.findall(html):
            # Only a third-party handler the policy names by its hash ('unsafe-hashes').
            assert _sha256(handler) in directives["script-src"], f"inline event handler {handler!r} on {url}"
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            # An inline <script>/<style> needs the response's nonce; a script file needs none.
            assert "src=" in tag or re.search(r'nonce="([^"]+)"', tag).group(1) in directives.get(
                "script-src" if tag.startswith("<script") else "style-src", ""), (url, tag)


def test_csp_header_on_every_page_without_arguments(client, tree, staff, admin_user):
    urls = _plain_urls()
    assert {"/", LOGIN, "/phong-trao/", "/cuoc-thi/", "/quan-tri/", "/so-lieu/day-du/"} <= set(urls)
    assert len(urls) > 30
    client.raise_request_exception = False  # a page that fails (500) must carry the header too
    for user in (None, staff, admin_user):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            _check_csp(client.get(url), url)


def test_csp_header_on_detail_sign_in_and_error_pages(client, tree, staff, officer_a):
    _check_csp(client.get(LOGIN), LOGIN)
    client.force_login(staff)
    pages = [reverse("organization:unit_detail", args=[tree["commune_a"].pk]), "/khong-co-trang-nay/",
             reverse("second_factor_setup"), "/so-lieu/day-du/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _check_csp(response, url)
    # The completeness page's <style> carries the nonce of its own response.
    html = client.get("/so-lieu/day-du/").content.decode()
    assert '<style nonce="' in html
    # The lockout page too.
    client.logout()
    for i in range(6):
        response = _post_login(client, "canbo_xa_a", f"sai-{i}")
    assert response.status_code == 429
    _check_csp(response, "locked")


@override_settings(OTP_REQUIRED=True)
def test_the_password_step_expires(client, staff):
    TOTPDevice.objects.create(user=staff, name="Ứng dụng xác thực", confirmed=True)
    _post_login(client, staff.username, PASSWORD)
    session = client.session
    session[signin.PENDING_KEY]["since"] -= signin.PENDING_SECONDS + 1
    session.save()
    response = client.get(reverse("signin_verify"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Phiên đăng nhập đã hết hạn" in response.content.decode() and not _signed_in(client)


def test_the_locked_address_behind_the_proxy_is_the_one_the_proxy_saw(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        # The client may send its own X-Forwarded-For; only the proxy's last entry counts.
        assert signin.client_ip(request) == "203.0.113.9"
    with override_settings(SECURE_PROXY_SSL_HEADER=None):
        assert signin.client_ip(request) == "10.0.0.1"
