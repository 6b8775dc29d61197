"""State changes of the organization registry: loading the official unit list, and
the sign-in accounts that staff manage in the portal (issue 13).

Every service checks its permission through ``organization.rules`` (the same
answer the pages show), runs in one transaction and writes audit events.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.services import record
from core.errors import DomainError
from core.system import SYSTEM

from . import registry
from .choices import Role
from .models import Unit, UserProfile
from .rules import require
from .scope import profile_of, scoped

User = get_user_model()

# --- the official unit list ----------------------------------------------------------------

@dataclass
class LoadResult:
    """What ``load_province_units`` did: the province's unit and counts of units
    created, updated (a registry field differed) and already up to date."""

    province: Unit
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def load_province_units(province: str, *, actor: Any, history: bool = False) -> LoadResult:
    """Create or update a province and its communes from the official list
    (``organization.registry``): official codes and names, kinds, valid from
    01/07/2025; with ``history`` also its districts and communes before that date,
    ending 30/06/2025, each old commune pointing to its successor.

    ``province``: a name or official code, diacritics-insensitive ("dong thap", "82").
    Idempotent (units are matched by code; a re-run only updates what differs) and
    all-or-nothing. ``actor``: ``core.system.SYSTEM`` (the management command) or a
    user holding ``organization.load_units`` for that province. Raises
    ``DomainError`` for an unknown province, ``NotAllowed`` otherwise refused.
    """
    found = registry.find_province(province)
    code = registry.province_code(found)
    if actor is not SYSTEM:
        require(actor, "organization.load_units", code,
                "Chỉ quản trị hệ thống hoặc cán bộ thi đua của chính tỉnh đó được nạp danh mục đơn vị.")
    rows = registry.current_units(found) + (registry.legacy_units(found) if history else [])
    created = updated = unchanged = 0
    with transaction.atomic():
        by_code = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=[r.code for r in rows])}
        for row in rows:  # parents and successors come before the units that name them
            values = {
                "name": row.name, "short_name": row.official_name, "place_name": row.place_name, "kind": row.kind,
                "official_code": row.official_code, "valid_from": row.valid_from, "valid_until": row.valid_until,
                "parent": by_code[row.parent_code] if row.parent_code else None,
                "successor": by_code[row.successor_code] if row.successor_code else None,
            }
            unit = by_code.get(row.code)
            if unit is None:
                unit = Unit.objects.create(code=row.code, **values)
                by_code[row.code] = unit
                created += 1
                record(actor=actor, action="unit.registry.create", obj=unit, unit=unit,
                       data={"official_code": row.official_code, "source": _source(row)})
                continue
            # Only the registry's fields: e-mail, sort order, people stay as the province set them.
            changed = {f: (_shown(unit, f), str(v or "")) for f, v in values.items() if _differs(unit, f, v)}
            if not changed:
                unchanged += 1
                continue
            for f, v in values.items():
                setattr(unit, f, v)
            unit.save()
            updated += 1
            record(actor=actor, action="unit.registry.update", obj=unit, unit=unit,
                   data={"changed": changed, "source": _source(row)})
        result = LoadResult(province=by_code[code], created=created, updated=updated, unchanged=unchanged)
        record(actor=actor, action="unit.registry.load", obj=result.province, unit=result.province,
               data={"province": code, "history": history, "created": created, "updated": updated,
                     "unchanged": unchanged})
    return result


def _differs(unit: Unit, field: str, value: Any) -> bool:
    if field in ("parent", "successor"):  # compare ids: no query per unit
        return getattr(unit, f"{field}_id") != (value.pk if value is not None else None)
    return getattr(unit, field) != value


def _shown(unit: Unit, field: str) -> str:
    if field in ("parent", "successor"):
        return str(getattr(unit, f"{field}_id") or "")
    return str(getattr(unit, field) or "")


def _source(row: registry.RegistryUnit) -> str:
    return "vietnamadminunits" if row.valid_until else "vietnam-provinces"


def unit_for_old_name(address: str) -> Unit | None:
    """The unit in force today that took over the commune an old address names
    ("Phường 1, Thành phố Mỹ Tho, Tỉnh Tiền Giang" → UBND phường Mỹ Tho), among the
    units loaded from the registry; None when it cannot be placed or is not loaded."""
    code = registry.current_commune_code(address)
    if code is None:
        return None
    return Unit.objects.filter(code=code, official_code=code).first()


# --- accounts -----------------------------------------------------------------------------

def accounts_for(user: Any) -> QuerySet:
    """Sign-in accounts ``user`` may see: those whose unit lies in their subtree
    (superusers: all). Fails closed like every ``for_user``."""
    base = User.objects.select_related("profile__unit").order_by("username")
    return scoped(base, user, lambda root: base.filter(profile__unit__path__startswith=root.path))


def _check_password(password: str, user: Any) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("Mật khẩu tạm chưa đạt: " + " ".join(exc.messages)) from exc


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise DomainError(f"Vai trò “{role}” không có trong danh mục vai trò.")


def create_account(*, actor: Any, username: str, full_name: str, email: str, unit: Unit, role: str,
                   temporary_password: str = "") -> Any:
    """Create a sign-in account for ``unit`` with ``role``.

    With ``temporary_password`` the user must change it at first sign-in; without
    one the account has no usable password and ``email`` receives an invitation
    with a link to set it (``send_password_link``). Requires
    ``organization.manage_account`` on ``unit``. Raises ``DomainError`` for a taken
    user name, a missing e-mail for an invitation, or a weak password.
    """
    require(actor, "organization.manage_account", unit,
            "Bạn chỉ được tạo tài khoản cho các đơn vị trong phạm vi quản lý của mình.")
    username = username.strip()
    _check_role(role)
    if not username:
        raise DomainError("Chưa nhập tên đăng nhập.")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"Tên đăng nhập “{username}” đã có người dùng. Hãy chọn tên khác.")
    if not temporary_password and not email:
        raise DomainError("Cần thư điện tử để gửi thư mời đặt mật khẩu, hoặc nhập mật khẩu tạm.")
    user = User(username=username, email=email.strip(), first_name=full_name.strip())
    if temporary_password:
        _check_password(temporary_password, user)
        user.set_password(temporary_password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        UserProfile.objects.create(user=user, unit=unit, role=role, must_change_password=bool(temporary_password))
        record(actor=actor, action="account.create", obj=user, unit=unit,
               data={"role": role, "unit": unit.code, "invited": not temporary_password})
    if not temporary_password:
        try:
            send_password_link(user, actor=actor, invitation=True)
        except DomainError as exc:
            raise DomainError(f"Đã tạo tài khoản “{username}” nhưng chưa gửi được thư mời: {exc} Mở tài khoản và "
                              "bấm “Gửi lại thư mời” khi thư điện tử hoạt động.") from exc
    return user


def update_account(target: Any, *, actor: Any, full_name: str, email: str, unit: Unit, role: str) -> Any:
    """Change an account's name, e-mail, unit and role; returns the account. Requires
    ``organization.manage_account`` on the account and on the new unit; nobody
    changes their own unit or role (they could leave the scope that lets them undo it)."""
    require(actor, "organization.manage_account", target, "Bạn không quản lý tài khoản này.")
    require(actor, "organization.manage_account", unit,
            "Bạn chỉ được chuyển tài khoản sang các đơn vị trong phạm vi quản lý của mình.")
    _check_role(role)
    profile = profile_of(target) or UserProfile(user=target, role="")  # an admin-made account without one
    if target.pk == getattr(actor, "pk", None) and (profile.unit_id != unit.pk or profile.role != role):
        raise DomainError("Không thể tự đổi đơn vị hoặc vai trò của chính mình: đề nghị cán bộ cấp trên thực hiện.")
    before = {"full_name": target.first_name, "email": target.email,
              "unit": profile.unit.code if profile.unit_id else "",
              "role": profile.role}
    after = {"full_name": full_name.strip(), "email": email.strip(), "unit": unit.code, "role": role}
    if before == after:
        return target
    with transaction.atomic():
        target.first_name, target.email = after["full_name"], after["email"]
        target.save(update_fields=["first_name", "email"])
        profile.unit, profile.role = unit, role
        profile.save()
        record(actor=actor, action="account.update", obj=target, unit=unit,
               data={"before": before, "after": after})
    return target


def set_account_active(target: Any, *, actor: Any, active: bool) -> None:
    """Deactivate (no sign-in, sessions refused) or reactivate an account; nobody
    deactivates themselves. Requires ``organization.manage_account`` on it."""
    require(actor, "organization.manage_account", target, "Bạn không quản lý tài khoản này.")
    if target.pk == getattr(actor, "pk", None):
        raise DomainError("Không thể tự khóa tài khoản của chính mình.")
    if target.is_active == active:
        return
    with transaction.atomic():
        target.is_active = active
        target.save(update_fields=["is_active"])
        profile = profile_of(target)
        record(actor=actor, action="account.activate" if active else "account.deactivate", obj=target,
               unit=profile.unit if profile else None, from_state=str(not active), to_state=str(active))


def send_password_link(target: Any, *, actor: Any, invitation: bool = False) -> None:
    """E-mail ``target`` a one-time link to Django's password reset confirm view
    (``default_token_generator``: it stops working once the password changes or
    after ``PASSWORD_RESET_TIMEOUT``). ``invitation`` words it as a welcome. The
    link only sets a password: signing in afterwards goes through the portal's
    form, with its lockout and second factor. Requires
    ``organization.manage_account``; refuses inactive accounts and accounts without e-mail."""
    require(actor, "organization.manage_account", target, "Bạn không quản lý tài khoản này.")
    if not target.is_active:
        raise DomainError("Tài khoản đang bị khóa: hãy mở khóa trước khi gửi thư đặt mật khẩu.")
    if not target.email:
        raise DomainError("Tài khoản chưa có thư điện tử: hãy nhập thư điện tử trước khi gửi thư đặt mật khẩu.")
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(target.pk)), "token": default_token_generator.make_token(target)})
    context = {"user": target, "link": settings.PORTAL_URL.rstrip("/") + path, "invitation": invitation,
               "sender": str(getattr(actor, "get_full_name", lambda: "")() or actor),
               "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    subject = ("Mời sử dụng CCHC Portal: đặt mật khẩu" if invitation else "CCHC Portal: đặt lại mật khẩu")
    body = render_to_string("registration/password_link_email.txt", context)
    try:
        send_mail(subject, body, None, [target.email])
    except (smtplib.SMTPException, OSError) as exc:
        raise DomainError(f"Không gửi được thư tới {target.email} ({exc}). Kiểm tra cấu hình EMAIL_* rồi thử lại.") from exc
    profile = profile_of(target)
    with transaction.atomic():  # recorded once the mail server took the message
        record(actor=actor, action="account.invite" if invitation else "account.password_reset", obj=target,
               unit=profile.unit if profile else None, data={"email": target.email})


def password_changed(user: Any, *, how: str) -> None:
    """Record that ``user`` set a new password (``how``: "change" or "reset") and
    clear the temporary-password flag. Called by the password views after Django's
    form saved it."""
    profile = profile_of(user)
    with transaction.atomic():
        if profile is not None and profile.must_change_password:
            profile.must_change_password = False
            profile.save(update_fields=["must_change_password"])
        record(actor=user, action=f"account.password_{how}", obj=user,
               unit=profile.unit if profile else None,
               comment="" if how == "change" else "Người dùng đặt mật khẩu qua liên kết gửi thư điện tử")
