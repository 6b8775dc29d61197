"""Judging: conflicts of interest, blind mode, N/A, 1-2-2-4 ranking, prizes and the public page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from contests import results, services
from contests.choices import ContestStage, EntryFormat, PrizeStatus
from contests.models import ContestSettings, Entry, EntryResult, Prize
from core.errors import NotAllowed
from core.ranking import competition_rank
from organization.choices import Role
from tests.conftest import make_user

from .conftest import AUTHOR, article

D = Decimal


@pytest.fixture
def entries(contest, tree, officer_a, officer_b):
    """Three submitted entries: commune A, commune B and commune A again."""
    made = []
    for user, unit, title in ((officer_a, tree["commune_a"], "Bộ phận một cửa xã A"),
                              (officer_b, tree["commune_b"], "Dịch vụ công trực tuyến xã B"),
                              (officer_a, tree["commune_a"], "Số hóa hồ sơ xã A")):
        entry = services.create_entry(contest, actor=user, unit=unit, title=title, fmt=EntryFormat.ARTICLE,
                                      upload=article(1200), authors=[{**AUTHOR, "full_name": f"Tác giả {title}"}])
        made.append(services.submit_entry(entry, actor=user))
    return made


@pytest.fixture
def judge2(tree):
    return make_user("giamkhao_2", tree["district"], Role.JUDGE, "Mai Văn Hai")


def _judging(contest, staff):
    return services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING)


def _scores(contest, *values):
    criteria = list(services.settings_of(contest).rubric.all())
    return {c.pk: (None if v is None else D(v)) for c, v in zip(criteria, values, strict=True)}


def test_conflict_of_interest_is_refused_at_assignment(contest, entries, staff, judge_a, judge):
    with pytest.raises(services.ContestError, match="xung đột lợi ích") as exc:
        services.assign_judge(entries[0], actor=staff, judge=judge_a)
    assert "cùng đơn vị với bài dự thi (xung đột lợi ích)" in str(exc.value)
    assert "UBND xã A" in str(exc.value)
    # The same judge may score commune B's entry; a district judge may score any.
    services.assign_judge(entries[1], actor=staff, judge=judge_a)
    services.assign_judge(entries[0], actor=staff, judge=judge)
    assert AuditEvent.objects.filter(action="contest.judge.assign").count() == 2


def test_only_staff_of_the_issuing_scope_assign_and_only_judges_are_assigned(contest, entries, staff, officer_a, judge, tree):
    other_staff = make_user("thidua_so", tree["department"], Role.STAFF)
    for actor in (officer_a, other_staff, judge):
        with pytest.raises(NotAllowed, match="không có quyền quản lý cuộc thi"):
            services.assign_judge(entries[1], actor=actor, judge=judge)
    with pytest.raises(services.ContestError, match="không phải là giám khảo"):
        services.assign_judge(entries[1], actor=staff, judge=officer_a)


def test_assign_view_reports_each_conflict(client, contest, entries, staff, judge_a):
    client.force_login(staff)
    response = client.post(reverse("contests:assign", args=[contest.code]),
                           {"judge": judge_a.pk, "entries": [e.pk for e in entries]}, follow=True)
    html = response.content.decode()
    assert html.count("xung đột lợi ích") == 2
    assert "Đã phân công Chấm Đinh Văn chấm bài BD-002" in html or "chấm bài BD-002" in html
    assert list(entries[1].assignments.values_list("judge", flat=True)) == [judge_a.pk]


def test_na_is_left_out_of_the_average(contest, entries, staff, judge, judge2):
    services.assign_judge(entries[0], actor=staff, judge=judge)
    services.assign_judge(entries[0], actor=staff, judge=judge2)
    _judging(contest, staff)
    a1 = entries[0].assignments.get(judge=judge)
    a2 = entries[0].assignments.get(judge=judge2)
    # Judge 1: 8/10 (w2), 6/10 (w1), N/A (w1) → (2·0,8 + 1·0,6) / 3 × 100 = 73,33
    services.save_scores(a1, actor=judge, values=_scores(contest, "8", "6", None))
    # Judge 2: 9/10, 7/10, 4/5 → (1,8 + 0,7 + 0,8) / 4 × 100 = 82,50
    services.save_scores(a2, actor=judge2, values=_scores(contest, "9", "7", "4"))
    assert AuditEvent.objects.filter(action="contest.score.save").count() == 2
    criteria = list(services.settings_of(contest).rubric.all())
    summary = results.summarize([entries[0]], criteria)[entries[0].pk]
    assert [t for _, t in summary.judge_totals] == [D("73.33"), D("82.50")]
    assert summary.mean == D("77.92") and summary.median == D("77.92") and summary.spread == D("9.17")
    # The illustration criterion's mean is judge 2's 4 alone, not (0 + 4) / 2.
    assert summary.criterion_means[2][1] == D("4.00")


def test_scores_are_validated_and_only_the_assigned_judge_scores(contest, entries, staff, judge, judge2):
    a = services.assign_judge(entries[1], actor=staff, judge=judge)
    with pytest.raises(services.ContestError, match="không trong giai đoạn chấm thi"):
        services.save_scores(a, actor=judge, values=_scores(contest, "8", "6", "4"))
    _judging(contest, staff)
    with pytest.raises(NotAllowed, match="Chỉ giám khảo được phân công"):
        services.save_scores(a, actor=judge2, values=_scores(contest, "8", "6", "4"))
    with pytest.raises(services.ContestError, match="“Hình ảnh minh họa”: điểm 7 phải từ 0 đến 5"):
        services.save_scores(a, actor=judge, values=_scores(contest, "8", "6", "7"))
    with pytest.raises(services.ContestError, match="cần chấm ít nhất một tiêu chí"):
        services.save_scores(a, actor=judge, values=_scores(contest, None, None, None))
    assert not a.scores.exists()


def test_scores_after_the_judging_deadline_are_refused_until_staff_extend_it(contest, entries, staff, judge):
    a = services.assign_judge(entries[1], actor=staff, judge=judge)
    _judging(contest, staff)
    settings = services.settings_of(contest)
    late = settings.judging_deadline + timedelta(days=1)
    with pytest.raises(services.ContestError, match=r"Đã hết hạn chấm thi \(\d\d/\d\d/\d{4}\)"):
        services.save_scores(a, actor=judge, values=_scores(contest, "8", "6", "4"), today=late)
    assert not a.scores.exists()
    # The deadline day itself is still open.
    services.save_scores(a, actor=judge, values=_scores(contest, "8", "6", "4"), today=settings.judging_deadline)
    assert a.scores.count() == 3


def test_competition_ranking_1224():
    assert competition_rank([D(90), D(85), D(85), D(70)]) == [1, 2, 2, 4]
    assert competition_rank([D(80), D(80), D(80)]) == [1, 1, 1]
    assert competition_rank([]) == []


def _score_all(contest, entries, staff, judge, judge2, table):
    for entry in entries:
        services.assign_judge(entry, actor=staff, judge=judge)
        services.assign_judge(entry, actor=staff, judge=judge2)
    _judging(contest, staff)
    for entry, (v1, v2) in zip(entries, table, strict=True):
        services.save_scores(entry.assignments.get(judge=judge), actor=judge, values=_scores(contest, *v1))
        services.save_scores(entry.assignments.get(judge=judge2), actor=judge2, values=_scores(contest, *v2))
    return services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.CLOSED)


def test_ties_share_a_rank_and_the_prize(contest, entries, staff, judge, judge2):
    _score_all(contest, entries, staff, judge, judge2, [
        (("9", "9", "5"), ("9", "9", "5")),   # (1,8 + 0,9 + 1) / 4 = 92,50
        (("8", "8", "4"), ("8", "8", "4")),   # 80,00
        (("8", "8", "4"), ("8", "8", "4")),   # 80,00 – tie with the second
    ])
    ranks = dict(EntryResult.objects.values_list("entry__code", "rank"))
    assert ranks == {"BD-001": 1, "BD-002": 2, "BD-003": 2}
    warnings = services.propose_prizes(contest, actor=staff)
    prizes = dict(Prize.objects.values_list("entry__code", "award_form__rank"))
    assert prizes == {"BD-001": 1, "BD-002": 2, "BD-003": 2}
    assert any("đồng hạng 2" in w for w in warnings) and any("Không có bài xếp hạng 3" in w for w in warnings)


def test_closing_requires_every_assignment_scored(contest, entries, staff, judge):
    for entry in entries:
        services.assign_judge(entry, actor=staff, judge=judge)
    _judging(contest, staff)
    with pytest.raises(services.ContestError, match="Còn bài chưa được chấm: BD-001"):
        services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.CLOSED)


def test_blind_mode_hides_identity_and_scores_until_publication(client, contest, entries, staff, officer_a, judge, judge2):
    for entry in entries:
        services.assign_judge(entry, actor=staff, judge=judge)
        services.assign_judge(entry, actor=staff, judge=judge2)
    _judging(contest, staff)
    e = entries[0]
    services.save_scores(e.assignments.get(judge=judge), actor=judge, values=_scores(contest, "7", "6", "3"))

    detail = reverse("contests:entry_detail", args=[contest.code, e.pk])
    results_url = reverse("contests:results", args=[contest.code])
    client.force_login(judge2)
    html = client.get(detail).content.decode()
    assert "UBND xã A" not in html and "Tác giả" + " Bộ phận" not in html and "0912345678" not in html
    assert "Đinh" not in html and "Vũ Thị Giang" not in html  # no other judge's name or score
    assert "BD-001" in html
    contest_page = client.get(reverse("contests:detail", args=[contest.code])).content.decode()
    assert "UBND xã A" not in contest_page and "UBND xã B" not in contest_page
    score_page = client.get(reverse("contests:score", args=[contest.code, e.pk])).content.decode()
    assert "value=\"7\"" not in score_page and "value=\"7.00\"" not in score_page
    download = client.get(reverse("contests:entry_file", args=[contest.code, e.pk]))
    assert "BD-001.docx" in download["Content-Disposition"]
    import io

    from docx import Document

    assert Document(io.BytesIO(b"".join(download.streaming_content))).core_properties.author == ""
    assert client.get(results_url).status_code == 403
    # Officers and staff do not see scores either while judging is open.
    for user in (officer_a, staff):
        client.force_login(user)
        page = client.get(detail).content.decode()
        # Judge 1's total would be (2·0,7 + 0,6 + 0,6) / 4 × 100 = 65,00.
        assert "65,00" not in page and "Điểm chấm" not in page and "điểm của các giám khảo được ẩn" in page
        assert client.get(results_url).status_code == 403
    # A judge never sees entries they are not assigned to.
    other = make_user("giamkhao_3", contest.issuing_unit, Role.JUDGE)
    client.force_login(other)
    assert client.get(detail).status_code == 404

    services.save_scores(e.assignments.get(judge=judge2), actor=judge2, values=_scores(contest, "8", "6", "3"))
    for entry in entries[1:]:
        for j in (judge, judge2):
            services.save_scores(entry.assignments.get(judge=j), actor=j, values=_scores(contest, "5", "5", "3"))
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.CLOSED)
    # Judging closed: judges still see neither names nor the other scores — judging
    # may be reopened, and a judge would re-score knowing them (issue 12).
    client.force_login(judge2)
    html = client.get(detail).content.decode()
    assert "UBND xã A" not in html and "Vũ Thị Giang" not in html and "65,00" not in html
    assert client.get(results_url).status_code == 403
    # The contest's managers see the frozen ranking: they propose the prizes from it.
    client.force_login(staff)
    assert client.get(results_url).status_code == 200
    client.force_login(officer_a)
    assert client.get(results_url).status_code == 403
    services.propose_prizes(contest, actor=staff)
    services.confirm_prizes(contest, actor=staff)
    services.publish_results(contest, actor=staff)
    client.force_login(judge2)
    html = client.get(detail).content.decode()
    assert "UBND xã A" in html and "Vũ Thị Giang" in html and "65,00" in html
    assert client.get(results_url).status_code == 200


def test_public_page_shows_nothing_before_publishing_then_winners(client, contest, entries, staff, judge, judge2, officer_a):
    public = reverse("contests:public_results", args=[contest.code])
    _score_all(contest, entries, staff, judge, judge2, [
        (("9", "9", "5"), ("10", "9", "5")),
        (("6", "6", "3"), ("7", "6", "3")),
        (("8", "7", "4"), ("8", "8", "4")),
    ])
    services.propose_prizes(contest, actor=staff)
    html = client.get(public).content.decode()
    assert "chưa được công bố" in html and "Giải nhất" not in html and "đồng" not in html
    winner = Prize.objects.get(award_form__rank=1).entry
    assert client.get(reverse("contests:public_file", args=[contest.code, winner.pk])).status_code == 404
    with pytest.raises(services.ContestError, match="Cần xác nhận giải thưởng"):
        services.publish_results(contest, actor=staff)
    with pytest.raises(NotAllowed, match="không có quyền"):
        services.confirm_prizes(contest, actor=officer_a)
    services.confirm_prizes(contest, actor=staff)
    assert not Prize.objects.filter(status=PrizeStatus.PROPOSED).exists()
    with pytest.raises(NotAllowed, match="không có quyền"):
        services.publish_results(contest, actor=officer_a)
    services.publish_results(contest, actor=staff)
    assert ContestSettings.objects.get(campaign=contest).stage == ContestStage.PUBLISHED
    html = client.get(public).content.decode()
    assert "2.000.000 đồng" in html and "1.500.000 đồng" in html and "1.000.000 đồng" in html
    assert html.index("Bộ phận một cửa xã A") < html.index("Số hóa hồ sơ xã A") < html.index("Dịch vụ công trực tuyến xã B")
    response = client.get(reverse("contests:public_file", args=[contest.code, winner.pk]))
    assert response.status_code == 200
    assert client.get(reverse("contests:public_file", args=[contest.code, 99999])).status_code == 404
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action__in=["contest.prizes.propose", "contest.prizes.confirm", "contest.publish"]).count() == 3


def test_reopening_judging_discards_unconfirmed_results(contest, entries, staff, judge, judge2):
    _score_all(contest, entries, staff, judge, judge2, [
        (("9", "9", "5"), ("9", "9", "5")), (("6", "6", "3"), ("6", "6", "3")), (("7", "7", "4"), ("7", "7", "4"))])
    services.propose_prizes(contest, actor=staff)
    with pytest.raises(services.ContestError, match="Cần ghi lý do mở lại việc chấm thi"):
        services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING, reason="  sai  ")
    assert EntryResult.objects.count() == 3 and Prize.objects.exists()
    reason = "Giám khảo Mai Văn Hai nhập nhầm điểm bài BD-002"
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING, reason=reason)
    assert not EntryResult.objects.exists() and not Prize.objects.exists()
    assert Entry.objects.count() == 3
    event = AuditEvent.objects.filter(action="contest.stage").latest("pk")
    assert event.to_state == ContestStage.JUDGING and event.comment == reason and event.data["reason"] == reason


def test_no_reopening_after_publication(contest, entries, staff, judge, judge2):
    _score_all(contest, entries, staff, judge, judge2, [
        (("9", "9", "5"), ("9", "9", "5")), (("6", "6", "3"), ("6", "6", "3")), (("7", "7", "4"), ("7", "7", "4"))])
    services.propose_prizes(contest, actor=staff)
    services.confirm_prizes(contest, actor=staff)
    with pytest.raises(services.ContestError, match="Giải thưởng đã được xác nhận"):
        services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING,
                              reason="Giám khảo nhập nhầm điểm")
    services.publish_results(contest, actor=staff)
    with pytest.raises(services.ContestError, match="Không thể chuyển cuộc thi"):
        services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING,
                              reason="Giám khảo nhập nhầm điểm")


def test_todo_items_for_judges_and_officers(contest, entries, staff, judge, officer_b, tree):
    from contests.todo import todo_items

    officer_c = make_user("canbo_pnv", tree["office"], Role.OFFICER)
    assert any("Nộp bài dự thi" in i.title for i in todo_items(officer_c))  # the office has not entered
    assert not any("Nộp bài dự thi" in i.title for i in todo_items(officer_b))
    services.assign_judge(entries[0], actor=staff, judge=judge)
    _judging(contest, staff)
    [item] = todo_items(judge)
    assert item.count == 1 and item.title.startswith(f"Bài cần chấm – “{contest.title[:80]}”, hạn chấm ")
    assert item.level == "warn"


def test_score_form_after_the_deadline_is_read_only_with_the_reason_and_the_todo_says_so(
        client, contest, entries, staff, judge):
    from contests.todo import todo_items

    a = services.assign_judge(entries[1], actor=staff, judge=judge)
    _judging(contest, staff)
    client.force_login(judge)
    url = reverse("contests:score", args=[contest.code, entries[1].pk])
    assert "Lưu điểm" in client.get(url).content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    ContestSettings.objects.filter(campaign=contest).update(judging_deadline=yesterday)
    html = client.get(url).content.decode()
    assert 'id="scoring-closed"' in html and f"Đã hết hạn chấm thi ({yesterday:%d/%m/%Y})" in html
    assert "Lưu điểm" not in html and html.count("disabled") == 2 * 3 + 1  # 3 scores, 3 N/A, the comment
    criteria = list(services.settings_of(contest).rubric.all())
    html = client.post(url, {f"score_{c.pk}": "4.5" for c in criteria}).content.decode()
    assert not a.scores.exists() and 'value="4.5"' not in html and "Đã hết hạn chấm thi" in html
    [item] = todo_items(judge)
    assert item.level == "bad" and f"đã hết hạn chấm {yesterday:%d/%m/%Y}, đề nghị gia hạn" in item.title


def test_staff_contest_page_queries_do_not_grow_with_entries(client, contest, entries, staff, officer_b, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("contests:detail", args=[contest.code])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(3):
        e = services.create_entry(contest, actor=officer_b, unit=tree["commune_b"], title="Thêm", fmt=EntryFormat.ARTICLE,
                                  upload=article(1100), authors=[AUTHOR])
        services.submit_entry(e, actor=officer_b)
    assert count() == before
