"""Rendered PDFs: text (pdftotext), page size and embedded font (pypdf), PNG (pdftoppm)."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from awards import services
from awards.choices import DocumentKind
from awards.documents import ForbiddenResource, render_pdf, url_fetcher
from awards.models import GeneratedDocument


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _decided_round(tn, decision_date: date, capture):
    pc = tn.people("DT-TAMNONG-PHUCUONG", 2)
    al = tn.people("DT-TAMNONG-ANLONG", 1)
    noms = [tn.nominate(tn.officer_pc, person=p) for p in pc] + [tn.nominate(tn.officer_al, person=al[0])]
    noms.append(tn.nominate(tn.officer_pc, unit=tn.units["DT-TAMNONG-PHUCUONG"]))
    meeting = tn.meeting(members=5, present=4)
    for n in noms:
        tn.to_council(n)
    services.record_tally(meeting, noms[0], actor=tn.staff, yes=4, no=0, absent_yes=1, absent_opinions="Ông Thành viên 5 đồng ý bằng văn bản")
    for n in noms[1:]:
        services.record_tally(meeting, n, actor=tn.staff, yes=3, no=1)
    services.close_meeting(meeting, actor=tn.staff)
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5",
                                        proposal_signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", proposal_signer_name="Nguyễn Văn Phó")
    for n in noms:
        services.approve_nomination(n, actor=tn.leader)
    services.issue_decision(decision, actor=tn.leader, number="12", decision_date=decision_date)
    with capture(execute=True):
        docs = services.request_documents(actor=tn.staff, decision=decision, kinds=list(DocumentKind.values))
    docs = {d.pk: d for d in GeneratedDocument.objects.filter(pk__in=[d.pk for d in docs])}.values()
    assert all(d.status == "done" for d in docs), [(d.kind, d.error) for d in docs]
    return noms, decision, list(docs)


def test_dossier_pdfs_2023(tn, django_capture_on_commit_callbacks, tmp_path):
    noms, decision, docs = _decided_round(tn, date(2023, 7, 15), django_capture_on_commit_callbacks)
    by_kind: dict[str, list] = {}
    for d in docs:
        by_kind.setdefault(d.kind, []).append(d)
    assert len(by_kind["certificates"]) == 4 and len(by_kind["report"]) == 4 and len(by_kind["summary"]) == 4
    for d in docs:
        data = d.file.open("rb").read()
        assert data.startswith(b"%PDF")
    proposal = _text(by_kind["proposal"][0].file.path)
    flat = _flat(proposal)
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 05/TTr-UBND",
                     "Tam Nông, ngày 13 tháng 7 năm 2023", "TỜ TRÌNH", "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Tam Nông",
                     "Nơi nhận:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Phó"]:
        assert expected in flat, expected
    for n in noms:
        assert n.nominee_name in flat
    # ND 91/2017 in 2023: 0.3 × 1,800,000 individual, 0.6 × 1,800,000 collective.
    assert flat.count("540.000") >= 3 and "1.080.000" in flat
    assert "Tổng số tiền thưởng: 2.700.000 đồng" in flat
    # ND 91/2017 rows are unverified: the amount and the decree are printed, never the research
    # note nor a guessed article (finding 8); the counts say what there is.
    assert "Mức tiền thưởng:" in flat and "làm tròn lên; NĐ 91/2017/NĐ-CP." in flat
    assert "kiểm chứng" not in flat and "Điều 72" not in flat
    assert "cho 01 tập thể và 03 cá nhân đã có thành tích" in flat
    decision_text = _flat(_text(by_kind["decision"][0].file.path))
    for expected in ["QUYẾT ĐỊNH", "Số: 12/QĐ-UBND", "Tam Nông, ngày 15 tháng 7 năm 2023",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM NÔNG", "Tờ trình số 05/TTr-UBND", "DANH SÁCH", "Trần Thanh Nam"]:
        assert expected in decision_text, expected
    for n in noms:
        assert n.nominee_name in decision_text
    assert "cho 01 tập thể và 03 cá nhân đã có thành tích trong sơ kết 6 tháng phong trào thi đua Chuyên đề “Tăng cường" in decision_text
    assert "phong trào thi đua Phát động" not in decision_text and "kiểm chứng" not in decision_text
    # The Chủ tịch's own Giấy khen decision: signed "CHỦ TỊCH", not on behalf of the UBND.
    assert decision.signer_title == "CHỦ TỊCH" and "TM. ỦY BAN NHÂN DÂN" not in decision_text
    minutes = _flat(_text(by_kind["minutes"][0].file.path))
    for expected in ["BIÊN BẢN", "Số: 03/BB-HĐTĐKT", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG", "có mặt 04 thành viên",
                     "Thành viên 1", "Vắng mặt", "5/5 (100%)", "3/5 (60%)", "Ông Thành viên 5 đồng ý bằng văn bản",
                     "THƯ KÝ", "CHỦ TỌA", "Cuộc họp kết thúc vào"]:
        assert expected in minutes, expected
    report = _flat(_text(next(d for d in by_kind["report"] if d.nomination_id == noms[0].pk).file.path))
    assert "Mẫu số 07 kèm theo Nghị định số 91/2017/NĐ-CP" in report
    assert "BÁO CÁO THÀNH TÍCH" in report and noms[0].nominee_name in report and "I. SƠ LƯỢC LÝ LỊCH" in report
    cert = next(d for d in by_kind["certificates"] if d.nomination_id == noms[0].pk)
    cert_text = _flat(_text(cert.file.path))
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM NÔNG", "TẶNG", "GIẤY KHEN",
                     noms[0].nominee_name, "Số quyết định: 12/QĐ-UBND, ngày 15/07/2023"]:
        assert expected in cert_text, expected

    # Page size, fonts embedded, page numbers from page 2 only.
    reader = PdfReader(by_kind["proposal"][0].file.path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = subprocess.run(["pdffonts", by_kind["proposal"][0].file.path], check=True, capture_output=True, text=True).stdout
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all("ND30-Serif" in row and " yes yes yes " in row for row in font_rows)
    cert_box = PdfReader(cert.file.path).pages[0].mediabox
    assert (round(float(cert_box.width)), round(float(cert_box.height))) == (842, 595)
    decision_path = by_kind["decision"][0].file.path
    assert len(PdfReader(decision_path).pages) >= 2

    def first_line(page: int) -> str:
        out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), decision_path, "-"],
                             check=True, capture_output=True, text=True).stdout
        return next(line.strip() for line in out.splitlines() if line.strip())

    assert first_line(2) == "2" and first_line(1) != "1"  # numbered from page 2 only

    # PNG render exists (looked at by eye during development: diacritics, layout).
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", cert.file.path, str(tmp_path / "cert")], check=True)
    pngs = list(tmp_path.glob("cert*.png"))
    assert pngs and pngs[0].stat().st_size > 5_000


def test_2025_decision_uses_nd152_and_710000(tn, django_capture_on_commit_callbacks):
    noms, decision, docs = _decided_round(tn, date(2025, 7, 15), django_capture_on_commit_callbacks)
    proposal = next(d for d in docs if d.kind == "decision")
    flat = _flat(_text(proposal.file.path))
    # NĐ 152 Điều 49.2: 0.3 × 2,340,000 = 702,000 and 0.6 × … = 1,404,000, each rounded up.
    assert flat.count("710.000") >= 3 and "1.410.000" in flat
    report = next(d for d in docs if d.kind == "report")
    assert "Nghị định số 152/2025/NĐ-CP" in _flat(_text(report.file.path))
    assert report.form_title.startswith("Báo cáo thành tích theo mẫu tại Phụ lục kèm theo Nghị định số 152/2025")


def test_render_pdf_is_reusable_and_fetcher_stays_in_static(db):
    pdf = render_pdf("awards/print/base_nd30.html", {"doc": {"agency": "UBND XÃ THỬ", "code": "01/QĐ-UBND", "type": "QUYẾT ĐỊNH",
                                                             "subject": "Về việc trao giải", "place": "Thử", "date": date(2020, 9, 30),
                                                             "signer": ["CHỦ TỊCH"], "signer_name": "Nguyễn Văn A"}})
    assert pdf.startswith(b"%PDF")
    fetcher = url_fetcher()
    with pytest.raises(ForbiddenResource, match="Không được tải tài nguyên ngoài static/: file:///etc/passwd"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ForbiddenResource, match="ngoài static/: https://example.org"):
        fetcher.fetch("https://example.org/x.css")
    with pytest.raises(ForbiddenResource, match=r"ngoài static/: file://.*pyproject\.toml"):
        fetcher.fetch("file:///work/main/static/../pyproject.toml")


def test_failed_document_can_be_requeued(tn, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    doc = GeneratedDocument.objects.create(round=tn.round, kind="report", nomination=n, status="failed", error="lỗi cũ")
    out = StringIO()
    call_command("render_award_documents", stdout=out)
    doc.refresh_from_db()
    assert doc.status == "done" and doc.file.read(4) == b"%PDF"
    assert "Đã đưa 1 văn bản" in out.getvalue()


# --- issue 11: a 2026 province → commune campaign, every document type ---------------------


def _plain(path) -> str:
    """The PDF's text in reading order (each header column whole), flattened."""
    return _flat(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)


