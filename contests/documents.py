"""The contest's closing documents (issue 11): the Quyết định trao giải of the issuing
authority and one prize certificate per winning entry, in the ND 30/2020 format.

Rendered on request from the confirmed prizes (nothing is stored: the numbers are
typed by staff, the prizes are the record); PDF through ``awards.documents.render_pdf``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from awards.documents import agency_lines, authority_text, competence_basis, signer_block
from awards.queries import expand_unit_name as expand
from campaigns.models import Campaign

from .choices import PrizeStatus
from .models import Prize


class NoConfirmedPrizes(ValueError):
    """Nothing to decide yet: prizes are proposed but not confirmed."""


def confirmed_prizes(campaign: Campaign) -> list[Prize]:
    """The confirmed prizes, first prize first, with entries, units and authors."""
    prizes = list(Prize.objects.filter(contest=campaign, status=PrizeStatus.CONFIRMED)
                  .select_related("entry__unit", "award_form").prefetch_related("entry__authors")
                  .order_by("award_form__rank", "entry__code"))
    if not prizes:
        raise NoConfirmedPrizes("Chưa có giải thưởng được xác nhận: xác nhận giải trước khi in quyết định, giấy chứng nhận.")
    for p in prizes:
        p.author_names = ", ".join(a.full_name for a in p.entry.authors.all())
    return prizes


def decision_code(number: str) -> str:
    """"25/QĐ-UBND" from the number typed (the number only), blank to fill by hand."""
    from awards.models import Decision

    return Decision.format_code(number or "", "QĐ-UBND")


def award_decision_context(campaign: Campaign, *, number: str, decision_date: date | None) -> dict[str, Any]:
    """The Quyết định trao giải: issued by the campaign's issuing unit, signed as its
    plan is; căn cứ: the competence law of the date, the Law on emulation and
    commendation, the plan (number and full date); Điều 1 the winners with their prize
    money (``Prize.amount``, fixed by the plan), Điều 2 the total."""
    prizes = confirmed_prizes(campaign)
    issuing = campaign.issuing_unit
    parent, agency = agency_lines(issuing)
    total = sum(p.amount for p in prizes)
    return {
        "doc": {
            "parent_agency": parent, "agency": agency, "code": decision_code(number),
            "place": issuing.place_name or campaign.doc_place, "date": decision_date, "type": "QUYẾT ĐỊNH",
            "subject": f"Về việc trao giải {campaign.title[:1].lower() + campaign.title[1:]}",
            "recipients": ["Như Điều 3", "Lưu: VT."],
            "signer": signer_block(campaign.signer_title or "CHỦ TỊCH"), "signer_name": campaign.signer_name,
        },
        "authority": authority_text(issuing).upper(), "basis": competence_basis(issuing, decision_date),
        "issuer_name": expand(issuing.name), "campaign": campaign, "prizes": prizes, "total": total,
    }


def certificates_context(campaign: Campaign, *, number: str, decision_date: date | None) -> dict[str, Any]:
    """One certificate per confirmed prize (A4 landscape, ND 98/2023 Art. 104 frame)."""
    prizes = confirmed_prizes(campaign)
    issuing = campaign.issuing_unit
    return {
        "campaign": campaign, "prizes": prizes, "authority": authority_text(issuing).upper(),
        "place": issuing.place_name or campaign.doc_place, "date": decision_date, "code": decision_code(number),
        "signer": signer_block(campaign.signer_title or "CHỦ TỊCH"), "signer_name": campaign.signer_name,
    }


TEMPLATES = {
    "quyet-dinh": ("contests/print/award_decision.html", award_decision_context),
    "giay-chung-nhan": ("contests/print/prize_certificates.html", certificates_context),
}


def render(kind: str, campaign: Campaign, *, number: str = "", decision_date: date | None = None) -> bytes:
    """PDF bytes of ``kind`` ("quyet-dinh" or "giay-chung-nhan"); ``NoConfirmedPrizes``
    before the prizes are confirmed, ``KeyError`` for another kind."""
    from awards.documents import render_pdf

    template, build = TEMPLATES[kind]
    return render_pdf(template, build(campaign, number=number, decision_date=decision_date))
