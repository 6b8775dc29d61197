"""``manage.py indicators --unit CODE --from YYYY-MM --to YYYY-MM [--json]``:
each indicator's numerator, denominator and value for that unit's subtree and period
(Σ numerators / Σ denominators over the months and the units)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from core.periods import Period, parse_month
from organization.models import Unit
from scoring.engine import format_value, indicators_payload


def _month(text: str, option: str) -> datetime.date:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise CommandError(f"{option} phải có dạng YYYY-MM (nhận được “{text}”).") from exc


class Command(BaseCommand):
    help = "In tử số, mẫu số và giá trị của từng chỉ số cho một đơn vị (và cấp dưới) trong một kỳ."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị")
        parser.add_argument("--from", dest="start", required=True, help="Tháng bắt đầu YYYY-MM")
        parser.add_argument("--to", dest="end", help="Tháng kết thúc YYYY-MM (mặc định = tháng bắt đầu)")
        parser.add_argument("--json", action="store_true", help="In JSON")

    def handle(self, *args, **options) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        start = _month(options["start"], "--from")
        end = _month(options["end"], "--to") if options["end"] else start
        try:
            period = Period.between(start, end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        payload = indicators_payload(unit, period)
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.code} – {unit.name}, {period.label}")
        for item in payload["indicators"]:
            def fmt(v):
                return format_value(None if v is None else Decimal(str(v)), 2)

            self.stdout.write(
                f"  {item['code']:<28} {fmt(item['numerator']):>12} / {fmt(item['denominator']):<12} = "
                f"{fmt(item['value'])} {item['unit']}  {item['note']}"
            )
