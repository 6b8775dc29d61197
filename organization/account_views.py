"""Pages for accounts and the official unit list (issue 13): staff manage the
sign-in accounts of their subtree; everyone changes their own password; a
forgotten password is reset by an e-mailed link (Django's own views). Thin views:
load through the scoped queryset, call one service through ``core.views.perform``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core import listing
from core.views import perform

from . import services
from .choices import Role
from .forms import AccountCreateForm, AccountEditForm, LoadUnitsForm
from .rules import allowed
from .scope import profile_of


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not allowed(request.user, perm, obj):
        raise PermissionDenied


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts of the staff member's subtree; ``?q=`` searches name, login, e-mail
    and unit, ``?role=`` filters."""
    _require(request, "organization.manage_account")
    accounts = services.accounts_for(request.user)
    role = listing.choice(request, "role", Role.values)
    if role:
        accounts = accounts.filter(profile__role=role)
    page = listing.paginate(request, accounts,
                            search_fields=("username", "first_name", "email", "profile__unit__name"))
    return render(request, "organization/account_list.html", {
        "accounts": page.rows, "page": page.page, "listing": page, "roles": Role.choices, "role": role})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    _require(request, "organization.manage_account")
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited = not data["temporary_password"]
        user = perform(request, services.create_account, username=data["username"], full_name=data["full_name"],
                       email=data["email"], unit=data["unit"], role=data["role"],
                       temporary_password=data["temporary_password"],
                       success=(f"Đã tạo tài khoản “{data['username']}” và gửi thư mời đặt mật khẩu tới {data['email']}."
                                if invited else f"Đã tạo tài khoản “{data['username']}”. Người dùng sẽ phải đổi "
                                "mật khẩu tạm ở lần đăng nhập đầu."))
        if user is not None:
            return redirect("organization:account_edit", user.pk)
    return render(request, "organization/account_form.html", {"form": form, "target": None})


def _account_for(request: HttpRequest, pk: int) -> Any:
    """The account ``pk`` in the user's subtree (404 otherwise), if they may manage it (403)."""
    target = get_object_or_404(services.accounts_for(request.user), pk=pk)
    _require(request, "organization.manage_account", target)
    return target


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _account_for(request, pk)
    profile = profile_of(target)
    initial = {"full_name": target.first_name, "email": target.email,
               "unit": profile.unit_id if profile else None, "role": profile.role if profile else ""}
    form = AccountEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if perform(request, services.update_account, target, full_name=data["full_name"], email=data["email"],
                   unit=data["unit"], role=data["role"], success="Đã lưu tài khoản.") is not None:
            return redirect("organization:account_edit", target.pk)
    return render(request, "organization/account_form.html", {
        "form": form, "target": target, "profile": profile, "is_self": target.pk == request.user.pk})


#: Button → (service call, message on success).
ACTIONS = {
    "khoa": (lambda t, actor: services.set_account_active(t, actor=actor, active=False), "Đã khóa tài khoản."),
    "mo-khoa": (lambda t, actor: services.set_account_active(t, actor=actor, active=True), "Đã mở khóa tài khoản."),
    "dat-lai-mat-khau": (lambda t, actor: services.send_password_link(t, actor=actor),
                         "Đã gửi thư có liên kết đặt lại mật khẩu."),
    "gui-lai-thu-moi": (lambda t, actor: services.send_password_link(t, actor=actor, invitation=True),
                        "Đã gửi lại thư mời đặt mật khẩu."),
}


@login_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    target = _account_for(request, pk)
    if action not in ACTIONS:
        raise PermissionDenied
    call, success = ACTIONS[action]
    perform(request, lambda *, actor: call(target, actor), success=success)
    return redirect("organization:account_edit", target.pk)


@login_required
def load_units(request: HttpRequest) -> HttpResponse:
    """The registry page: a superuser (any province) or a province's own staff
    loads or refreshes the province and its communes."""
    _require(request, "organization.load_units")
    form = LoadUnitsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = perform(request, services.load_province_units, form.cleaned_data["province"],
                         history=form.cleaned_data["history"])
        if result is not None:
            messages.success(request, f"{result.province.name}: {result.total} đơn vị — tạo mới {result.created}, "
                                      f"cập nhật {result.updated}, không đổi {result.unchanged}.")
            return redirect("organization:unit_detail", result.province.pk)
    return render(request, "organization/load_units.html", {"form": form})


# --- own password ---------------------------------------------------------------------------

class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the validators), then
    the audit event and the temporary-password flag cleared."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(form.user, how="change")
        messages.success(self.request, "Đã đổi mật khẩu.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-link view. It does not sign the user in
    (``post_reset_login`` stays False): signing in goes through the portal's form,
    with django-axes' lockout and the second factor."""

    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(form.user, how="reset")
        return response
