"""Submitting entries: limits measured from the file, the window, the unit scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from contests import services
from contests.choices import ContestStage, EntryFormat, EntryStatus
from contests.models import ContestSettings, Entry
from core.errors import NotAllowed

from .builders import mp4_bytes
from .conftest import AUTHOR, article


def _create(campaign, user, unit, upload, fmt=EntryFormat.ARTICLE, **kw):
    return services.create_entry(campaign, actor=user, unit=unit, title="Một cửa thân thiện", fmt=fmt,
                                 upload=upload, authors=[AUTHOR], **kw)


def test_article_within_limits_is_stored_and_submitted(contest, tree, officer_a):
    entry = _create(contest, officer_a, tree["commune_a"], article(1200))
    assert entry.word_count == 1200 and entry.status == EntryStatus.DRAFT and entry.code == "BD-001"
    assert entry.authors.get().phone == "0912345678"
    services.submit_entry(entry, actor=officer_a)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    actions = list(AuditEvent.objects.filter(object_type="contests.entry", object_id=str(entry.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == ["contest.entry.create", "contest.entry.submit"]


@pytest.mark.parametrize("words, message", [
    (800, "Bài viết có 800 chữ, ít hơn mức tối thiểu 1.000 chữ."),
    (2100, "Bài viết có 2.100 chữ, nhiều hơn mức tối đa 2.000 chữ."),
])
def test_out_of_limit_article_is_refused_with_reason_and_nothing_stored(contest, tree, officer_a, words, message):
    with pytest.raises(services.ContestError, match="Bài viết có") as exc:
        _create(contest, officer_a, tree["commune_a"], article(words))
    assert str(exc.value) == message
    assert not Entry.objects.exists()
    assert ContestSettings.objects.get(campaign=contest).next_entry_number == 1


def test_video_duration_is_read_from_the_file(contest, tree, officer_a):
    ok = SimpleUploadedFile("phong-su.mp4", mp4_bytes(300, timescale=30000), content_type="video/mp4")
    entry = _create(contest, officer_a, tree["commune_a"], ok, fmt=EntryFormat.VIDEO)
    assert entry.duration_seconds == 300 and entry.measure_display == "5 phút 00 giây"
    short = SimpleUploadedFile("ngan.mp4", mp4_bytes(180), content_type="video/mp4")
    with pytest.raises(services.ContestError, match="Video dài 3 phút 00 giây, ngắn hơn mức tối thiểu 4 phút 00 giây"):
        _create(contest, officer_a, tree["commune_a"], short, fmt=EntryFormat.VIDEO)
    long = SimpleUploadedFile("dai.mp4", mp4_bytes(400), content_type="video/mp4")
    with pytest.raises(services.ContestError, match="dài hơn mức tối đa 6 phút 00 giây"):
        _create(contest, officer_a, tree["commune_a"], long, fmt=EntryFormat.VIDEO)


def test_wrong_file_type_and_missing_author_fields_are_refused(contest, tree, officer_a):
    with pytest.raises(services.ContestError, match="Bài viết phải là tệp .docx hoặc .pdf"):
        _create(contest, officer_a, tree["commune_a"], SimpleUploadedFile("bai.txt", b"mot hai ba"))
    with pytest.raises(services.ContestError, match="Tác giả dòng 1: thiếu Số điện thoại"):
        services.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="X", fmt=EntryFormat.ARTICLE,
                              upload=article(1200), authors=[{**AUTHOR, "phone": ""}])


def test_submission_only_inside_the_window(contest, tree, officer_a):
    settings_obj = contest.contest_settings
    late = settings_obj.submission_end + timedelta(days=1)
    with pytest.raises(services.ContestError, match="Ngoài thời gian nhận bài dự thi"):
        _create(contest, officer_a, tree["commune_a"], article(1200), today=late)
    entry = _create(contest, officer_a, tree["commune_a"], article(1200))
    with pytest.raises(services.ContestError, match="Ngoài thời gian nhận bài dự thi"):
        services.submit_entry(entry, actor=officer_a, today=late)
    ContestSettings.objects.filter(pk=settings_obj.pk).update(stage=ContestStage.SETUP)
    with pytest.raises(services.ContestError, match="không trong giai đoạn nhận bài"):
        _create(contest, officer_a, tree["commune_a"], article(1200))


def test_officer_cannot_submit_for_another_unit(contest, tree, officer_a, officer_b, no_unit_user, judge):
    for user in (officer_b, no_unit_user, judge):
        with pytest.raises(NotAllowed, match="chỉ được nộp bài dự thi cho đơn vị của mình"):
            _create(contest, user, tree["commune_a"], article(1200))
    entry = _create(contest, officer_a, tree["commune_a"], article(1200))
    with pytest.raises(NotAllowed, match="chỉ được nộp bài dự thi cho đơn vị của mình"):
        services.submit_entry(entry, actor=officer_b)
    with pytest.raises(NotAllowed, match="chỉ được nộp bài dự thi cho đơn vị của mình"):
        services.delete_draft(entry, actor=officer_b)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.DRAFT


def test_non_participant_unit_is_refused(contest, tree, staff):
    with pytest.raises(services.ContestError, match="không thuộc danh sách đơn vị tham gia"):
        _create(contest, staff, tree["district"], article(1200))


def test_wrong_unit_officer_cannot_see_drafts_or_files(client, contest, tree, officer_a, officer_b, staff):
    entry = _create(contest, officer_a, tree["commune_a"], article(1200))
    client.force_login(officer_b)
    for name in ("contests:entry_detail", "contests:entry_file"):
        assert client.get(reverse(name, args=[contest.code, entry.pk])).status_code == 404
    assert client.post(reverse("contests:entry_submit", args=[contest.code, entry.pk])).status_code == 404
    assert "BD-001" not in client.get(reverse("contests:detail", args=[contest.code])).content.decode()
    # Staff do not see a unit's draft either, only submitted entries.
    assert entry not in Entry.objects.for_user(staff)
    client.force_login(officer_a)
    assert client.get(reverse("contests:entry_detail", args=[contest.code, entry.pk])).status_code == 200
    response = client.get(reverse("contests:entry_file", args=[contest.code, entry.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_entry_form_shows_the_refusal_reason(client, contest, tree, officer_a):
    client.force_login(officer_a)
    url = reverse("contests:entry_create", args=[contest.code])
    assert client.get(url).status_code == 200
    data = {"unit": tree["commune_a"].pk, "title": "Bài ngắn", "format": "article", "file": article(800),
            "authors-TOTAL_FORMS": "1", "authors-INITIAL_FORMS": "0", "authors-0-full_name": AUTHOR["full_name"],
            "authors-0-position": AUTHOR["position"], "authors-0-workplace": AUTHOR["workplace"],
            "authors-0-phone": AUTHOR["phone"]}
    response = client.post(url, data)
    assert "Bài viết có 800 chữ, ít hơn mức tối thiểu 1.000 chữ." in response.content.decode()
    data["file"] = article(1500)
    response = client.post(url, data)
    assert response.status_code == 302
    assert Entry.objects.get().word_count == 1500


def test_officer_of_another_unit_cannot_pick_a_foreign_unit_in_the_form(client, contest, tree, officer_b):
    client.force_login(officer_b)
    data = {"unit": tree["commune_a"].pk, "title": "X", "format": "article", "file": article(1200),
            "authors-TOTAL_FORMS": "1", "authors-INITIAL_FORMS": "0", "authors-0-full_name": "A",
            "authors-0-position": "B", "authors-0-workplace": "C", "authors-0-phone": "1"}
    response = client.post(reverse("contests:entry_create", args=[contest.code]), data)
    assert response.status_code == 200 and not Entry.objects.exists()


def test_completeness_lists_units_without_entries(client, contest, tree, officer_a, staff):
    entry = _create(contest, officer_a, tree["commune_a"], article(1200))
    services.submit_entry(entry, actor=officer_a)
    rows = {r.unit.code: r for r in services.completeness(contest)}
    assert rows["XA-A"].complete and not rows["XA-B"].complete and not rows["PNV"].complete
    client.force_login(staff)
    html = client.get(reverse("contests:detail", args=[contest.code])).content.decode()
    assert html.count("Chưa có bài dự thi") == 2


def test_users_without_a_unit_see_no_contest(client, contest, no_unit_user):
    client.force_login(no_unit_user)
    assert client.get(reverse("contests:detail", args=[contest.code])).status_code == 404
    assert contest.title not in client.get(reverse("contests:contest_list")).content.decode()


def test_settings_form_saves_rules_and_rubric(client, contest, staff, officer_a):
    url = reverse("contests:settings", args=[contest.code])
    client.force_login(officer_a)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    s = contest.contest_settings
    rubric = list(s.rubric.all())
    data = {
        "allow_article": "on", "article_min_words": "1000", "article_max_words": "2000", "allow_video": "on",
        "video_min_seconds": "240", "video_max_seconds": "360", "submission_start": s.submission_start.strftime("%d/%m/%Y"),
        "submission_end": s.submission_end.strftime("%d/%m/%Y"), "judging_deadline": s.judging_deadline.strftime("%d/%m/%Y"),
        "results_date": s.results_date.strftime("%d/%m/%Y"), "min_entries_per_unit": "2", "blind": "on",
        "tie_rule": "competition", "rubric-TOTAL_FORMS": str(len(rubric)), "rubric-INITIAL_FORMS": str(len(rubric)),
    }
    for i, c in enumerate(rubric):
        data.update({f"rubric-{i}-id": c.pk, f"rubric-{i}-order": c.order, f"rubric-{i}-name": c.name,
                     f"rubric-{i}-weight": "1", f"rubric-{i}-max_score": "10", f"rubric-{i}-description": ""})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    s.refresh_from_db()
    assert s.min_entries_per_unit == 2
    assert AuditEvent.objects.filter(action="contest.settings.update").exists()
    assert timezone.localdate() >= s.submission_start
