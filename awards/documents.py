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
from core import formats
from core.text import fold_words
from organization.choices import UnitKind

from .choices import DocumentKind, NominationStatus
from .models import Decision, GeneratedDocument, Nomination
from .queries import decision_nominations
from .queries import expand_unit_name as expand

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


#: People's Committees: their head is the Chủ tịch, their competence the Law on local government.
PEOPLES_COMMITTEES = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)
#: Luật Tổ chức chính quyền địa phương số 72/2025/QH15: the two-level local government
#: in force from 01/07/2025; decisions before follow the 2015 law as amended in 2019.
LOCAL_GOV_LAW_2025_FROM = date(2025, 7, 1)
#: Luật Thi đua, khen thưởng 2022 (số 06/2022/QH15) in force from 01/01/2024.
EMULATION_LAW_2022_FROM = date(2024, 1, 1)


def is_peoples_committee(unit) -> bool:
    return unit.kind in PEOPLES_COMMITTEES or unit.name.startswith("UBND")


def agency_initials(name: str) -> str:
    """The abbreviation a document symbol uses for an agency: the initials of its
    words without the place ("Phòng Nội vụ huyện Tam Nông" → "PNV", "Văn phòng" →
    "VP", "Phòng Văn hóa – Xã hội" → "PVHXH"; đ → D)."""
    cut = min((i for word in PLACE_WORDS if (i := name.find(word)) > 0), default=len(name))
    own = name[:cut].replace("Đ", "D").replace("đ", "d")
    return "".join(word[0] for word in fold_words(own).split()).upper()


#: Where an agency's name turns into its place (lower case: "Xã hội" is part of a name).
PLACE_WORDS = (" huyện ", " tỉnh ", " xã ", " thành phố ", " quận ", " thị xã ", " thị trấn ", " phường ", " đặc khu ")


def agency_lines(unit) -> tuple[str, str]:
    """(parent agency, issuing agency) as printed top-left, both in full (no "UBND").
    An UBND prints alone; an office, section or department prints under its parent
    (ND 30/2020 Art. 8 and Phụ lục I)."""
    own = expand(unit.name).upper()
    parent = ""
    if unit.parent_id and not is_peoples_committee(unit):
        parent = expand(unit.parent.name).upper()
    return parent, own


def authority_text(unit) -> str:
    """Who decides, as written in the text: "Chủ tịch Ủy ban nhân dân …" for an UBND,
    "Giám đốc Sở …" for a department, else the unit's own name."""
    name = expand(unit.name)
    if is_peoples_committee(unit):
        return f"Chủ tịch {name}"
    if unit.kind == UnitKind.DEPARTMENT:
        return f"Giám đốc {name}"
    return name


def competence_basis(unit, day: date | None) -> list[str]:
    """The căn cứ lines of a decision of ``unit`` dated ``day`` (full dates, ND 30/2020
    Phụ lục I): the law that gives the authority (an UBND: Luật Tổ chức chính quyền
    địa phương of the date) and the Law on emulation and commendation of the date."""
    day = day or timezone.localdate()
    lines = []
    if is_peoples_committee(unit):
        if day >= LOCAL_GOV_LAW_2025_FROM:
            lines.append("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025")
        else:
            lines.append("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung "
                         "một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019")
    if day >= EMULATION_LAW_2022_FROM:
        lines.append("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022")
    else:
        lines.append("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều "
                     "của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013")
    return lines


def signer_block(title: str) -> list[str]:
    return [line.strip().upper() for line in (title or "").splitlines() if line.strip()]


def amounted(nominations: list[Nomination], day: date) -> list[Nomination]:
    """Amounts for display: the stored amount once decided, else computed for ``day``
    (once per award form × subject: a 100-nominee list costs a handful of queries).

    Each nomination gets ``display_amount``, ``amount_source`` (what a printed
    document cites: decree and article, never a research note — see
    ``money.printable_citation``), ``amount_warning`` (staff-facing, shown on screen
    before printing: why the figure is not verified, or ``""``) and ``amount_error``
    (the configuration is missing: no figure at all, or ``""``)."""
    from .money import (
        MoneyConfigError,
        amount_breakdown,
        base_salary_row_on,
        printable_citation,
        tidy_note,
    )

    cache: dict[tuple[int, str], tuple[int | None, str, str, str]] = {}
    salary_note: list[str] = []  # computed once, only when some figure is unverified

    def warning(b) -> str:
        if b.verified:
            return ""
        parts = [tidy_note(b.source), tidy_note(b.note)]
        if not salary_note:
            row = base_salary_row_on(day)
            salary_note.append(f"mức lương cơ sở {formats.money(row.amount)} đồng: {tidy_note(row.legal_basis)}"
                               if row.needs_verification else "")
        parts.append(salary_note[0])
        return "; ".join(p for p in parts if p)

    for n in nominations:
        key = (n.award_form_id, n.subject)
        if key not in cache:
            try:
                b = amount_breakdown(n.award_form, day, n.subject)
                citation = printable_citation(getattr(b, "source", "") or "")
                if b.amount is None and b.regime is not None:
                    source = f"pháp luật không quy định mức tiền thưởng ({citation})" if citation else ""
                elif b.coefficient is not None and citation:
                    source = f"{formats.number(b.coefficient)} × {formats.money(b.base_salary or 0)}, làm tròn lên; {citation}"
                else:
                    source = citation
                cache[key] = (b.amount, source, warning(b), "")
            except MoneyConfigError as exc:
                cache[key] = (None, "", "", str(exc))
        amount, n.amount_source, n.amount_warning, n.amount_error = cache[key]
        n.display_amount = n.amount if n.amount is not None else amount
        n.form_name = expand(n.award_form.name)  # printed in full: no "UBND"
    return nominations


