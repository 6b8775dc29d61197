"""Acceptance 1 in Debian chromium: the Đakrông contest end to end.

Three units submit (an 800-word article is refused with its reason), staff assign
two judges (judge 2 is refused Krông Klang's entry: it is their own unit), the
judges score blind, staff close judging, confirm the prizes and publish; the
public page (no sign-in) lists 2.000.000 / 1.500.000 / 1.000.000 đồng.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.demo import DEMO_PASSWORD, load_base
from campaigns.models import Campaign
from contests.demo import CODE, ensure_settings
from tests.conftest import login

from .builders import docx_bytes, mp4_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_out(page) -> None:
    page.context.clear_cookies()


def _main(page) -> str:
    return page.locator("main").inner_text()


def _submit(page, live_server, username, title, fmt, path, author, refused_first=None):
    login(page, live_server, username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cuoc-thi/{CODE}/")
    page.click("text=+ Nộp bài dự thi")

    def fill_and_send(file_path):
        page.fill("#id_title", title)
        page.select_option("#id_format", fmt)
        page.set_input_files("#id_file", str(file_path))
        for i, key in enumerate(("full_name", "position", "workplace", "phone")):
            page.fill(f"#id_authors-0-{key}", author[i])
        page.click("button:has-text('Lưu bài dự thi')")

    if refused_first is not None:
        bad_path, reason = refused_first
        fill_and_send(bad_path)
        assert reason in page.locator("#loi-bai-du-thi").inner_text()
    fill_and_send(path)
    page.wait_for_selector("text=Hãy bấm “Nộp bài” để nộp chính thức")
    page.click("button:has-text('Nộp bài')")
    page.wait_for_selector("text=Đã nộp bài dự thi")
    code = page.locator("h1").inner_text().split()[3].rstrip(":")
    _sign_out(page)
    return code


def _score(page, live_server, code, values):
    page.goto(f"{live_server.url}/cuoc-thi/{CODE}/")
    page.click(f"text=Chấm bài {code}")
    for i, v in enumerate(values, start=1):
        if v is None:
            page.check(f"#na_{i}")
        else:
            page.fill(f"#score_{i}", v)
    page.click("button:has-text('Lưu điểm')")
    page.wait_for_selector(f"text=Đã lưu điểm bài {code}")


def test_dakrong_contest_end_to_end(live_server, page, browser, tmp_path):
    load_base()
    campaign = Campaign.objects.get(code=CODE)
    today = timezone.localdate()
    # The plan's window (01/09–15/09/2020) lies in the past; the test moves the dates
    # to today and keeps every other rule of the plan (limits, rubric, prizes).
    ensure_settings(campaign, submission_start=today - timedelta(days=1), submission_end=today + timedelta(days=14),
                    judging_deadline=today + timedelta(days=20), results_date=today + timedelta(days=29))
    short, ok1, ok2 = tmp_path / "ngan.docx", tmp_path / "bai-1.docx", tmp_path / "bai-2.docx"
    short.write_bytes(docx_bytes(800))
    ok1.write_bytes(docx_bytes(1250))
    ok2.write_bytes(docx_bytes(1500))
    video = tmp_path / "phong-su.mp4"
    video.write_bytes(mp4_bytes(300, timescale=30000))
    base = f"{live_server.url}/cuoc-thi/{CODE}/"

    # Staff open submissions.
    login(page, live_server, "dakrong.thidua", DEMO_PASSWORD)
    page.click("nav >> text=Cuộc thi")
    page.click("text=Tổ chức cuộc thi tuyên truyền về cải cách hành chính")
    page.click("button:has-text('Bắt đầu nhận bài dự thi')")
    assert page.locator("#giai-doan").inner_text() == "Đang nhận bài dự thi"
    _sign_out(page)

    # Three units submit; Krông Klang's first article has 800 words and is refused.
    code_kk = _submit(page, live_server, "dakrong.xa.krongklang", "Một cửa thân thiện, đúng hẹn", "article", ok1,
                      ("Hồ Thị Mai", "Công chức Văn phòng – Thống kê", "UBND thị trấn Krông Klang", "0913456701"),
                      refused_first=(short, "Bài viết có 800 chữ, ít hơn mức tối thiểu 1.000 chữ"))
    code_moo = _submit(page, live_server, "dakrong.xa.moo", "Dịch vụ công trực tuyến đến với bà con", "article", ok2,
                       ("Pả Văn Kiên", "Công chức Tư pháp – Hộ tịch", "UBND xã Mò Ó", "0914222333"))
    code_tckh = _submit(page, live_server, "dakrong.phong.tckh", "Một ngày ở Bộ phận tiếp nhận và trả kết quả", "video",
                        video, ("Trần Quốc Việt", "Chuyên viên", "Phòng Tài chính – Kế hoạch", "0905123456"))
    assert (code_kk, code_moo, code_tckh) == ("BD-001", "BD-002", "BD-003")

    # Staff: completeness, start judging, assign judges (one conflict refused).
    login(page, live_server, "dakrong.thidua", DEMO_PASSWORD)
    page.goto(base)
    missing = page.locator("tr.unit-missing").all_inner_texts()
    assert len(missing) == 2 and any("Phòng Nội vụ" in r for r in missing) and any("Hướng Hiệp" in r for r in missing)
    page.click("button:has-text('Chuyển sang chấm thi')")
    assert page.locator("#giai-doan").inner_text() == "Đang chấm thi"
    for judge_label, expected_ok in (("Lê Văn Hùng", 3), ("Nguyễn Thị Lan", 2)):
        page.select_option("#id_judge", label=page.locator("#id_judge option", has_text=judge_label).inner_text())
        for box in page.locator("#phan-cong input[name=entries]").all():
            box.check()
        page.click("#phan-cong button:has-text('Phân công')")
        page.wait_for_selector(".messages")
        assert page.locator(".messages .msg-success").count() == expected_ok
    refusal = page.locator(".messages .msg-error").inner_text()
    assert "Nguyễn Thị Lan" in refusal and "BD-001" in refusal and "xung đột lợi ích" in refusal
    _sign_out(page)

    # Judge 1 (Phòng Nội vụ) scores all three, blind.
    login(page, live_server, "dakrong.giamkhao1", DEMO_PASSWORD)
    page.goto(base)
    text = _main(page)
    for hidden in ("UBND xã Mò Ó", "Krông Klang", "Phòng Tài chính", "Pả Văn Kiên", "0914222333"):
        assert hidden not in text
    _score(page, live_server, "BD-001", ["9", "9", "8", "8"])       # 86,00
    _score(page, live_server, "BD-002", ["8", "8", "7", "7"])       # 76,00
    _score(page, live_server, "BD-003", ["7", "7", "7", "7"])       # 70,00
    _sign_out(page)

    # Judge 2 (Krông Klang) has only the two other entries and cannot see judge 1's scores.
    login(page, live_server, "dakrong.giamkhao2", DEMO_PASSWORD)
    page.goto(base)
    assert "BD-001" not in _main(page)
    page.locator("main").get_by_text("BD-002", exact=False).first.click()
    detail = _main(page)
    assert "điểm của các giám khảo được ẩn" in detail and "Lê Văn Hùng" not in detail and "76,00" not in detail
    assert "Pả Văn Kiên" not in detail and "UBND xã Mò Ó" not in detail
    _score(page, live_server, "BD-002", ["8", "7", "7", None])      # N/A left out: 73,75
    _score(page, live_server, "BD-003", ["8", "8", "8", "8"])       # 80,00
    _sign_out(page)

    # Before publication the public page shows nothing.
    anonymous = browser.new_context(locale="vi-VN").new_page()
    anonymous.goto(f"{base}cong-bo/")
    assert "chưa được công bố" in anonymous.locator("main").inner_text()
    assert "đồng" not in anonymous.locator("main").inner_text()

    # Staff close judging, see mean/median/spread, propose and confirm prizes, publish.
    login(page, live_server, "dakrong.thidua", DEMO_PASSWORD)
    page.goto(base)
    page.click("button:has-text('Kết thúc chấm thi, tính kết quả')")
    assert page.locator("#giai-doan").inner_text() == "Đã chấm xong – xét giải"
    page.click("text=Kết quả chấm thi")
    rows = page.locator("#bang-ket-qua tbody tr").all_inner_texts()
    assert rows[0].startswith("1\tBD-001") and "86,00" in rows[0]
    assert rows[1].startswith("2\tBD-003") and "75,00" in rows[1] and "10,00" in rows[1]  # spread 80 − 70
    assert rows[2].startswith("3\tBD-002") and "74,88" in rows[2]
    assert "1-2-2-4" in page.locator("#quy-tac-xep-hang").inner_text()
    page.click("button:has-text('Đề xuất giải theo xếp hạng')")
    page.click("button:has-text('Xác nhận giải thưởng')")
    page.wait_for_selector("text=Đã xác nhận giải thưởng")
    page.click("button:has-text('Công bố kết quả')")
    page.wait_for_selector("#danh-sach-dat-giai")
    _sign_out(page)

    # The public page, no sign-in.
    anonymous.goto(f"{base}cong-bo/")
    winners = anonymous.locator("#danh-sach-dat-giai tbody tr").all_inner_texts()
    assert "Giải nhất" in winners[0] and "Một cửa thân thiện, đúng hẹn" in winners[0] and "2.000.000 đồng" in winners[0]
    assert "Giải nhì" in winners[1] and "Một ngày ở Bộ phận" in winners[1] and "1.500.000 đồng" in winners[1]
    assert "Giải ba" in winners[2] and "Dịch vụ công trực tuyến" in winners[2] and "1.000.000 đồng" in winners[2]
    assert "Hồ Thị Mai" in winners[0]
    with anonymous.expect_download() as info:
        anonymous.locator("#danh-sach-dat-giai tbody tr").first.locator("text=Tải bài viết").click()
    assert info.value.suggested_filename.endswith(".docx")
    anonymous.screenshot(path="/tmp/e2e-dakrong-public.png", full_page=True)
    anonymous.context.close()
