"""Load the demo data: the five seed plans, their units, people and accounts, then
each app's own demo (uploads, scores, nominations, contests, PAR index).

An app with a demo names its loader on its ``AppConfig`` (``demo =
"awards.demo.load"``, a ``load(stdout)``); the loaders run in ``INSTALLED_APPS``
order, which is the layer order: each app's demo builds on the ones below it.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from audit.services import command_audited
from campaigns.demo import DEMO_PASSWORD, demo_accounts, load_base
from core.system import SYSTEM


def app_demos() -> list[str]:
    """The dotted paths of the apps' demo loaders, in the order they run."""
    return [config.demo for config in apps.get_app_configs() if getattr(config, "demo", "")]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (năm kế hoạch gốc) – chạy lại nhiều lần không làm thay đổi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--base-only", action="store_true", help="Chỉ nạp đơn vị, tài khoản và phong trào")

    def handle(self, *args, base_only: bool = False, **options):
        # One audit event for the run (rows per table before/after), by the system.
        with command_audited("load_demo", actor=SYSTEM, options={"base_only": base_only}):
            load_base(self.stdout)
            if not base_only:
                for path in app_demos():
                    started = time.monotonic()
                    import_string(path)(self.stdout)
                    module = path.rpartition(".")[0]
                    self.stdout.write(f"  {module}: {time.monotonic() - started:.1f} s\n")
        # Read back from the database: the app demos add accounts of their own.
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})\n")
        for username, role, unit in demo_accounts():
            self.stdout.write(f"  {username:<24} {role:<34} {unit}\n")
