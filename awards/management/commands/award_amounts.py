"""Print the bonus table for a decision date: regime, base salary and every award
form's and title's individual and collective amount with decree and article.
Exits non-zero (CommandError) when no regime covers the date, e.g. after NĐ 152
ceased on 01/03/2027 with no successor configured."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from awards.money import AmountRow, MoneyConfigError, amount_table
from core import formats


def _cell(row, amount: int | None) -> str:
    if row is None:
        return "—"
    if row.coefficient is None:
        return "không quy định"
    return f"{formats.number(row.coefficient)} → {formats.money(amount)}"


def _line(r: AmountRow) -> str:
    line = " | ".join([r.label, f"cá nhân: {_cell(r.individual, r.individual_amount)}",
                       f"tập thể: {_cell(r.collective, r.collective_amount)}", "; ".join(r.sources)])
    flags = (["CẦN KIỂM CHỨNG"] if r.unverified else []) + ([r.notes] if r.notes else [])
    return line + (f"\n    ({' – '.join(flags)})" if flags else "")


class Command(BaseCommand):
    help = "In mức tiền thưởng theo ngày quyết định: nghị định áp dụng, mức lương cơ sở, hệ số và số tiền từng hình thức."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="Ngày quyết định, dạng YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: “{options['date']}” (cần dạng YYYY-MM-DD).") from exc
        try:
            table = amount_table(day)
        except MoneyConfigError as exc:
            raise CommandError(str(exc)) from exc
        regime, salary = table.regime, table.base_salary
        out = self.stdout
        out.write(f"Ngày quyết định: {formats.date(day)}")
        until = f" đến hết {formats.date(regime.valid_until)} ({regime.valid_until_basis})" if regime.valid_until else ""
        out.write(f"Văn bản áp dụng: {regime.name}, từ {formats.date(regime.valid_from)}"
                  f"{' (' + regime.valid_from_basis + ')' if regime.valid_from_basis else ''}{until}")
        out.write(f"Làm tròn: lên bội số {formats.money(regime.rounding_step)} đồng ({regime.rounding_article or 'chưa ghi căn cứ'})")
        if regime.prior_dossiers_regime_id:
            out.write(f"Chuyển tiếp: hồ sơ gửi trước {formats.date(regime.valid_from)} theo "
                      f"{regime.prior_dossiers_regime.name} ({regime.prior_dossiers_article})")
        verify = " – CẦN KIỂM CHỨNG" if salary.needs_verification else ""
        out.write(f"Mức lương cơ sở: {formats.money(salary.amount)} đồng/tháng từ {formats.date(salary.valid_from)} "
                  f"({salary.legal_basis}){verify}")
        out.write("")
        for r in table.rows:
            out.write(_line(r))
