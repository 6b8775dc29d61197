"""Browser test (issue 11): five council members vote in the portal; the Biên bản
generated from their ballots shows the tallies against the award form's threshold,
keeps each nominee's name on one line of its table (``pdftotext -layout``) and is
signed "CHỦ TỌA"."""

from __future__ import annotations

import subprocess
from datetime import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from awards import services
from awards.models import VoteTally
from organization.choices import Role
from tests.conftest import login, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def tn_live(transactional_db):
    from tests.awards.conftest import TamNong

    return TamNong()


def test_five_members_vote_and_the_minutes_show_their_tallies(browser, live_server, tn_live, tmp_path):
    from tests.awards.conftest import TZ

    tn = tn_live
    tn.giay_khen.vote_threshold_percent = Decimal("80")
    tn.giay_khen.save()
    a, b = tn.people("DT-TAMNONG-PHUCUONG", 2)
    a.full_name = "Huỳnh Nguyễn Thị Ngọc Trâm"  # a long name is what used to wrap in the narrow column
    a.save()
    noms = [tn.to_council(tn.nominate(tn.officer_pc, person=p)) for p in (a, b)]
    noms.append(tn.to_council(tn.nominate(tn.officer_pc, unit=tn.units["DT-TAMNONG-PHUCUONG"])))
    users = [make_user(f"tamnong.hdtd{i}", tn.units["DT-TAMNONG"], Role.COUNCIL) for i in range(5)]
    meeting = services.create_meeting(
        tn.round, actor=tn.staff, held_at=datetime(2023, 7, 12, 8, 0, tzinfo=TZ), location="Hội trường UBND huyện",
        number="3", members=[{"name": f"Thành viên Hội đồng {i + 1}", "position": "Ủy viên", "user": u,
                              "council_role": "Chủ tịch Hội đồng" if i == 0 else "Ủy viên", "is_chair": i == 0,
                              "is_secretary": i == 4} for i, u in enumerate(users)])
    base = live_server.url
    # Every member agrees with the two individuals; two members disagree with the commune.
    for i, user in enumerate(users):
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, live_server, user.username)
        if i == 0:  # the meeting page leads a member to their ballot (trial finding 2)
            page.goto(f"{base}/khen-thuong/hop/{meeting.pk}/")
            page.click("#meeting-status a:has-text('Bỏ phiếu')")
        else:
            page.goto(f"{base}/khen-thuong/hop/{meeting.pk}/bo-phieu/")
        expect(page.locator(".threshold").first).to_have_text("từ 80% tổng số thành viên Hội đồng trở lên (4/5)")
        for n in noms:
            agree = n.unit_id is None or i < 3
            page.check(f"input[name=vote_{n.pk}][value='{1 if agree else 0}']")
        page.click("#ballot-form button[type=submit]")
        expect(page.locator("#ballot-done")).to_contain_text("Đã bỏ phiếu")
        context.close()
    tallies = {t.nomination_id: (t.yes, t.no, t.passed) for t in VoteTally.objects.filter(meeting=meeting)}
    assert tallies == {noms[0].pk: (5, 0, True), noms[1].pk: (5, 0, True), noms[2].pk: (3, 2, False)}

    # The secretary closes the meeting and generates the Biên bản from the ballots.
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server, "tamnong.thidua", "CchcDemo@2026")
    page.goto(f"{base}/khen-thuong/hop/{meeting.pk}/")
    expect(page.locator("#ballots")).to_contain_text("5/5 thành viên có mặt đã bỏ phiếu")
    page.click("button:has-text('Kết thúc cuộc họp')")
    page.click("button:has-text('Tạo biên bản họp (PDF)')")
    link = page.locator("a:has-text('Biên bản họp xét')").first
    expect(link).to_be_visible()
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    context.close()

    lines = text.splitlines()
    for n in noms:
        assert any(n.nominee_name in line for line in lines), (n.nominee_name, text)
    # Each row: đồng ý, không đồng ý, không biểu quyết, văn bản, đồng ý / tổng số thành viên, kết quả
    # ("Không đạt" may break after "Không" in its narrow column).
    row = next(line for line in lines if "Huỳnh Nguyễn Thị Ngọc Trâm" in line)
    assert row.split()[-7:] == ["5", "0", "0", "0/0", "5/5", "(100%)", "Đạt"], row
    commune = next(line for line in lines if "UBND xã Phú Cường" in line)
    assert commune.split()[-7:] == ["3", "2", "0", "0/0", "3/5", "(60%)", "Không"], commune
    flat = " ".join(text.split())
    assert "từ 80% tổng số thành viên Hội đồng trở lên (4/5)" in flat
    assert "CHỦ TỌA" in text
    # The campaign's title "Phát động phong trào thi đua …" is not prefixed a second time.
    assert "phong trào thi đua Phát động" not in flat and "phong trào thi đua Chuyên đề" in flat