def amount_sources(nominations: list[Nomination]) -> list[tuple[str, str]]:
    """(award form and subject, source) once each, for the note under an amount table."""
    seen: dict[str, str] = {}
    for n in nominations:
        label = f"{expand(n.award_form.name)} ({Subject(n.subject).label.lower()})"
        if getattr(n, "amount_source", "") and label not in seen:
            seen[label] = n.amount_source
    return list(seen.items())


def amount_warnings(nominations: list[Nomination]) -> list[tuple[str, str]]:
    """(award form and subject, why) once each, for staff before they print: a figure
    from unverified configuration, or a missing one. Never printed in a document."""
    seen: dict[str, str] = {}
    for n in nominations:
        why = getattr(n, "amount_error", "") or getattr(n, "amount_warning", "")
        label = f"{n.award_form.name} ({Subject(n.subject).label.lower()})"
        if why and label not in seen:
            seen[label] = why
    return list(seen.items())


def recipients_phrase(collectives: int, individuals: int) -> str:
    """"02 tập thể và 03 cá nhân", without a zero part ("03 cá nhân"); "" for none."""
    parts = [f"{count:02d} {what}" for count, what in ((collectives, "tập thể"), (individuals, "cá nhân")) if count]
    return " và ".join(parts)


def split_by_subject(nominations: list[Nomination]) -> dict[str, Any]:
    """collectives, individuals, the amounts' totals (of each and of all), the
    "02 tập thể và 03 cá nhân" phrase (``awarded_count``) and the staff-facing
    ``amount_warnings``."""
    collectives = [n for n in nominations if n.subject == Subject.COLLECTIVE]
    individuals = [n for n in nominations if n.subject == Subject.INDIVIDUAL]
    total = sum(n.display_amount or 0 for n in nominations)
    return {"collectives": collectives, "individuals": individuals, "total": total,
            "collective_total": sum(n.display_amount or 0 for n in collectives),
            "individual_total": sum(n.display_amount or 0 for n in individuals),
            "awarded_count": recipients_phrase(len(collectives), len(individuals)),
            "amount_warnings": amount_warnings(nominations)}


def _printable(ctx: dict[str, Any], what: str) -> dict[str, Any]:
    """``ctx`` of a Tờ trình / Quyết định, refused when printed (``ValueError``, shown on
    the document's row) for a list with nobody on it, or with an amount the
    configuration cannot give."""
    nominations = ctx["collectives"] + ctx["individuals"]
    if not nominations:
        raise ValueError(f"{what} chưa có tập thể, cá nhân nào để đề nghị: cần hồ sơ đã được Hội đồng thông qua "
                         "hoặc lãnh đạo duyệt, thuộc hình thức khen thưởng của tờ trình.")
    errors = list(dict.fromkeys(n.amount_error for n in nominations
                                if getattr(n, "amount_error", "") and n.display_amount is None))
    if errors:
        raise ValueError(f"Chưa in được {what.lower()}: " + " ".join(errors))
    return ctx


def certificate_title(award_form) -> str:
    """What the certificate says it is: "GIẤY KHEN", "BẰNG KHEN" (whose, the authority
    line above says), else the form's own name."""
    if award_form.award_type == AwardType.GIAY_KHEN:
        return "GIẤY KHEN"
    if award_form.award_type in (AwardType.BANG_KHEN_PROVINCE, AwardType.BANG_KHEN_PM):
        return "BẰNG KHEN"
    return award_form.name.upper()


def _award_kinds(nominations: list[Nomination]) -> str:
    """"Giấy khen" / "Bằng khen" … for a trích yếu (a form's own name when it is neither)."""
    kinds = []
    for n in nominations:
        kind = certificate_title(n.award_form).capitalize() if n.award_form.award_type in (
            AwardType.GIAY_KHEN, AwardType.BANG_KHEN_PROVINCE, AwardType.BANG_KHEN_PM) else expand(n.award_form.name)
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds) or "Giấy khen"


def _award_names(nominations: list[Nomination]) -> str:
    names = []
    for n in nominations:
        if expand(n.award_form.name) not in names:
            names.append(expand(n.award_form.name))  # in full on a document: no "UBND"
    return ", ".join(names) or "khen thưởng"


