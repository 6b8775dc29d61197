"""Sign-in that resists guessing (issue 12): password with lockout (django-axes),
a TOTP second factor (django-otp) for the accounts that sign decisions, and a
``next`` that only ever points inside the portal.

The flow:

1. ``SignInView`` checks the password. django-axes counts failures per account and
   per address (``AXES_LOCKOUT_PARAMETERS``); the ``AXES_FAILURE_LIMIT``-th failure
   locks both for ``AXES_COOLOFF_TIME`` and shows ``registration/locked.html``.
2. An account that needs a second factor (``second_factor_required``: staff and
   leaders, and Django admin accounts, when ``OTP_REQUIRED`` is on; anyone who has
   enrolled a device) is *not* signed in yet: the session remembers who passed the
   password step for ``PENDING_SECONDS`` and ``verify`` asks for the 6-digit code
   (RFC 6238 TOTP). A wrong code counts as a failed sign-in for django-axes too.
   An account that needs a second factor but has no confirmed device is refused:
   an administrator enrols one (``manage.py otp_enrol``), or the user does on
   ``second_factor_setup`` while the deployment does not yet require it.
3. ``SecondFactorMiddleware`` signs out any session of such an account that was not
   verified with a device (the Django admin's own login form, a session from
   before the requirement was switched on).

``next`` is kept only when ``url_has_allowed_host_and_scheme`` accepts it for this
host (Django's own check, which also refuses ``//elsewhere`` and ``https:elsewhere``).
"""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout, password_validation
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record

from .choices import Role
from .scope import profile_of, role_of

#: Roles whose accounts sign or approve decisions: a second factor when required.
SECOND_FACTOR_ROLES = frozenset({Role.STAFF, Role.LEADER})
#: How long the password step stays valid while the code is asked (seconds).
PENDING_SECONDS = 300
PENDING_KEY = "signin_pending"
DEVICE_NAME = "Ứng dụng xác thực"

NO_DEVICE = ("Tài khoản này phải đăng nhập bằng hai bước (mật khẩu và mã từ ứng dụng xác thực) nhưng chưa "
             "đăng ký ứng dụng xác thực. Đề nghị quản trị hệ thống đăng ký cho bạn.")
WRONG_CODE = "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."
EXPIRED = "Phiên đăng nhập đã hết hạn. Vui lòng nhập lại tên đăng nhập và mật khẩu."


# --- rules -----------------------------------------------------------------------------

def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any (one per user: enrolling replaces)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def role_requires_second_factor(user: Any) -> bool:
    """The deployment requires a second factor (``OTP_REQUIRED``) and ``user`` is staff,
    a leader or an admin-site account."""
    return bool(settings.OTP_REQUIRED and getattr(user, "is_authenticated", False)
                and (user.is_staff or user.is_superuser or role_of(user) in SECOND_FACTOR_ROLES))


def second_factor_required(user: Any) -> bool:
    """Whether ``user`` must give a TOTP code to sign in: when their role requires it
    (``role_requires_second_factor``), and always for an account that has enrolled a device."""
    if not getattr(user, "is_authenticated", False):
        return False
    return role_requires_second_factor(user) or confirmed_device(user) is not None


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it points inside this portal, else the default landing page."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# --- password rules --------------------------------------------------------------------

