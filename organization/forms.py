"""Forms of the account pages and the unit registry page (issue 13). Units offered
are the user's own subtree; the services check the same rule again."""

from __future__ import annotations

from typing import Any

from django import forms

from . import registry
from .choices import Role
from .models import Unit
from .rules import allowed


def _units_for(user: Any) -> Any:
    # Units still in operation (no end date): an account is for today's work.
    return Unit.objects.for_user(user).filter(valid_until__isnull=True).order_by("path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'· ' * obj.depth}{obj.name} ({obj.code})"


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False,
                             help_text="Dùng để gửi thư mời và thư đặt lại mật khẩu.")
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_for(user)


class AccountCreateForm(AccountEditForm):
    username = forms.RegexField(
        label="Tên đăng nhập", max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text="Chữ không dấu, số và các ký tự . @ + - _ (ví dụ: dongthap.xa.phucuong).",
        error_messages={"invalid": "Tên đăng nhập chỉ gồm chữ không dấu, số và các ký tự . @ + - _."})
    temporary_password = forms.CharField(
        label="Mật khẩu tạm", required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text="Để trống để gửi thư mời đặt mật khẩu tới thư điện tử ở trên. Nếu nhập, người dùng phải đổi "
                  "mật khẩu ngay lần đăng nhập đầu.")

    field_order = ["username", "full_name", "email", "unit", "role", "temporary_password"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("temporary_password") and not data.get("email"):
            self.add_error("email", "Cần thư điện tử để gửi thư mời, hoặc nhập mật khẩu tạm.")
        return data


class LoadUnitsForm(forms.Form):
    province = forms.ChoiceField(label="Tỉnh, thành phố")
    history = forms.BooleanField(
        label="Nạp cả các huyện, xã trước 01/07/2025 (hoạt động đến 30/06/2025, kèm đơn vị kế thừa)",
        required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            (code, name) for code, name in registry.provinces() if allowed(user, "organization.load_units", code)]
