"""PDF rendering (WeasyPrint) of award dossiers in the ND 30/2020 format.

``render_pdf(template_name, context)`` is the reusable entry point (the contests
app renders its decisions and certificates through it). Fonts come from the
project's ``static/fonts`` (Tinos, metric-compatible with Times New Roman, full
Vietnamese coverage) via ``@font-face``, so output does not depend on the host's
fonts; the URL fetcher refuses anything outside ``static/``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns.choices import AwardType, Subject

from .choices import DocumentKind, NominationStatus
from .models import Decision, GeneratedDocument, Nomination
from .queries import expand_unit_name as expand
from .queries import proposal_nominations

STATIC_DIR = Path(settings.BASE_DIR) / "static"
BASE_URL = STATIC_DIR.as_uri() + "/"


class ForbiddenResource(ValueError):
    pass


def _static_fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """Only ``file://`` URLs under ``static/``: a template can never make the
        renderer reach the network or read other files."""

        def fetch(self, url: str, headers: dict | None = None):
            if not url.startswith(BASE_URL):
                raise ForbiddenResource(f"Không được tải tài nguyên ngoài static/: {url}")
            resolved = Path(unquote(url[len("file://"):]).split("?")[0]).resolve()
            if not resolved.is_relative_to(STATIC_DIR.resolve()):
                raise ForbiddenResource(f"Không được tải tài nguyên ngoài static/: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher


def url_fetcher():
    # A fresh fetcher per render: urllib openers are not meant to be shared across threads.
    return _static_fetcher_class()(allowed_protocols=["file"])


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes. Templates extend
    ``awards/print/base_nd30.html`` for the ND 30/2020 header and signature blocks."""
    return html_to_pdf(render_html(template_name, context))


# --- contexts --------------------------------------------------------------------


def agency_lines(unit) -> tuple[str, str]:
    """(parent agency, issuing agency) as printed top-left. An UBND prints alone;
    an office or section prints under its UBND (ND 30/2020 Art. 8)."""
    own = expand(unit.name).upper()
    parent = ""
    if unit.parent_id and not unit.name.startswith("UBND"):
        parent = expand(unit.parent.name).upper()
    return parent, own


def authority_text(unit) -> str:
    """Who decides, as written in the text: "Chủ tịch Ủy ban nhân dân …" for an UBND,
    else the unit's own name."""
    name = expand(unit.name)
    return f"Chủ tịch {name}" if unit.name.startswith("UBND") else name


def signer_block(title: str) -> list[str]:
    return [line.strip().upper() for line in (title or "").splitlines() if line.strip()]


def amounted(nominations: list[Nomination], day: date) -> list[Nomination]:
    """Amounts for display: the stored amount once decided, else computed for ``day``
    (once per award form × subject: a 100-nominee list costs a handful of queries)."""
    from .money import MoneyConfigError, amount_breakdown

    cache: dict[tuple[int, str], int | None] = {}
    for n in nominations:
        if n.amount is not None:
            n.display_amount = n.amount
            continue
        key = (n.award_form_id, n.subject)
        if key not in cache:
            try:
                cache[key] = amount_breakdown(n.award_form, day, n.subject).amount
            except MoneyConfigError:
                cache[key] = None
        n.display_amount = cache[key]
    return nominations


def split_by_subject(nominations: list[Nomination]) -> dict[str, Any]:
    """collectives, individuals and the amounts' totals (of each and of all), as the lists print them."""
    collectives = [n for n in nominations if n.subject == Subject.COLLECTIVE]
    individuals = [n for n in nominations if n.subject == Subject.INDIVIDUAL]
    total = sum(n.display_amount or 0 for n in nominations)
    return {"collectives": collectives, "individuals": individuals, "total": total,
            "collective_total": sum(n.display_amount or 0 for n in collectives),
            "individual_total": sum(n.display_amount or 0 for n in individuals)}


def _award_names(nominations: list[Nomination]) -> str:
    names = []
    for n in nominations:
        if n.award_form.name not in names:
            names.append(n.award_form.name)
    return ", ".join(names) or "khen thưởng"