class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length rule with a Vietnamese message (Django's vi catalogue
    has no plural form of it, so it would show in English)."""

    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự."


# --- django-axes hooks -----------------------------------------------------------------

class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in ``AUTHENTICATION_BACKENDS``.

    Every HTTP sign-in here (this module's form, the admin's) passes the request. A
    call without one (Django's test client ``login()``, a shell) has no account
    or address to lock, so it is left to the next backend instead of raising."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The address django-axes locks (``AXES_CLIENT_IP_CALLABLE``). Behind the one
    reverse proxy the README sets up (``DJANGO_BEHIND_PROXY``), the proxy appends
    the client's address as the last ``X-Forwarded-For`` entry; earlier entries
    come from the client and are not trusted."""
    if settings.SECURE_PROXY_SSL_HEADER is not None:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: dict | None = None) -> HttpResponse:
    """The Vietnamese page shown on the locking attempt and while locked (429)."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return render(request, "registration/locked.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)


# --- views -----------------------------------------------------------------------------

class SignInView(LoginView):
    """Step 1: the password. Accounts without a second factor are signed in here."""

    template_name = "registration/login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not second_factor_required(user):
            return super().form_valid(form)
        if confirmed_device(user) is None:
            return self.render_to_response(self.get_context_data(form=form, refused=NO_DEVICE))
        # Not signed in yet: a new session key, and only the pending user id in it.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk, "backend": user.backend, "next": self.get_success_url(), "since": time.time(),
        }
        return redirect("signin_verify")


def _pending_user(request: HttpRequest) -> tuple[Any, dict] | tuple[None, None]:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else (None, None)


def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code of the account that passed the password step."""
    from axes.handlers.proxy import AxesProxyHandler

    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, EXPIRED)
        return redirect("login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, None, credentials)
    error = ""
    if request.method == "POST":
        device = confirmed_device(user)
        token = "".join(request.POST.get("otp_token", "").split())
        matched = device is not None and token.isdigit() and verify_token(user, device.persistent_id, token)
        if matched:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, matched)
            return redirect(safe_next(request, pending.get("next")))
        # A wrong code is a failed sign-in: django-axes counts it for the account and address.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False) or not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request, None, credentials)
        error = WRONG_CODE
    return render(request, "registration/verify.html", {"error": error, "username": user.get_username()})


def _qr_svg(url: str) -> str:
    import segno

    # Inline SVG markup (no script, no style attribute): allowed by the portal's CSP.
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111827", light="#ffffff")


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol (or replace) the signed-in user's authenticator app: a QR code and the
    secret to type in, confirmed by one valid code. Audit-logged."""
    user = request.user
    current = confirmed_device(user)
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("otp_token", "").split())
        if token.isdigit() and device.verify_token(token):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(actor=user, action="account.second_factor.enrol", obj=device,
                       data={"replaced": current is not None})
            otp_login(request, device)
            messages.success(request, "Đã bật đăng nhập hai bước. Từ lần sau, hãy nhập mã từ ứng dụng xác thực sau mật khẩu.")
            return redirect("home")
        error = WRONG_CODE
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(request, "registration/second_factor_setup.html", {
        "qr_svg": _qr_svg(device.config_url), "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "current": current, "error": error, "required": second_factor_required(user),
    })


# --- middleware ------------------------------------------------------------------------

class SecondFactorMiddleware:
    """Sign out a session of an account that needs a second factor but was not
    verified with one (the admin's own login form, a session older than the
    requirement). Goes after django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Only the role rule here (no query on every request): an account that enrolled
        # voluntarily is asked for its code by the sign-in form, the only way in.
        if user is not None and role_requires_second_factor(user) and not user.is_verified():
            logout(request)
            messages.error(request, "Tài khoản này phải đăng nhập bằng hai bước. Vui lòng đăng nhập lại.")
            back = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{reverse('login')}?{urlencode({'next': back})}")
        return self.get_response(request)


class MustChangePasswordMiddleware:
    """Send a user whose account was given a temporary password by staff
    (``UserProfile.must_change_password``) to the password change page until they
    have changed it; signing out stays possible. Goes after ``SecondFactorMiddleware``."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            profile = profile_of(user)
            if profile is not None and profile.must_change_password:
                # Static files never get here: WhiteNoise serves them earlier.
                if request.path not in {reverse("password_change"), reverse("logout")}:
                    messages.info(request, "Tài khoản đang dùng mật khẩu tạm: hãy đặt mật khẩu mới trước khi làm việc.")
                    return redirect("password_change")
        return self.get_response(request)
