"""Forms of the account pages and the unit registry page (issue 13). Units offered
are the user's own subtree; the services check the same rule again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from . import registry
from .choices import Role
from .models import Unit
from .rules import allowed


def _units_for(user: Any) -> Any:
    """The units an account may be attached to: the user's whole subtree, ended
    units included. The demo's districts and their communes ended on 30/06/2025
    (two-level local government) but their 2020–2025 campaigns are still worked
    on, and an account must be attachable to them; the form tells them apart."""
    return Unit.objects.for_user(user).order_by("path")


def _ended(unit: Unit, today: date) -> bool:
    return unit.valid_until is not None and unit.valid_until < today


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, grouped: in operation today first, then those that
    have ended, labelled with their end date. Validation still goes through the
    scoped queryset."""

    top_depth = 0  # indent below the user's own unit, not below the national root

    def label_from_instance(self, obj: Unit) -> str:
        label = f"{'· ' * max(obj.depth - self.top_depth, 0)}{obj.name} ({obj.code})"
        if _ended(obj, timezone.localdate()):
            label += f" (đã kết thúc {obj.valid_until:%d/%m/%Y})"
        return label

    def group_choices(self) -> None:
        """Replace the flat choices with the two groups (one query)."""
        today = timezone.localdate()
        units = list(self.queryset)
        self.top_depth = min((u.depth for u in units), default=0)
        current = [(u.pk, self.label_from_instance(u)) for u in units if not _ended(u, today)]
        ended = [(u.pk, self.label_from_instance(u)) for u in units if _ended(u, today)]
        choices: list[Any] = [("", self.empty_label)]
        if current:
            choices.append(("Đang hoạt động", current))
        if ended:
            choices.append(("Đã kết thúc (làm việc với dữ liệu các năm trước)", ended))
        self.choices = choices


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False,
                             help_text="Dùng để gửi thư mời và thư đặt lại mật khẩu.")
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label="— Chọn đơn vị —")
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices, initial=Role.OFFICER)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_for(user)
        self.fields["unit"].group_choices()


class AccountCreateForm(AccountEditForm):
    username = forms.RegexField(
        label="Tên đăng nhập", max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text="Chữ không dấu, số và các ký tự . @ + - _; nên đặt theo mẫu <địa bàn>.<loại đơn vị>.<tên đơn vị> "
                  "(ví dụ: tamnong.xa.phucuong, tamnong.phong.vhtt, dakrong.giamkhao1).",
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