def proposal_context(decision: Decision, nominations: list[Nomination] | None = None) -> dict[str, Any]:
    """The Tờ trình: from the chosen proposing agency (its own number and symbol) to the
    deciding authority; lists only the decision's forms' nominations not yet decided.
    An upward one asks the higher authority (Chủ tịch UBND tỉnh, Thủ tướng …) and
    encloses the dossier; the amount table cites decree and article per form."""
    round_ = decision.round
    campaign = round_.campaign
    nominations = nominations if nominations is not None else decision_nominations(decision)
    day = decision.date or decision.proposal_date
    amounted(nominations, day)
    parent, agency = agency_lines(decision.proposal_unit)
    return {
        "doc": {
            "parent_agency": parent, "agency": agency, "code": decision.proposal_code,
            "place": decision.proposal_unit.place_name or campaign.doc_place, "date": decision.proposal_date,
            "type": "TỜ TRÌNH",
            "subject": f"Về việc đề nghị tặng {_award_kinds(nominations)} cho tập thể, cá nhân có thành tích trong "
                       f"{round_.name.lower()} phong trào thi đua",
            "addressee": expand(decision.addressee),
            "recipients": ["Như trên", "Lưu: VT."],
            "signer": signer_block(decision.proposal_signer_title or default_proposal_signer(decision.proposal_unit)),
            # The deciding authority's signer (the Chủ tịch) never signs for a Phòng: a
            # Tờ trình of another agency without a typed name leaves the line to sign by hand.
            "signer_name": decision.proposal_signer_name or (
                decision.signer_name if not decision.upward and decision.proposal_unit_id == campaign.issuing_unit_id
                else ""),
        },
        "decision": decision, "round": round_, "campaign": campaign, "meeting": decision.meeting,
        "proposer_name": expand(decision.proposal_unit.name), "issuer_name": expand(campaign.issuing_unit.name),
        "addressee": expand(decision.addressee), "amount_sources": amount_sources(nominations),
        "dossier": campaign.dossier_component_lines(),
        "award_names": _award_names(nominations), **split_by_subject(nominations),
    }


def default_proposal_signer(unit) -> str:
    """Who signs a Tờ trình of ``unit`` when none is typed (ND 30/2020 Art. 13)."""
    if is_peoples_committee(unit):
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    if unit.kind == UnitKind.DEPARTMENT:
        return "GIÁM ĐỐC"
    if unit.kind == UnitKind.OFFICE and unit.name.lower().startswith("văn phòng"):
        return "CHÁNH VĂN PHÒNG"
    return "TRƯỞNG PHÒNG" if unit.kind == UnitKind.OFFICE else "THỦ TRƯỞNG ĐƠN VỊ"


def decision_context(decision: Decision) -> dict[str, Any]:
    """The round's own Quyết định (never an upward one: the higher level issues that)."""
    if decision.upward:
        raise ValueError(f"Quyết định này do {decision.authority} ban hành, không in tại đây.")
    round_ = decision.round
    campaign = round_.campaign
    nominations = list(decision.nominations.select_related("award_form", "person__unit", "unit").order_by("subject", "id"))
    amounted(nominations, decision.date)
    issuing = campaign.issuing_unit
    parent, agency = agency_lines(issuing)
    authority = authority_text(issuing).upper()
    return {
        "doc": {
            "parent_agency": parent, "agency": agency, "code": decision.document_code,
            "place": issuing.place_name or campaign.doc_place, "date": decision.date, "type": "QUYẾT ĐỊNH",
            "subject": f"Về việc tặng {_award_kinds(nominations)} cho tập thể, cá nhân có thành tích trong "
                       f"{round_.name.lower()} phong trào thi đua",
            "recipients": ["Như Điều 3", "Lưu: VT."],
            "signer": signer_block(decision.signer_title), "signer_name": decision.signer_name,
        },
        "authority": authority, "authority_text": authority_text(issuing),
        "basis": competence_basis(issuing, decision.date), "issuer_name": expand(issuing.name),
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
        "issuer_name": expand(issuing.name),
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
    # Dated when the unit submits it (not the decision's date): blank until then.
    submitted = timezone.localtime(nomination.submitted_at).date() if nomination.submitted_at else None
    return {
        "doc": {"place": home.place_name or nomination.round.campaign.doc_place, "date": submitted},
        "agency": expand(nomination.unit.name).upper() if nomination.unit_id else "",
        "award_name": expand(nomination.award_form.name),
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
        "award_title": certificate_title(nomination.award_form),
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
    DocumentKind.PROPOSAL: (lambda doc: _printable(proposal_context(doc.decision), "Tờ trình"), "decision", "to-trinh"),
    DocumentKind.DECISION: (lambda doc: _printable(decision_context(doc.decision), "Quyết định"), "decision", "quyet-dinh"),
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
