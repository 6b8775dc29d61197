"""``manage.py load_units --province "Đồng Tháp" [--history]``: create or update a
province and its communes from the official list (``organization.registry``).

Idempotent and all-or-nothing (``organization.services.load_province_units``),
audited with the system as actor; departments and offices are then added under
the province by its staff.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import command_audited
from core.errors import DomainError
from core.system import SYSTEM
from organization.services import load_province_units


class Command(BaseCommand):
    help = ("Nạp một tỉnh, thành phố và các xã, phường, đặc khu của nó theo danh mục đơn vị hành chính "
            "từ 01/07/2025 (mã của Cục Thống kê).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", required=True, help="Tên hoặc mã tỉnh, gõ có dấu hay không dấu đều được.")
        parser.add_argument("--history", action="store_true",
                            help="Nạp cả các huyện, xã trước 01/07/2025 (hoạt động đến 30/06/2025) và đơn vị kế thừa.")

    def handle(self, *args: Any, province: str, history: bool, **options: Any) -> None:
        try:
            with command_audited("load_units", actor=SYSTEM, options={"province": province, "history": history}):
                result = load_province_units(province, actor=SYSTEM, history=history)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.province.name} ({result.province.official_code}): {result.total} đơn vị — "
            f"tạo mới {result.created}, cập nhật {result.updated}, không đổi {result.unchanged}.")
