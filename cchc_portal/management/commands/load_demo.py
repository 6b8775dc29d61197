"""Load the demo data: the five seed plans, their units, people and accounts, then
each app's own demo (uploads, scores, nominations, contests, PAR index).

An app with a demo names its loader on its ``AppConfig`` (``demo =
"awards.demo.load"``, a ``load(stdout)``); the loaders run in ``INSTALLED_APPS``
order, which is the layer order: each app's demo builds on the ones below it.

First run (issue 13 item 8): the year of demo uploads goes through the real import
services, but the recomputation each upload requests (``facts_committed``) is
collected and run once at the end — 185 partial runs whose results the next one
overwrites were half of the load's time. The command prints each step as it goes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from audit.services import command_audited
from campaigns.demo import DEMO_PASSWORD, demo_accounts, load_base
from core.system import SYSTEM


@contextmanager
def one_recompute_at_the_end(stdout: Any) -> Iterator[None]:
    """Collect the unit × months that imports announce instead of recomputing after
    each; afterwards, unless a full recomputation finished meanwhile (the scoring
    demo runs one when facts changed), recompute the collected ones once."""
    from django.utils import timezone

    from scoring.choices import RunStatus
    from scoring.models import RecomputeRun
    from scoring.onestop.signals import facts_committed
    from scoring.receivers import on_facts_committed
    from scoring.runs import recompute_now

    touched: dict[int, set] = {}

    def collect(sender: Any, unit_months: dict[int, set], **kwargs: Any) -> None:
        for unit_id, months in unit_months.items():
            touched.setdefault(unit_id, set()).update(months)

    started = timezone.now()
    facts_committed.disconnect(dispatch_uid="scoring.recompute_on_facts")
    facts_committed.connect(collect, dispatch_uid="load_demo.collect_facts")
    try:
        yield
    finally:
        facts_committed.disconnect(dispatch_uid="load_demo.collect_facts")
        facts_committed.connect(on_facts_committed, dispatch_uid="scoring.recompute_on_facts")
    done = RecomputeRun.objects.filter(status=RunStatus.DONE, finished_at__gte=started).exists()
    if touched and not done:
        months = sorted({m for ms in touched.values() for m in ms})
        rows = recompute_now(unit_ids=sorted(touched), months=months, reason="Dữ liệu mẫu: tính lại sau khi nạp")
        stdout.write(f"Đã tính lại {rows} dòng số liệu cho {len(touched)} đơn vị.\n")


def app_demos() -> list[str]:
    """The dotted paths of the apps' demo loaders, in the order they run."""
    return [config.demo for config in apps.get_app_configs() if getattr(config, "demo", "")]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (năm kế hoạch gốc) – chạy lại nhiều lần không làm thay đổi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--base-only", action="store_true", help="Chỉ nạp đơn vị, tài khoản và phong trào")

    def handle(self, *args, base_only: bool = False, **options):
        begun = time.monotonic()
        # One audit event for the run (rows per table before/after), by the system.
        with command_audited("load_demo", actor=SYSTEM, options={"base_only": base_only}):
            started = time.monotonic()
            load_base(self.stdout)
            self.stdout.write(f"  campaigns.demo: {time.monotonic() - started:.1f} s\n")
            if not base_only:
                demos = app_demos()
                with one_recompute_at_the_end(self.stdout):
                    for step, path in enumerate(demos, start=1):
                        module = path.rpartition(".")[0]
                        self.stdout.write(f"[{step}/{len(demos)}] {module} …\n")
                        self.stdout.flush()
                        started = time.monotonic()
                        import_string(path)(self.stdout)
                        self.stdout.write(f"  {module}: {time.monotonic() - started:.1f} s\n")
        self.stdout.write(f"Nạp dữ liệu mẫu xong sau {time.monotonic() - begun:.0f} s.\n")
        # Read back from the database: the app demos add accounts of their own.
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})\n")
        for username, role, unit in demo_accounts():
            self.stdout.write(f"  {username:<24} {role:<34} {unit}\n")
