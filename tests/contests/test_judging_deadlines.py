"""No dead ends in judging (issue 13 item 5): staff extend the judging deadline at
any stage before publication, with a reason; judging closes with unscored entries
listed and a reason; the public results page is linked once published."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from contests import services
from contests.choices import ContestStage, EntryFormat
from contests.models import ContestSettings, EntryResult
from core.errors import NotAllowed

from .conftest import AUTHOR, article


@pytest.fixture
def judging(contest, tree, officer_a, officer_b, staff, judge):
    """Two submitted entries, both assigned to ``judge``; judging started."""
    entries = []
    for user, unit in ((officer_a, tree["commune_a"]), (officer_b, tree["commune_b"])):
        entry = services.create_entry(contest, actor=user, unit=unit, title=f"Bài của {unit.name}", fmt=EntryFormat.ARTICLE,
                                      upload=article(1200), authors=[AUTHOR])
        entries.append(services.submit_entry(entry, actor=user))
        services.assign_judge(entries[-1], actor=staff, judge=judge)
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING)
    return entries


def _values(contest) -> dict[int, Decimal]:
    return {c.pk: Decimal("8") if c.max_score >= 8 else Decimal("4") for c in services.settings_of(contest).rubric.all()}


def test_staff_extend_the_deadline_during_judging_and_the_judge_scores_again(contest, judging, staff, judge):
    settings_obj = services.settings_of(contest)
    late = settings_obj.judging_deadline + timedelta(days=1)
    assignment = judging[0].assignments.get()
    with pytest.raises(services.ContestError, match="Đã hết hạn chấm thi .* gia hạn hạn chấm thi trên trang cuộc thi"):
        services.save_scores(assignment, actor=judge, values=_values(contest), today=late)

    with pytest.raises(NotAllowed, match="không có quyền quản lý cuộc thi"):
        services.extend_judging_deadline(settings_obj, actor=judge, until=late + timedelta(days=5), reason="Giám khảo ốm, cần thêm thời gian")
    with pytest.raises(services.ContestError, match="Cần ghi lý do gia hạn chấm thi"):
        services.extend_judging_deadline(settings_obj, actor=staff, until=late + timedelta(days=5), reason="ốm")
    with pytest.raises(services.ContestError, match="đã qua"):
        services.extend_judging_deadline(settings_obj, actor=staff, until=late - timedelta(days=2), reason="Giám khảo ốm, cần thêm thời gian",
                                         today=late)
    services.extend_judging_deadline(settings_obj, actor=staff, until=late + timedelta(days=5),
                                     reason="Giám khảo ốm, cần thêm thời gian", today=late)
    assert ContestSettings.objects.get(pk=settings_obj.pk).judging_deadline == late + timedelta(days=5)
    event = AuditEvent.objects.get(action="contest.judging_deadline.extend")
    assert event.data["after"] == (late + timedelta(days=5)).isoformat() and "ốm" in event.data["reason"]
    services.save_scores(assignment, actor=judge, values=_values(contest), today=late)


def test_closing_with_unscored_entries_needs_a_reason_and_lists_them(contest, judging, staff, judge):
    services.save_scores(judging[0].assignments.get(), actor=judge, values=_values(contest))
    settings_obj = services.settings_of(contest)
    with pytest.raises(services.ContestError, match=r"Còn bài chưa được chấm: BD-002 \(Vũ Thị Giang\)\. Để kết thúc"):
        services.change_stage(settings_obj, actor=staff, to=ContestStage.CLOSED)
    services.change_stage(settings_obj, actor=staff, to=ContestStage.CLOSED, reason="Giám khảo không chấm kịp, Ban tổ chức thống nhất")
    assert services.settings_of(contest).stage == ContestStage.CLOSED
    assert list(EntryResult.objects.values_list("entry__code", flat=True)) == ["BD-001"]
    event = AuditEvent.objects.get(action="contest.stage", to_state=ContestStage.CLOSED)
    assert event.data["unscored"] == ["BD-002 (Vũ Thị Giang)"] and "không chấm kịp" in event.comment


def test_pages_offer_the_extension_and_the_closing_reason_and_wrong_unit_staff_is_refused(client, contest, judging, staff, tree):
    from organization.choices import Role
    from tests.conftest import make_user

    page = reverse("contests:detail", args=[contest.code])
    client.force_login(staff)
    html = client.get(page).content.decode()
    assert 'id="gia-han"' in html and "BD-001 (Vũ Thị Giang); BD-002 (Vũ Thị Giang)" in html and 'id="id_close_reason"' in html
    new_date = timezone.localdate() + timedelta(days=40)
    response = client.post(reverse("contests:deadline_extend", args=[contest.code]),
                           {"until": new_date.strftime("%d/%m/%Y"), "reason": "Thêm thời gian cho giám khảo"}, follow=True)
    assert f"Đã gia hạn chấm thi đến hết ngày {new_date:%d/%m/%Y}" in response.content.decode()

    elsewhere = make_user("thidua_so", tree["department"], Role.STAFF)
    client.force_login(elsewhere)
    response = client.post(reverse("contests:deadline_extend", args=[contest.code]),
                           {"until": (new_date + timedelta(days=1)).strftime("%d/%m/%Y"), "reason": "Thêm thời gian cho giám khảo"})
    assert response.status_code in (302, 404)
    assert services.settings_of(contest).judging_deadline == new_date


def test_no_extension_after_publication(contest, staff):
    settings_obj = services.settings_of(contest)
    ContestSettings.objects.filter(pk=settings_obj.pk).update(stage=ContestStage.PUBLISHED)
    with pytest.raises(services.ContestError, match="Kết quả đã công bố"):
        services.extend_judging_deadline(settings_obj, actor=staff, until=timezone.localdate() + timedelta(days=3),
                                         reason="Muốn sửa sau khi công bố")
