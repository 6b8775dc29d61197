"""Bonus amounts: coefficient × base salary in force on the decision date, rounded
up to the next 10,000 đồng after the coefficient is applied (NĐ 152/2025/NĐ-CP,
Điều 49 khoản 1–2; the earlier decrees carry their own rounding rule as data,
``LegalRegime.rounding_step``/``rounding_article``), or a contest's fixed prize.

Coefficients, salaries and regimes are dated rows (``LegalRegime``,
``BonusCoefficient``, ``BaseSalary``), never constants: a 2023 decision follows
ND 91/2017 and 1,800,000 đ. Every coefficient row carries its decree and article,
so an amount can say where it comes from (``AmountBreakdown.source``); a row whose
coefficient is empty means the law gives no amount for that award, and the amount
is ``None`` with ``AmountBreakdown.note`` saying so — the product never guesses.

A regime has an end (NĐ 152 ceases on 01/03/2027 unless extended, Điều 60 khoản 1);
a decision dated after the last configured regime is refused (``MoneyConfigError``,
a ``DomainError``) with what staff must configure, never computed on a dead decree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q
from django.utils import timezone

from campaigns.choices import MoneyKind, Subject
from campaigns.models import AwardForm
from core import formats
from core.errors import DomainError
from core.periods import as_date

from .models import BaseSalary, BonusCoefficient, LegalRegime

ROUND_TO = 10_000


class MoneyConfigError(DomainError):
    """The dated configuration has no regime, salary or coefficient row for the
    requested date or award; the message tells staff what to configure."""


@dataclass(frozen=True)
class AmountBreakdown:
    """One award's bonus, with where it comes from.

    ``amount`` is in đồng, or ``None`` when the law gives no amount for this award
    (then ``note`` says why and nothing is paid). ``source`` cites the decree and
    article, e.g. "NĐ 152/2025/NĐ-CP, Điều 54 khoản 1 điểm e"; empty for contest
    prizes and awards without money."""

    amount: int | None
    coefficient: Decimal | None
    base_salary: int | None
    regime: LegalRegime | None
    source: str = ""
    note: str = ""
    verified: bool = True

    @property
    def formula(self) -> str:
        if self.regime is None:
            return "Số tiền cố định" if self.amount else ""
        if self.coefficient is None:
            return "Pháp luật không quy định mức tiền thưởng"
        return f"{formats.number(self.coefficient)} × {formats.money(self.base_salary or 0)}"

    @property
    def has_amount(self) -> bool:
        return self.amount is not None


def round_up(value: Decimal, step: int = ROUND_TO) -> int:
    """Round up to the next multiple of ``step`` (10,000 đồng: NĐ 152 Điều 49.2)."""
    units = (Decimal(value) / step).to_integral_value(rounding=ROUND_CEILING)
    return int(units) * step


def regime_on(day: date, *, submitted_on: date | datetime | None = None,
              without_delegated_rules: bool = False) -> LegalRegime:
    """The regime that governs an award decided on ``day``.

    - ``submitted_on``: when the dossier was submitted; a dossier submitted before
      the regime took effect follows the regime named in its
      ``prior_dossiers_regime`` (NĐ 152 Điều 60 khoản 3 → NĐ 98/2023).
    - ``without_delegated_rules``: the province/ministry has not issued the rules
      delegated to it; the predecessor keeps applying to those (delegated) matters
      until ``regime.no_delegated_rules_until`` (NĐ 152 Điều 60 khoản 2 → NĐ 98 to
      31/12/2025). The bonus amounts themselves are not delegated (Điều 49–55), so
      the amount functions do not pass it.

    Raises ``MoneyConfigError`` when no regime covers ``day`` (e.g. after NĐ 152
    ceased on 01/03/2027 with no successor configured)."""
    regime = (
        LegalRegime.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("prior_dossiers_regime")
        .order_by("-valid_from")
        .first()
    )
    if regime is None:
        raise MoneyConfigError(_no_regime_message(day))
    submitted = None
    if submitted_on is not None:  # a submission time counts by its Vietnam calendar day
        aware = isinstance(submitted_on, datetime) and timezone.is_aware(submitted_on)
        submitted = as_date(timezone.localtime(submitted_on) if aware else submitted_on)
    if submitted is not None and submitted < regime.valid_from and regime.prior_dossiers_regime_id:
        return regime.prior_dossiers_regime
    if (without_delegated_rules and regime.prior_dossiers_regime_id and regime.no_delegated_rules_until
            and day <= regime.no_delegated_rules_until):
        return regime.prior_dossiers_regime
    return regime


def _no_regime_message(day: date) -> str:
    ended = LegalRegime.objects.filter(valid_until__lt=day).order_by("-valid_until").first()
    what = (
        "Cần cấu hình văn bản thay thế (hoặc văn bản gia hạn) trong “Giai đoạn pháp lý (nghị định)”: "
        "số hiệu, ngày áp dụng, quy tắc làm tròn và hệ số tiền thưởng của từng hình thức kèm điều khoản, "
        "rồi mới tính tiền thưởng."
    )
    if ended is not None:
        basis = f" ({ended.valid_until_basis})" if ended.valid_until_basis else ""
        return (f"Không tính được tiền thưởng cho quyết định ngày {formats.date(day)}: {ended.name} "
                f"đã hết hiệu lực sau ngày {formats.date(ended.valid_until)}{basis} và chưa có văn bản thay thế. "
                f"{what}")
    return f"Chưa cấu hình nghị định áp dụng cho ngày {formats.date(day)}. {what}"


def base_salary_row_on(day: date) -> BaseSalary:
    """The base-salary row in force on ``day`` (amount in đồng/tháng, legal basis,
    whether it still needs verification)."""
    row = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise MoneyConfigError(f"Chưa cấu hình mức lương cơ sở áp dụng cho ngày {formats.date(day)}.")
    return row


def base_salary_on(day: date) -> int:
    """The base salary in force on ``day``, đồng/tháng (NĐ 152 Điều 49 khoản 1)."""
    return base_salary_row_on(day).amount


def coefficient_row(regime: LegalRegime, award_type: str, subject: str, level: str) -> BonusCoefficient | None:
    """The row for an award type × subject under ``regime``: a level-specific row
    wins over the general one (level "")."""
    rows = {row.level: row for row in BonusCoefficient.objects.filter(
        regime=regime, award_type=award_type, subject=subject, level__in=[level, ""])}
    return rows.get(level) or rows.get("")


def coefficient_for(award_form: AwardForm, subject: str, day: date, *,
                    submitted_on: date | datetime | None = None) -> tuple[BonusCoefficient | None, LegalRegime]:
    """The coefficient row (``None`` with an override) and the regime for one award."""
    regime = regime_on(day, submitted_on=submitted_on)
    if award_form.coefficient_override is not None:
        return None, regime
    row = coefficient_row(regime, award_form.award_type, subject, award_form.level)
    if row is None:
        raise MoneyConfigError(
            f"Chưa cấu hình hệ số tiền thưởng cho “{award_form.get_award_type_display()}” "
            f"({Subject(subject).label.lower()}) theo {regime.name}."
        )
    return row, regime


def amount_breakdown(award_form: AwardForm, decision_date: date, subject: str | None = None, *,
                     submitted_on: date | datetime | None = None) -> AmountBreakdown:
    """The bonus for one award decided on ``decision_date`` with its source.

    ``submitted_on`` (the dossier's submission date) applies NĐ 152 Điều 60.3.
    Raises ``MoneyConfigError`` (no regime, salary or row) or ``ValueError`` (an
    award form open to both subjects without ``subject``)."""
    if award_form.money_kind == MoneyKind.NONE:
        return AmountBreakdown(0, None, None, None)
    if award_form.money_kind == MoneyKind.FIXED:
        return AmountBreakdown(int(award_form.fixed_amount or 0), None, None, None, source="Giải thưởng cố định của cuộc thi")
    subject = subject or (award_form.subject if award_form.subject in Subject.values else None)
    if subject is None:
        raise ValueError("Hình thức khen thưởng áp dụng cho cả tập thể và cá nhân: cần chỉ rõ đối tượng.")
    row, regime = coefficient_for(award_form, subject, decision_date, submitted_on=submitted_on)
    salary = base_salary_row_on(decision_date)
    if row is None:  # the award form's own coefficient (staff override)
        coefficient = award_form.coefficient_override
        source, note, verified = f"{regime.short_name}; hệ số riêng của hình thức khen thưởng", "", True
    else:
        coefficient, source, note, verified = row.coefficient, row.source, row.note, row.verified
        if coefficient is None:
            return AmountBreakdown(None, None, salary.amount, regime, source=source, verified=verified,
                                   note=note or "Pháp luật không quy định mức tiền thưởng cho hình thức này.")
    step = regime.rounding_step or 1
    return AmountBreakdown(round_up(coefficient * salary.amount, step), coefficient, salary.amount, regime,
                           source=source, note=note, verified=verified and not salary.needs_verification)


def award_amount(award_form: AwardForm, decision_date: date, subject: str | None = None) -> int | None:
    """The bonus in đồng for one award decided on ``decision_date`` (``None``: the
    law gives no amount). Contest prizes (``money_kind`` fixed) return their fixed
    amount. For an award form open to both collectives and individuals pass ``subject``."""
    return amount_breakdown(award_form, decision_date, subject).amount


# --- display: research notes vs. what a legal document may cite -------------------

#: Words that mark a configured article or basis as a research note, not a citation
#: (the shipped data of ``legal_data`` says so where a text could not be checked).
_CAVEAT = re.compile(r"kiểm chứng|suy theo|chưa xác định|chưa tìm được|chưa đối chiếu|domain\.md|\(|\?", re.IGNORECASE)
_CHECK_TAILS = [
    re.compile(r"\s*\(\s*cần kiểm chứng\s*\)", re.IGNORECASE),          # "Điều 72 (cần kiểm chứng)"
    re.compile(r"\s*[–-]\s*(?:điều khoản )?(?:cần|chưa) kiểm chứng", re.IGNORECASE),  # "… – (điều khoản) cần kiểm chứng"
    re.compile(r",\s*chưa kiểm chứng", re.IGNORECASE),                      # "…, chưa kiểm chứng."
    re.compile(r"(?:^|(?<=[.;]))\s*(?:cần|chưa) kiểm chứng\s*\.?", re.IGNORECASE),  # a sentence of its own
]


def tidy_note(text: str) -> str:
    """A configured note or basis without its "cần kiểm chứng" tails, for a page
    that shows a "chưa kiểm chứng" badge instead (the rest of the note is kept):
    "Chưa tìm được văn bản quy định (một nguồn … 161/2026/NĐ-CP) – cần kiểm chứng"
    → "Chưa tìm được văn bản quy định (một nguồn … 161/2026/NĐ-CP)"; "cần kiểm chứng" → ""."""
    text = text or ""
    for pattern in _CHECK_TAILS:
        text = pattern.sub("", text)
    return " ".join(text.split()).strip(" ;,–-")


def needs_check(text: str) -> bool:
    """The configured text itself says it still needs checking ("cần kiểm chứng")."""
    return "kiểm chứng" in (text or "").lower()


def printable_citation(source: str) -> str:
    """What a legal document may cite of a configured source "<decree>, <article>":
    the article only when it is a plain citation; an article the data marks as a
    guess or unchecked ("Điều 58 (suy theo bố cục – cần kiểm chứng)", "điều khoản
    chưa xác định …") leaves the decree alone ("NĐ 98/2023/NĐ-CP"). Research notes
    never reach a Tờ trình or Quyết định; staff see them on screen (``tidy_note``)."""
    decree, sep, article = (source or "").partition(", ")
    if sep and _CAVEAT.search(article):
        return decree
    return tidy_note(source) if _CAVEAT.search(source or "") else (source or "")


@dataclass(frozen=True)
class AmountRow:
    """One line of the "Mức tiền thưởng" table: an award form or title with its
    individual and collective coefficient/amount (``None``: not awarded to that
    subject, or no amount in law — see the row's note)."""

    label: str
    individual: BonusCoefficient | None
    collective: BonusCoefficient | None
    individual_amount: int | None
    collective_amount: int | None

    @property
    def cells(self) -> list[tuple[BonusCoefficient | None, str]]:
        """(row, formatted amount) for the individual then the collective column."""
        return [(self.individual, formats.money(self.individual_amount)),
                (self.collective, formats.money(self.collective_amount))]

    @property
    def _present(self) -> list[BonusCoefficient]:
        return [r for r in (self.individual, self.collective) if r is not None]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(r.source for r in self._present))

    @property
    def notes(self) -> str:
        return " ".join(dict.fromkeys(r.note for r in self._present if r.note))

    @property
    def unverified(self) -> bool:
        return any(not r.verified for r in self._present)

    @property
    def display_sources(self) -> list[str]:
        """The sources without their "cần kiểm chứng" tails (the row's badge says it)."""
        return list(dict.fromkeys(tidy_note(s) for s in self.sources))

    @property
    def display_notes(self) -> str:
        """The notes without their "cần kiểm chứng" tails, each sentence once."""
        return " ".join(dict.fromkeys(n for n in (tidy_note(r.note) for r in self._present) if n))


@dataclass(frozen=True)
class AmountTable:
    day: date
    regime: LegalRegime
    base_salary: BaseSalary
    rows: list[AmountRow]


def amount_table(day: date) -> AmountTable:
    """Every configured award form's and title's individual and collective amount
    for a decision dated ``day``, with decree and article (the "Mức tiền thưởng"
    page and ``manage.py award_amounts``). Raises ``MoneyConfigError`` as ``regime_on``."""
    regime = regime_on(day)
    salary = base_salary_row_on(day)
    step = regime.rounding_step or 1
    groups: dict[tuple[str, str], dict[str, BonusCoefficient]] = {}
    for row in BonusCoefficient.objects.filter(regime=regime).order_by("order", "award_type", "level", "subject"):
        groups.setdefault((row.award_type, row.level), {})[row.subject] = row

    def amount(row: BonusCoefficient | None) -> int | None:
        if row is None or row.coefficient is None:
            return None
        return round_up(row.coefficient * salary.amount, step)

    rows = []
    for by_subject in groups.values():
        ind, col = by_subject.get(Subject.INDIVIDUAL), by_subject.get(Subject.COLLECTIVE)
        rows.append(AmountRow((ind or col).display_label, ind, col, amount(ind), amount(col)))
    return AmountTable(day, regime, salary, rows)


def round_budget(round_) -> list[dict]:
    """Bonus totals of a round by funding source × award form × subject.

    Decided nominations count with their stored amount; approved ones (and those
    the council passed) are estimated for the draft decision's date (or today) and
    flagged as estimates. An award for which the law gives no amount counts as 0
    and flags ``no_amount``."""
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
        estimate = n.status != S.DECIDED
        if n.status == S.DECIDED:
            amount = n.amount
        else:
            try:
                amount = amount_breakdown(n.award_form, day, n.subject, submitted_on=n.submitted_at).amount
            except MoneyConfigError:
                amount = 0
        key = (source, n.award_form_id, n.subject)
        row = rows.setdefault(key, {"source": source, "award_form": n.award_form.name,
                                    "subject": Subject(n.subject).label, "count": 0, "total": 0, "estimate": False,
                                    "no_amount": False})
        row["count"] += 1
        row["total"] += amount or 0
        row["estimate"] = row["estimate"] or estimate
        row["no_amount"] = row["no_amount"] or amount is None
    return list(rows.values())
