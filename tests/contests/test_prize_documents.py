"""The contest ends with its documents (issue 11): the Quyết định trao giải of the UBND
huyện and a certificate for each prize, from the confirmed prizes; only the contest's
managers print them, and not before the prizes are confirmed."""

from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from contests import services

from .test_judging import _score_all, entries, judge2  # noqa: F401  (fixtures)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout.split())


def test_award_decision_and_certificates_from_confirmed_prizes(client, contest, entries, staff, judge, judge2,  # noqa: F811
                                                               officer_a, tmp_path):
    contest.doc_number, contest.doc_symbol, contest.doc_date = "179", "KH-UBND", date(2020, 8, 24)
    contest.signer_title, contest.signer_name = "TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH", "Hồ Thị Kim Cúc"
    contest.save()
    _score_all(contest, entries, staff, judge, judge2, [
        (("9", "9", "5"), ("10", "9", "5")),
        (("6", "6", "3"), ("7", "6", "3")),
        (("8", "7", "4"), ("8", "8", "4")),
    ])
    services.propose_prizes(contest, actor=staff)
    url = reverse("contests:prize_document", args=[contest.code, "quyet-dinh"])
    client.force_login(staff)
    response = client.get(url, follow=True)  # proposed, not confirmed: nothing to decide yet
    assert "Chưa có giải thưởng được xác nhận" in response.content.decode()
    services.confirm_prizes(contest, actor=staff)

    response = client.get(url, {"so": "25", "ngay": "2020-09-29"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    for expected in ["ỦY BAN NHÂN DÂN HUYỆN THỬ NGHIỆM", "Số: 25/QĐ-UBND", "Thử Nghiệm, ngày 29 tháng 9 năm 2020",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THỬ NGHIỆM",
                     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
                     "Căn cứ Kế hoạch số 179/KH-UBND ngày 24 tháng 8 năm 2020", "Giải nhất", "Giải nhì", "Giải ba",
                     "2.000.000", "1.500.000", "1.000.000", "4.500.000", "Q. CHỦ TỊCH", "Hồ Thị Kim Cúc"]:
        assert expected in text, expected

    certificates = client.get(reverse("contests:prize_document", args=[contest.code, "giay-chung-nhan"]), {"so": "25"})
    assert certificates.status_code == 200
    pages = PdfReader(BytesIO(certificates.content)).pages
    assert len(pages) == 3  # one per prize
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {(842, 595)}  # A4 landscape
    text = _text(certificates.content, tmp_path)
    assert text.count("GIẤY CHỨNG NHẬN") == 3 and "GIẢI NHẤT" in text and "Quyết định số 25/QĐ-UBND" in text

    # Only the contest's managers print them.
    client.force_login(officer_a)
    assert client.get(url).status_code == 404
