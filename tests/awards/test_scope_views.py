"""Every guarded view: the other commune's officer gets 404 and changes nothing;
the right users get the page. Also the xlsx export escapes formulas."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.models import AuditEvent
from awards import services
from awards.choices import DocumentKind
from awards.choices import NominationStatus as S
from awards.models import GeneratedDocument, Nomination


@pytest.fixture
def world(tn, django_capture_on_commit_callbacks):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    att = services.add_attachment(n, actor=tn.officer_pc, kind="initiative", title="Công nhận sáng kiến",
                                  file=SimpleUploadedFile("sang-kien.pdf", b"%PDF-1.4 test"))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_documents(actor=tn.officer_pc, nomination=n, kinds=[DocumentKind.REPORT])[0]
    meeting = tn.meeting()
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    return {"n": n, "att": att, "report": report, "meeting": meeting, "decision": decision}


def _guarded(w, tn):
    n, m, d = w["n"].pk, w["meeting"].pk, w["decision"].pk
    r = tn.round.pk
    gets = [f"/khen-thuong/ho-so/{n}/", f"/khen-thuong/ho-so/{n}/sua/", f"/khen-thuong/ho-so/{n}/dinh-kem/{w['att'].pk}/",
            f"/khen-thuong/van-ban/{w['report'].pk}/"]
    posts = [f"/khen-thuong/ho-so/{n}/sua/", f"/khen-thuong/ho-so/{n}/dinh-kem/", f"/khen-thuong/ho-so/{n}/van-ban/"]
    posts += [f"/khen-thuong/ho-so/{n}/{a}/" for a in ("submit", "appraise", "to_council", "approve", "return", "reject", "refresh")]
    staff_gets = [f"/khen-thuong/dot/{r}/", f"/khen-thuong/dot/{r}/xuat-excel/", f"/khen-thuong/hop/{m}/", f"/khen-thuong/quyet-dinh/{d}/"]
    staff_posts = [f"/khen-thuong/dot/{r}/gia-han/", f"/khen-thuong/dot/{r}/hop/", f"/khen-thuong/dot/{r}/to-trinh/",
                   f"/khen-thuong/hop/{m}/diem-danh/", f"/khen-thuong/hop/{m}/phieu/{n}/", f"/khen-thuong/hop/{m}/ket-thuc/",
                   f"/khen-thuong/hop/{m}/bien-ban/", f"/khen-thuong/quyet-dinh/{d}/ban-hanh/", f"/khen-thuong/quyet-dinh/{d}/van-ban/"]
    return gets, posts, staff_gets, staff_posts


def test_other_units_officer_gets_404_everywhere(tn, world, client):
    gets, posts, staff_gets, staff_posts = _guarded(world, tn)
    client.force_login(tn.officer_al)
    before = AuditEvent.objects.count()
    for url in gets + staff_gets:
        assert client.get(url).status_code == 404, url
    for url in posts + staff_posts:
        assert client.post(url, {"reason": "x", "yes": 5, "no": 0, "number": "1", "decision_date": "2023-07-15",
                                 "kinds": ["proposal"]}).status_code == 404, url
    assert AuditEvent.objects.count() == before
    world["n"].refresh_from_db()
    assert world["n"].status == S.DRAFT
    listing = client.get("/khen-thuong/").content.decode()
    assert world["n"].nominee_name not in listing
    # Bulk actions silently skip what the user cannot see.
    client.post("/khen-thuong/hang-loat/", {"ids": [world["n"].pk], "action": "appraise"})
    world["n"].refresh_from_db()
    assert world["n"].status == S.DRAFT


def test_no_unit_user_sees_nothing(tn, world, client, no_unit_user):
    client.force_login(no_unit_user)
    gets, _, staff_gets, _ = _guarded(world, tn)
    for url in gets + staff_gets:
        assert client.get(url).status_code == 404, url


def test_right_users_get_pages(tn, world, client):
    gets, _, staff_gets, _ = _guarded(world, tn)
    client.force_login(tn.officer_pc)
    for url in gets:
        assert client.get(url).status_code == 200, url
    for url in staff_gets:  # a commune officer has no business on council/decision pages
        assert client.get(url).status_code == 404, url
    assert world["n"].nominee_name in client.get("/khen-thuong/").content.decode()
    for user in (tn.staff, tn.leader, tn.council):
        client.force_login(user)
        for url in [gets[0], *staff_gets]:
            assert client.get(url).status_code == 200, (user, url)


def test_officer_submits_through_page_and_staff_bulk_appraise(tn, world, client):
    n = world["n"]
    client.force_login(tn.officer_pc)
    resp = client.post(f"/khen-thuong/ho-so/{n.pk}/sua/", {"duties": "Phụ trách Bộ phận Một cửa", "ach_0": "Tham mưu 100% kế hoạch",
                                                          "summary": "Hoàn thành xuất sắc"})
    assert resp.status_code == 302
    n.refresh_from_db()
    assert n.report["achievements"][0]["content"] == "Tham mưu 100% kế hoạch" and n.summary == "Hoàn thành xuất sắc"
    client.post(f"/khen-thuong/ho-so/{n.pk}/submit/")
    n.refresh_from_db()
    assert n.status == S.SUBMITTED
    # Staff of the district bulk-appraise; a leader may not appraise.
    client.force_login(tn.leader)
    client.post("/khen-thuong/hang-loat/", {"ids": [n.pk], "action": "appraise"})
    n.refresh_from_db()
    assert n.status == S.SUBMITTED
    client.force_login(tn.staff)
    client.post("/khen-thuong/hang-loat/", {"ids": [n.pk], "action": "appraise"})
    n.refresh_from_db()
    assert n.status == S.APPRAISED
    page = client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()
    assert "Gửi hồ sơ" in page and "Thẩm định" in page  # timeline in Vietnamese


def test_xlsx_export_escapes_formulas(tn, world, client):
    n: Nomination = world["n"]
    person = n.person
    person.full_name = "=HYPERLINK(\"http://x\",\"bấm\")"
    person.position = "@SUM(1)"
    person.save()
    services.submit_nomination(n, actor=tn.officer_pc)
    client.force_login(tn.staff)
    resp = client.get(f"/khen-thuong/dot/{tn.round.pk}/xuat-excel/")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.content))
    values = [c.value for row in wb["Danh sách"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x\",\"bấm\")" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert "Kinh phí" in wb.sheetnames
    assert GeneratedDocument.objects.filter(nomination=n, status="done").exists()