def pdf_layout(path) -> list[str]:
    """The PDF as ``pdftotext -layout`` lays it out: one string per printed line (for
    assertions on what shares a line, e.g. a table row or the Số / date line)."""
    return _text(path).splitlines()


def assert_on_one_line(lines: list[str], *parts: str) -> None:
    """Every part appears together on one printed line (a name not broken across lines)."""
    assert any(all(p in line for p in parts) for line in lines), (parts, [line for line in lines if parts[0][:6] in line])


@pytest.fixture
def province_round(db, django_capture_on_commit_callbacks):
    """UBND tỉnh Đồng Tháp's 2026 campaign for the communes formed on 01/07/2025: a
    collective and an individual of xã Tràm Chim proposed for the Bằng khen of the
    Chủ tịch UBND tỉnh, through council, approval and decision dated 15/07/2026."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from awards.legal_data import apply
    from awards.models import BaseSalary, BonusCoefficient, LegalRegime
    from campaigns.choices import AwardLevel, AwardType
    from campaigns.demo import load_base
    from campaigns.models import AwardForm, Campaign, Criterion, ParticipantGroup, Round
    from campaigns.services import CampaignError, register_participants
    from organization.choices import Role, UnitKind
    from organization.models import PerformanceRating, Person, Unit
    from tests.conftest import make_user

    load_base()
    apply(LegalRegime, BonusCoefficient, BaseSalary)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    province, commune = Unit.objects.get(code="DT"), Unit.objects.get(code="DT-XA-TRAMCHIM")
    home_affairs = Unit.objects.create(code="DT-SNV", name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT,
                                       parent=province, place_name="Đồng Tháp")
    staff = make_user("dt.thidua", province, Role.STAFF, "Lý Thị Thu")
    leader = make_user("dt.chutich", province, Role.LEADER, "Phạm Thành Ngại")
    officer = make_user("dt.tramchim", commune, Role.OFFICER, "Võ Văn Tâm")
    campaign = Campaign.objects.create(
        code="dong-thap-2026", title="Phong trào thi đua cải cách hành chính năm 2026", kind="regular",
        issuing_unit=province, doc_number="15", doc_symbol="KH-UBND", doc_date=date(2026, 1, 10), doc_place="Đồng Tháp",
        start_date=date(2026, 1, 15), end_date=date(2026, 12, 31), status="launched",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", signer_name="Phạm Thành Ngại")
    communes = ParticipantGroup.objects.create(campaign=campaign, code="xa", name="UBND các xã, phường",
                                               subject="collective", unit_kinds=[UnitKind.COMMUNE])
    people = ParticipantGroup.objects.create(campaign=campaign, code="cn", name="Cán bộ, công chức", subject="individual")
    # The abolished district's commune cannot take part in 2026; the new commune can.
    with pytest.raises(CampaignError, match="UBND xã Phú Cường.*không thể tham gia"):
        register_participants(campaign, communes, actor=staff, units=[Unit.objects.get(code="DT-TAMNONG-PHUCUONG")])
    person = Person.objects.filter(unit=commune, is_head=False).order_by("code").first()
    PerformanceRating.objects.update_or_create(person=person, year=2026, defaults={"rating": "good"})
    register_participants(campaign, communes, actor=staff, units=[commune])
    register_participants(campaign, people, actor=staff, people=[person])
    for subject in ("collective", "individual"):
        Criterion.objects.create(campaign=campaign, subject=subject, code=f"hoan-thanh-{subject}", kind="attestation",
                                 requirement="scored", text="Hoàn thành tốt nhiệm vụ cải cách hành chính được giao.")
    form = AwardForm.objects.create(campaign=campaign, name="Bằng khen của Chủ tịch UBND tỉnh", award_type=AwardType.BANG_KHEN_PROVINCE,
                                    issuer_title="Chủ tịch UBND tỉnh Đồng Tháp", level=AwardLevel.PROVINCE)
    round_ = Round.objects.create(campaign=campaign, name="Sơ kết 6 tháng đầu năm 2026", kind="six_month",
                                  period_start=date(2026, 1, 15), period_end=date(2026, 6, 30))
    noms = [services.create_nomination(round_, actor=officer, award_form=form, unit=commune),
            services.create_nomination(round_, actor=officer, award_form=form, person=person)]
    for n in noms:
        count = len(n.report.get("achievements", []))
        services.update_report(n, actor=officer, duties="Thực hiện tốt nhiệm vụ cải cách hành chính.",
                               achievements=["Hoàn thành 100% nhiệm vụ."] * count, other="", awards_received="",
                               summary="Hoàn thành xuất sắc nhiệm vụ 6 tháng đầu năm 2026.")
        services.submit_nomination(n, actor=officer)
        services.appraise_nomination(n, actor=staff, note="Đủ điều kiện")
        services.send_to_council(n, actor=staff)
    members = [{"name": name, "position": "Phó Chủ tịch UBND tỉnh" if i == 0 else "Thành viên", "council_role":
                "Chủ tịch Hội đồng" if i == 0 else ("Thư ký" if i == 1 else "Ủy viên"), "is_chair": i == 0,
                "is_secretary": i == 1, "present": True}
               for i, name in enumerate(["Phạm Thành Ngại", "Lý Thị Thu", "Nguyễn Hữu Thanh Tùng", "Trần Thị Kim Ngân", "Lê Quốc Bảo"])]
    # The secretary typed the number with its symbol: it must not print twice.
    meeting = services.create_meeting(round_, actor=staff, held_at=datetime(2026, 7, 8, 8, 0, tzinfo=tz),
                                      location="Hội trường UBND tỉnh", members=members, number="02/BB-HĐTĐKT")
    for n in noms:
        services.record_tally(meeting, n, actor=staff, yes=5, no=0)
    services.close_meeting(meeting, actor=staff, ended_at=datetime(2026, 7, 8, 10, 30, tzinfo=tz))
    for n in noms:
        services.approve_nomination(n, actor=leader)
    decision = services.create_decision(round_, actor=staff, proposal_date=date(2026, 7, 10), proposal_number="07",
                                        proposal_symbol="TTr-SNV", proposal_unit=home_affairs,
                                        proposal_signer_title="GIÁM ĐỐC", proposal_signer_name="Huỳnh Minh Tuấn")
    with django_capture_on_commit_callbacks(execute=True):
        early = services.request_documents(actor=staff, decision=decision, kinds=[DocumentKind.PROPOSAL])
    services.issue_decision(decision, actor=leader, number="125", decision_date=date(2026, 7, 15))
    with django_capture_on_commit_callbacks(execute=True):
        docs = services.request_documents(actor=staff, decision=decision, kinds=[k for k in DocumentKind.values
                                                                                 if k != DocumentKind.PROPOSAL])
    docs = list(GeneratedDocument.objects.filter(pk__in=[d.pk for d in [*early, *docs]]))
    assert all(d.status == "done" for d in docs), [(d.kind, d.error) for d in docs]
    return {"noms": noms, "decision": decision, "person": person, "docs": {d.kind: d for d in docs if d.nomination_id != noms[0].pk
                                                                          or d.kind not in ("report", "summary", "certificates")}}


def test_every_document_of_a_2026_province_to_commune_round(province_round):
    docs, person = province_round["docs"], province_round["person"]
    assert set(docs) == set(DocumentKind.values)
    # Tờ trình from the Sở Nội vụ under the UBND tỉnh, in full names; Số and date on one line.
    proposal = pdf_layout(docs["proposal"].file.path)
    flat = _plain(docs["proposal"].file.path)
    header = flat.split("TỜ TRÌNH")[0]
    assert "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP SỞ NỘI VỤ TỈNH ĐỒNG THÁP" in header and "UBND" not in header
    assert_on_one_line(proposal, "Số: 07/TTr-SNV", "Đồng Tháp, ngày 10 tháng 7 năm 2026")
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp" in flat and "Kế hoạch số 15/KH-UBND ngày 10 tháng 01 năm 2026" in flat
    # NĐ 152/2025 Điều 54.1: Bằng khen of a province 1.5 × 2,530,000 = 3,795,000 → 3,800,000 (Điều 49.2: rounded
    # up to 10,000); a collective twice (54.2): 7,590,000. The table's note cites the article.
    assert "3.800.000" in flat and "7.590.000" in flat and "Tổng số tiền thưởng: 11.390.000 đồng" in flat
    assert "Điều 54" in flat and "GIÁM ĐỐC" in flat and "Huỳnh Minh Tuấn" in flat
    # Quyết định of the Chủ tịch UBND tỉnh: competence of the 2025 law, full dates, signer.
    decision = pdf_layout(docs["decision"].file.path)
    flat = _plain(docs["decision"].file.path)
    assert_on_one_line(decision, "Số: 125/QĐ-UBND", "Đồng Tháp, ngày 15 tháng 7 năm 2026")
    for expected in ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
                     "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;",
                     "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                     "Tờ trình số 07/TTr-SNV ngày 10 tháng 7 năm 2026", "Về việc tặng Bằng khen",
                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Thành Ngại", "11.390.000", person.full_name]:
        assert expected in flat, expected
    # Biên bản: the number typed with its symbol is printed once; the chair signs as CHỦ TỌA;
    # the end time is the one entered; every nominee's name stays on one line of the vote table.
    minutes = pdf_layout(docs["minutes"].file.path)
    flat = _plain(docs["minutes"].file.path)
    assert "Số: 02/BB-HĐTĐKT" in flat and "BB-HĐTĐKT/BB-HĐTĐKT" not in flat
    assert "CHỦ TỌA" in flat and "Cuộc họp kết thúc vào 10 giờ 30, ngày 08 tháng 7 năm 2026" in flat
    for n in province_round["noms"]:
        assert_on_one_line(minutes, n.nominee_name, "5/5")
    # Báo cáo thành tích dated the day the unit submitted it; certificate of the Chủ tịch UBND tỉnh.
    report = _plain(docs["report"].file.path)
    submitted = province_round["noms"][1].submitted_at
    from django.utils import timezone

    from awards.templatetags.awards_print import date_words
    assert date_words(timezone.localtime(submitted).date()) in report and person.full_name in report
    cert = _plain(docs["certificates"].file.path)
    for expected in ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "TẶNG", "BẰNG KHEN", person.full_name,
                     "Số quyết định: 125/QĐ-UBND, ngày 15/07/2026"]:
        assert expected in cert, expected


def test_report_particulars_are_edited_in_vietnamese_and_printed(client, tn, django_capture_on_commit_callbacks):
    from django.urls import reverse

    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    url = reverse("awards:nomination_edit", args=[n.pk])
    client.force_login(tn.officer_pc)
    page = client.get(url).content.decode()
    for label in ("Họ và tên", "Ngày, tháng, năm sinh", "Quê quán", "Lý luận chính trị", "Ngạch, bậc"):
        assert f">{label}:</label>" in page, label
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "full_name" not in visible and "birth_date" not in visible  # keys are never shown
    data = {f"p_{k}": v for k, v in n.report["particulars"].items()}
    data.update({"p_hometown": "Xã Phú Cường, huyện Tam Nông, tỉnh Đồng Tháp", "p_political_theory": "Trung cấp",
                 "ach_0": "Tham mưu hoàn thành 100% nội dung Kế hoạch CCHC.", "summary": "Hoàn thành tốt nhiệm vụ."})
    assert client.post(url, data).status_code == 302
    n.refresh_from_db()
    assert n.report["particulars"]["hometown"] == "Xã Phú Cường, huyện Tam Nông, tỉnh Đồng Tháp"
    services.refresh_report(n, actor=tn.officer_pc)  # re-reading the criteria keeps what the officer typed
    n.refresh_from_db()
    assert n.report["particulars"]["political_theory"] == "Trung cấp"
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.request_documents(actor=tn.officer_pc, nomination=n, kinds=[DocumentKind.REPORT])[0]
    doc.refresh_from_db()
    text = _flat(_text(doc.file.path))
    assert "Quê quán: Xã Phú Cường, huyện Tam Nông, tỉnh Đồng Tháp" in text and "Lý luận chính trị: Trung cấp" in text
    assert "Phú Cường, ngày tháng năm" in text  # not submitted yet: the date is left for the day it is sent


def test_meeting_end_time_is_the_one_entered(client, tn):
    from django.urls import reverse
    from django.utils import timezone

    meeting = tn.meeting()
    url = reverse("awards:meeting_close", args=[meeting.pk])
    client.force_login(tn.staff)
    page = client.post(url, {"ended_at": "2023-07-12T07:30"}, follow=True).content.decode()
    assert "Thời gian kết thúc phải sau thời gian bắt đầu cuộc họp (08:00 ngày 12/07/2023)" in page
    client.post(url, {"ended_at": "2023-07-12T10:45"})
    meeting.refresh_from_db()
    assert meeting.status == "closed" and timezone.localtime(meeting.ended_at).strftime("%d/%m/%Y %H:%M") == "12/07/2023 10:45"


def test_to_trinh_form_screen_and_text_before_printing(tn, client):
    """Finding 8 of the new-user trial: "Cơ quan trình" left blank defaults to the Phòng
    Nội vụ under the deciding UBND (never the UBND to its own Chủ tịch; choosing it is
    refused); a list of individuals only reads "cho 02 cá nhân"; the screen numbers the
    rows 1, 2 … and warns staff of unverified amounts the PDF does not annotate."""
    from django.urls import reverse

    from awards.documents import document_html, proposal_context, render_html
    from awards.models import Decision

    noms = [tn.nominate(tn.officer_pc, person=p) for p in tn.people("DT-TAMNONG-PHUCUONG", 2)]
    meeting = tn.meeting()
    for n in noms:
        tn.to_council(n)
        services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    services.close_meeting(meeting, actor=tn.staff)
    client.force_login(tn.staff)
    url = reverse("awards:decision_create", args=[tn.round.pk])
    # The symbol left at the form's "TTr-UBND": the Phòng's own is printed (second trial).
    post = {"proposal_number": "5", "proposal_symbol": "TTr-UBND", "proposal_date": "2023-07-13"}
    page = client.post(url, {**post, "proposal_unit": tn.units["DT-TAMNONG"].pk}, follow=True).content.decode()
    assert "Ủy ban nhân dân huyện Tam Nông quyết định khen thưởng nên không tự trình mình" not in page  # short name
    assert "UBND huyện Tam Nông quyết định khen thưởng nên không tự trình mình" in page
    assert not Decision.objects.filter(round=tn.round).exists()
    client.post(url, post)
    decision = Decision.objects.get(round=tn.round)
    assert decision.proposal_unit.code == "DT-TAMNONG-PNV"
    assert decision.proposal_symbol == "TTr-PNV"
    # The deciding Chủ tịch never signs the Phòng's Tờ trình (second trial: "TRƯỞNG PHÒNG
    # Trần Thanh Nam"): without a typed signer the name line stays blank.
    decision.signer_name = "Trần Thanh Nam"
    context = proposal_context(decision)
    assert context["doc"]["signer_name"] == "" and context["doc"]["code"].endswith("/TTr-PNV")

    html = " ".join(render_html("awards/print/proposal.html", proposal_context(decision)).split())
    assert "Phòng Nội vụ huyện Tam Nông kính trình Chủ tịch Ủy ban nhân dân huyện Tam Nông xem xét" in html
    assert "cho 02 cá nhân đã có thành tích" in html and "00 tập thể" not in html and "kiểm chứng" not in html

    detail = client.get(reverse("awards:decision_detail", args=[decision.pk])).content.decode()
    stt = re.findall(r"<tr><td>(\d+)</td>", detail)
    assert stt == ["1", "2"]
    warning = detail.split('id="amount-warnings"')[1].split("</div>")[0]
    assert "Chưa đối chiếu được văn bản NĐ 91/2017" in warning and "(cần kiểm chứng)" not in warning

    empty = services.create_decision(tn.round2, actor=tn.staff, proposal_date=date(2023, 12, 20),
                                     proposal_unit=tn.units["DT-TAMNONG-PNV"])
    with pytest.raises(ValueError, match="Tờ trình chưa có tập thể, cá nhân nào để đề nghị"):
        document_html(GeneratedDocument(kind=DocumentKind.PROPOSAL, decision=empty))
