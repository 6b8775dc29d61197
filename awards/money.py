"""Bonus amounts: coefficient × base salary in force on the decision date, rounded
up to the regime's step (10,000 đồng under ND 91/2017 and ND 98/2023 Art. 53; the
ND 152/2025 sources quote 702,000 đồng for 0.3 × 2,340,000, i.e. no rounding — kept
as data, ``LegalRegime.rounding_step``), or a contest's fixed prize.

Coefficients and salaries are dated rows (``LegalRegime``, ``BonusCoefficient``,
``BaseSalary``), never constants: a 2023 decision follows ND 91/2017 and 1,800,000 đ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q

from campaigns.choices import MoneyKind, Subject
from campaigns.models import AwardForm
from core import formats

from .models import BaseSalary, BonusCoefficient, LegalRegime

ROUND_TO = 10_000


class MoneyConfigError(Exception):
    """The dated configuration has no row for the requested date or award."""


@dataclass(frozen=True)
class AmountBreakdown:
    amount: int
    coefficient: Decimal | None
    base_salary: int | None
    regime: LegalRegime | None

    @property
    def formula(self) -> str:
        if self.coefficient is None:
            return "Số tiền cố định"
        return f"{formats.number(self.coefficient)} × {formats.money(self.base_salary or 0)}"


def round_up(value: Decimal, step: int = ROUND_TO) -> int:
    """Round up to the next multiple of ``step`` (10,000 đồng by law)."""
    units = (Decimal(value) / step).to_integral_value(rounding=ROUND_CEILING)
    return int(units) * step


def regime_on(day: date) -> LegalRegime:
    regime = (
        LegalRegime.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if regime is None:
        raise MoneyConfigError(f"Chưa cấu hình nghị định áp dụng cho ngày {formats.date(day)}.")
    return regime


def base_salary_on(day: date) -> int:
    row = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise MoneyConfigError(f"Chưa cấu hình mức lương cơ sở áp dụng cho ngày {formats.date(day)}.")
    return row.amount


def coefficient_for(award_form: AwardForm, subject: str, day: date) -> tuple[Decimal, LegalRegime]:
    regime = regime_on(day)
    if award_form.coefficient_override is not None:
        return award_form.coefficient_override, regime
    rows = {
        row.level: row.coefficient
        for row in BonusCoefficient.objects.filter(regime=regime, award_type=award_form.award_type, subject=subject)
    }
    if award_form.level in rows:  # a level-specific row wins over the general one
        return rows[award_form.level], regime
    if "" in rows:
        return rows[""], regime
    raise MoneyConfigError(
        f"Chưa cấu hình hệ số tiền thưởng cho “{award_form.get_award_type_display()}” "
        f"({Subject(subject).label.lower()}) theo {regime.name}."
    )


def amount_breakdown(award_form: AwardForm, decision_date: date, subject: str | None = None) -> AmountBreakdown:
    if award_form.money_kind == MoneyKind.NONE:
        return AmountBreakdown(0, None, None, None)
    if award_form.money_kind == MoneyKind.FIXED:
        return AmountBreakdown(int(award_form.fixed_amount or 0), None, None, None)
    subject = subject or (award_form.subject if award_form.subject in Subject.values else None)
    if subject is None:
        raise ValueError("Hình thức khen thưởng áp dụng cho cả tập thể và cá nhân: cần chỉ rõ đối tượng.")
    coefficient, regime = coefficient_for(award_form, subject, decision_date)
    salary = base_salary_on(decision_date)
    # Rounding is part of the dated regime: ND 91/98 round up to 10,000 đồng.
    return AmountBreakdown(round_up(coefficient * salary, regime.rounding_step or 1), coefficient, salary, regime)


def award_amount(award_form: AwardForm, decision_date: date, subject: str | None = None) -> int:
    """The bonus in đồng for one award decided on ``decision_date``.

    Contest prizes (``money_kind`` fixed) return their fixed amount. For an award
    form open to both collectives and individuals pass ``subject``."""
    return amount_breakdown(award_form, decision_date, subject).amount


def round_budget(round_) -> list[dict]:
    """Bonus totals of a round by funding source × award form × subject.

    Decided nominations count with their stored amount; approved ones (and those
    the council passed) are estimated for the draft decision's date (or today) and
    flagged as estimates."""
    from django.utils import timezone

    from .choices import NominationStatus as S
    from .models import Nomination

    draft = round_.decisions.order_by("-created_at").first()
    day = (draft.date or draft.proposal_date) if draft else timezone.localdate()
    default_source = round_.campaign.funding_source or "Chưa xác định nguồn"
    rows: dict[tuple, dict] = {}
    qs = (
        Nomination.objects.filter(round=round_, status__in=[S.APPROVED, S.DECIDED])
        .select_related("award_form", "decision")
        .order_by("award_form__order", "subject")
    )
    for n in qs:
        source = (n.decision.funding_source if n.decision_id else "") or default_source
        estimate = n.amount is None
        if estimate:
            try:
                amount = award_amount(n.award_form, day, n.subject)
            except MoneyConfigError:
                amount = 0
        else:
            amount = n.amount
        key = (source, n.award_form_id, n.subject)
        row = rows.setdefault(key, {"source": source, "award_form": n.award_form.name,
                                    "subject": Subject(n.subject).label, "count": 0, "total": 0, "estimate": False})
        row["count"] += 1
        row["total"] += amount
        row["estimate"] = row["estimate"] or estimate
    return list(rows.values())