def proposal_context(decision: Decision, nominations: list[Nomination] | None = None) -> dict[str, Any]:
    round_ = decision.round
    campaign = round_.campaign
    nominations = nominations if nominations is not None else proposal_nominations(round_)
    day = decision.date or decision.proposal_date
    amounted(nominations, day)
    parent, agency = agency_lines(decision.proposal_unit)
    award_type_name = nominations[0].award_form.get_award_type_display() if nominations else "Giấy khen"
    return {
        "doc": {
            "parent_agency": parent, "agency": agency, "code": decision.proposal_code,
            "place": decision.proposal_unit.place_name or campaign.doc_place, "date": decision.proposal_date,
            "type": "TỜ TRÌNH",
            "subject": f"Về việc đề nghị tặng {award_type_name} cho tập thể, cá nhân có thành tích trong "
                       f"{round_.name.lower()} phong trào thi đua",
            "addressee": decision.addressee,
            "recipients": ["Như trên", "Lưu: VT."],
            "signer": signer_block(decision.proposal_signer_title or "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
            "signer_name": decision.proposal_signer_name or decision.signer_name,
        },
        "decision": decision, "round": round_, "campaign": campaign, "meeting": decision.meeting,
        "award_names": _award_names(nominations), **split_by_subject(nominations),
    }


def decision_context(decision: Decision) -> dict[str, Any]:
    round_ = decision.round
    campaign = round_.campaign
    nominations = list(decision.nominations.select_related("award_form", "person__unit", "unit").order_by("subject", "id"))
    amounted(nominations, decision.date)
    issuing = campaign.issuing_unit
    parent, agency = agency_lines(issuing)
    authority = authority_text(issuing).upper()
    award_type_name = nominations[0].award_form.get_award_type_display() if nominations else "Giấy khen"
    return {
        "doc": {
            "parent_agency": parent, "agency": agency, "code": decision.document_code,
            "place": issuing.place_name or campaign.doc_place, "date": decision.date, "type": "QUYẾT ĐỊNH",
            "subject": f"Về việc tặng {award_type_name} cho tập thể, cá nhân có thành tích trong "
                       f"{round_.name.lower()} phong trào thi đua",
            "recipients": ["Như Điều 3", "Lưu: VT."],
            "signer": signer_block(decision.signer_title), "signer_name": decision.signer_name,
        },
        "authority": authority, "authority_text": authority_text(issuing),
        "decision": decision, "round": round_, "campaign": campaign,
        "award_names": _award_names(nominations), "proposal_unit_name": expand(decision.proposal_unit.name),
        **split_by_subject(nominations),
    }


def minutes_context(meeting) -> dict[str, Any]:
    round_ = meeting.round
    campaign = round_.campaign
    issuing = campaign.issuing_unit
    members = list(meeting.members.all())
    tallies = list(meeting.tallies.select_related("nomination__award_form", "nomination__person__unit", "nomination__unit")
                   .order_by("nomination__subject", "nomination_id"))
    for t in tallies:
        t.meeting = meeting  # share the prefetched members
        t.rule = t.required()[1]
    chair = meeting.chair
    secretary = meeting.secretary
    return {
        "doc": {
            "parent_agency": expand(issuing.name).upper(), "agency": "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
            "code": meeting.document_code, "place": issuing.place_name or campaign.doc_place,
            "date": timezone.localtime(meeting.held_at).date(), "type": "BIÊN BẢN",
            "subject": f"Họp xét khen thưởng {round_.name.lower()} phong trào thi đua",
        },
        "meeting": meeting, "members": members, "present": [m for m in members if m.present],
        "absent": [m for m in members if not m.present], "tallies": tallies, "chair": chair, "secretary": secretary,
        "round": round_, "campaign": campaign, "held_at": timezone.localtime(meeting.held_at),
        "ended_at": timezone.localtime(meeting.ended_at) if meeting.ended_at else None,
    }


def report_reference_date(nomination: Nomination) -> date:
    """The date that selects the report form: the decision date once decided, else
    the draft decision's date, else today."""
    if nomination.decision_id and nomination.decision.date:
        return nomination.decision.date
    draft = nomination.round.decisions.order_by("-created_at").first()
    if draft is not None:
        return draft.date or draft.proposal_date
    return timezone.localdate()


def report_context(nomination: Nomination) -> dict[str, Any]:
    from .money import MoneyConfigError, regime_on

    day = report_reference_date(nomination)
    try:
        regime = regime_on(day)
        form_title = regime.report_form_title
    except MoneyConfigError:
        regime, form_title = None, ""
    report = nomination.report or {}
    home = nomination.person.unit if nomination.person_id else nomination.unit
    return {
        "doc": {"place": home.place_name or nomination.round.campaign.doc_place, "date": day},
        "nomination": nomination, "report": report, "particulars": report.get("particulars", {}),
        "achievements": report.get("achievements", []), "form_title": form_title, "regime": regime,
        "round": nomination.round, "campaign": nomination.round.campaign, "home_unit": home,
    }


def certificate_context(nomination: Nomination) -> dict[str, Any]:
    decision = nomination.decision
    campaign = nomination.round.campaign
    issuing = campaign.issuing_unit
    authority = authority_text(issuing).upper()
    gold = None
    if decision.gold_book_from is not None:
        ids = list(decision.nominations.order_by("subject", "id").values_list("id", flat=True))
        gold = decision.gold_book_from + ids.index(nomination.pk)
    return {
        "nomination": nomination, "decision": decision, "authority": authority, "campaign": campaign,
        "place": issuing.place_name or campaign.doc_place, "signer": signer_block(decision.signer_title),
        "gold_book": gold,
        "award_title": nomination.award_form.get_award_type_display().upper()
        if nomination.award_form.award_type != AwardType.OTHER else nomination.award_form.name.upper(),
    }


TEMPLATES = {
    DocumentKind.PROPOSAL: "awards/print/proposal.html",
    DocumentKind.MINUTES: "awards/print/minutes.html",
    DocumentKind.REPORT: "awards/print/report.html",
    DocumentKind.SUMMARY: "awards/print/summary.html",
    DocumentKind.DECISION: "awards/print/decision.html",
    DocumentKind.CERTIFICATES: "awards/print/certificate.html",
}


#: kind → (context builder, the document's target field, file name prefix).
RENDERERS: dict[str, tuple[Any, str, str]] = {
    DocumentKind.PROPOSAL: (lambda doc: proposal_context(doc.decision), "decision", "to-trinh"),
    DocumentKind.DECISION: (lambda doc: decision_context(doc.decision), "decision", "quyet-dinh"),
    DocumentKind.MINUTES: (lambda doc: minutes_context(doc.meeting), "meeting", "bien-ban"),
    DocumentKind.REPORT: (lambda doc: report_context(doc.nomination), "nomination", "bao-cao-thanh-tich"),
    DocumentKind.SUMMARY: (lambda doc: report_context(doc.nomination), "nomination", "tom-tat-thanh-tich"),
    DocumentKind.CERTIFICATES: (lambda doc: certificate_context(_require_decided(doc.nomination)), "nomination", "giay-khen"),
}


def document_html(doc: GeneratedDocument) -> tuple[str, str, str]:
    """(html, filename, form title) of a generated document; ``ValueError`` for a
    certificate of a nomination without a decision."""
    build, target, prefix = RENDERERS[doc.kind]
    ctx = build(doc)
    name = f"{prefix}-{getattr(doc, target + '_id')}.pdf"
    return render_html(TEMPLATES[doc.kind], ctx), name, ctx.get("form_title", "")


def _require_decided(nomination: Nomination) -> Nomination:
    if nomination.status != NominationStatus.DECIDED or nomination.decision_id is None:
        raise ValueError("Chỉ in Giấy khen cho hồ sơ đã có quyết định.")
    return nomination
