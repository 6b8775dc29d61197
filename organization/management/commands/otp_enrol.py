"""``manage.py otp_enrol USERNAME``: an administrator enrols a user's authenticator app.

When the deployment requires a second factor (``OTP_REQUIRED``), a staff or leader
account without one cannot sign in, so it cannot reach the enrolment page either.
An administrator with shell access runs this command with the user present: it
replaces the user's devices with a new confirmed TOTP device and prints its QR code
(in the terminal) and secret for the user to scan. The change is audit-logged with
the system as actor.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record
from core.system import SYSTEM
from organization.signin import DEVICE_NAME


class Command(BaseCommand):
    help = "Đăng ký ứng dụng xác thực (đăng nhập hai bước) cho một tài khoản; in mã QR và khóa bí mật."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        import segno

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        with transaction.atomic():
            replaced = TOTPDevice.objects.filter(user=user).delete()[0]
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
            record(actor=SYSTEM, action="account.second_factor.enrol", obj=device,
                   data={"username": username, "by": "manage.py otp_enrol", "replaced": bool(replaced)})
        secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        qr = io.StringIO()
        segno.make(device.config_url, error="m").terminal(out=qr, compact=True)
        self.stdout.write(qr.getvalue())
        self.stdout.write(f"Khóa bí mật: {' '.join(secret[i:i + 4] for i in range(0, len(secret), 4))}")
        self.stdout.write(self.style.SUCCESS(
            f"Đã đăng ký ứng dụng xác thực cho {username}. Người dùng quét mã QR (hoặc nhập khóa bí mật) ngay bây giờ."))
