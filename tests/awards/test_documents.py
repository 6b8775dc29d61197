"""Rendered PDFs: text (pdftotext), page size and embedded font (pypdf), PNG (pdftoppm)."""

from __future__ import annotations

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
    decision_text = _flat(_text(by_kind["decision"][0].file.path))
    for expected in ["QUYẾT ĐỊNH", "Số: 12/QĐ-UBND", "Tam Nông, ngày 15 tháng 7 năm 2023",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM NÔNG", "Tờ trình số 05/TTr-UBND", "DANH SÁCH", "Trần Thanh Nam"]:
        assert expected in decision_text, expected
    for n in noms:
        assert n.nominee_name in decision_text
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
