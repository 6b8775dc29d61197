"""The bell, the list, read marks and the e-mail choice: scoped to the recipient,
permission-checked, audited; immediate e-mail after commit, daily digests idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import NotAllowed
from notifications import services
from notifications.choices import EmailMode, Kind
from notifications.models import Notification
from organization.choices import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _with_email(user, address):
    user.email = address
    user.save()
    return user


def test_recipients_are_exactly_the_units_accounts(tree, officer_a, officer_b, staff):
    extra = make_user("canbo_xa_a_2", tree["commune_a"], Role.OFFICER)
    gone = make_user("canbo_xa_a_cu", tree["commune_a"], Role.OFFICER)
    gone.is_active = False
    gone.save()
    assert set(services.users_at(tree["commune_a"], Role.OFFICER)) == {officer_a, extra}
    # Staff of the district have power over commune A; officers of commune B do not.
    assert set(services.users_over(tree["commune_a"], Role.STAFF, Role.OFFICER)) == {officer_a, extra, staff}
    made = services.notify([officer_a, officer_a, None, gone, staff], Kind.UPLOAD_FAILED, "Lỗi", actor=staff)
    assert [n.recipient for n in made] == [officer_a]  # no duplicate, no inactive account, not the actor


def test_immediate_email_goes_out_after_commit_only(officer_a, officer_b, django_capture_on_commit_callbacks):
    _with_email(officer_a, "a@xa.vn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(officer_a, Kind.UPLOAD_REFUSED, "Tệp có lỗi", url="/so-lieu/lan-tai/1/")
    assert mail.outbox == [] and len(callbacks) == 1  # nothing before the event's transaction commits
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["a@xa.vn"]]
    assert "http://" in mail.outbox[0].body and "/so-lieu/lan-tai/1/" in mail.outbox[0].body
    note = Notification.objects.get()
    assert note.emailed_at is not None
    assert services.send_emails([note.pk]) == 0  # a redelivered task sends nothing twice
    assert len(mail.outbox) == 1


def test_preference_off_and_daily_are_respected_and_the_digest_is_idempotent(
        officer_a, officer_b, django_capture_on_commit_callbacks):
    _with_email(officer_a, "a@xa.vn")
    _with_email(officer_b, "b@xa.vn")
    services.set_email_mode(officer_a, actor=officer_a, mode=EmailMode.DAILY)
    services.set_email_mode(officer_b, actor=officer_b, mode=EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("Hồ sơ thứ nhất bị trả lại", "Hồ sơ thứ hai bị trả lại"):
            services.notify([officer_a, officer_b], Kind.NOMINATION_RETURNED, title)
    assert mail.outbox == []  # neither wants an immediate e-mail
    assert services.send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [["a@xa.vn"]]
    assert "Hồ sơ thứ nhất" in mail.outbox[0].body and "Hồ sơ thứ hai" in mail.outbox[0].body
    assert services.send_daily_digests() == 0  # the second run of the day sends nothing
    assert len(mail.outbox) == 1
    # Both still see everything in the bell.
    assert Notification.objects.for_user(officer_b).count() == 2


def test_failed_immediate_email_is_retried_by_the_digest(officer_a, settings):
    _with_email(officer_a, "a@xa.vn")
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.Backend"
    note = services.notify(officer_a, Kind.UPLOAD_FAILED, "Lỗi hệ thống khi đọc tệp")[0]
    assert services.send_emails([note.pk]) == 0
    note.refresh_from_db()
    assert note.emailed_at is None  # the claim was rolled back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_daily_digests(now=timezone.now()) == 0  # not an hour old yet
    assert services.send_daily_digests(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    assert [m.to for m in mail.outbox] == [["a@xa.vn"]]


def test_only_the_recipient_reads_or_changes_their_choice(officer_a, officer_b, staff):
    note = services.notify(officer_a, Kind.JUDGE_ASSIGNED, "Được phân công")[0]
    with pytest.raises(NotAllowed, match="không gửi cho bạn"):
        services.mark_read(note, actor=officer_b)
    with pytest.raises(NotAllowed, match="không gửi cho bạn"):
        services.mark_read(note, actor=staff)
    with pytest.raises(NotAllowed, match="Chỉ chính người dùng"):
        services.set_email_mode(officer_a, actor=staff, mode=EmailMode.OFF)
    services.mark_read(note, actor=officer_a)
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(action="notifications.read", object_id=str(note.pk), actor=officer_a).count() == 1


def test_pages_are_scoped_to_the_recipient(client, officer_a, officer_b):
    mine = services.notify(officer_a, Kind.NOMINATION_RETURNED, "Hồ sơ của xã A bị trả lại", url="/khen-thuong/")[0]
    services.notify(officer_b, Kind.NOMINATION_RETURNED, "Hồ sơ của xã B bị trả lại")
    client.force_login(officer_b)
    assert client.post(reverse("notifications:open", args=[mine.pk])).status_code == 404  # another user's
    client.force_login(officer_a)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Hồ sơ của xã A bị trả lại" in html and "xã B" not in html
    # The bell on every page: count and item.
    home = client.get("/").content.decode()
    assert 'id="bell-count">1<' in home and "Hồ sơ của xã A bị trả lại" in home
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/khen-thuong/"
    assert 'id="bell-count"' not in client.get("/").content.decode()


def test_list_pages_searches_and_filters_in_constant_queries(client, officer_a, officer_b, django_assert_max_num_queries):
    Notification.objects.bulk_create(
        [Notification(recipient=officer_a, kind=Kind.UPLOAD_REFUSED, title=f"Tệp “thang-{i}.xlsx” có lỗi") for i in range(70)]
        + [Notification(recipient=officer_a, kind=Kind.JUDGE_ASSIGNED, title="Được phân công chấm bài BD-007",
                        read_at=timezone.now()),
           Notification(recipient=officer_b, kind=Kind.JUDGE_ASSIGNED, title="Được phân công chấm bài BD-009")])
    client.force_login(officer_a)
    url = reverse("notifications:list")
    client.get(url)  # the session and the like, once
    with django_assert_max_num_queries(12) as few:
        first = client.get(url).content.decode()
    with django_assert_max_num_queries(len(few.captured_queries)):
        last = client.get(url, {"page": 2}).content.decode()
    assert first.count('class="bell-item"') >= 50 and "BD-009" not in first + last
    # Folded search (no accents typed) and the filters, kept in the URL.
    found = client.get(url, {"q": "phan cong"}).content.decode()
    assert "BD-007" in found and "thang-1.xlsx" not in found
    assert "BD-007" not in client.get(url, {"status": "unread", "kind": Kind.JUDGE_ASSIGNED}).content.decode()
    assert "BD-007" in client.get(url, {"status": "read"}).content.decode()


def test_a_stored_url_never_leads_off_site(client, officer_a):
    note = services.notify(officer_a, Kind.UPLOAD_FAILED, "Lỗi", url="https://ke-gian.example/")[0]
    client.force_login(officer_a)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_preference_page_saves_the_choice(client, officer_a):
    client.force_login(officer_a)
    assert "Gửi thư ngay khi có thông báo" in client.get(reverse("notifications:preferences")).content.decode()
    client.post(reverse("notifications:preferences"), {"email_mode": EmailMode.OFF})
    assert services.email_mode_of(officer_a) == EmailMode.OFF
    event = AuditEvent.objects.get(action="notifications.preference")
    assert (event.from_state, event.to_state, event.actor_id) == (EmailMode.IMMEDIATE, EmailMode.OFF, officer_a.pk)


def test_digest_is_on_the_beat_schedule():
    from cchc_portal.celery import app

    assert app.conf.beat_schedule["notifications-daily-digest"]["task"] == "notifications.tasks.send_daily_digests"
