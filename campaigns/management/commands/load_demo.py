"""Load the demo data: the five seed plans, their units, people and accounts, then
each app's own demo (uploads, scores, nominations, contests, PAR index)."""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand

from campaigns.demo import DEMO_PASSWORD, demo_accounts, load_base

APP_DEMOS = ["scoring.onestop.demo", "scoring.demo", "awards.demo", "contests.demo", "par_index.demo"]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (năm kế hoạch gốc) – chạy lại nhiều lần không làm thay đổi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--base-only", action="store_true", help="Chỉ nạp đơn vị, tài khoản và phong trào")

    def handle(self, *args, base_only: bool = False, **options):
        load_base(self.stdout)
        if not base_only:
            for name in APP_DEMOS:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                started = time.monotonic()
                module.load(self.stdout)
                self.stdout.write(f"  {name}: {time.monotonic() - started:.1f} s\n")
        # Read back from the database: the app demos add accounts of their own.
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})\n")
        for username, role, unit in demo_accounts():
            self.stdout.write(f"  {username:<24} {role:<34} {unit}\n")
