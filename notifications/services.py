"""Creating notifications, marking them read, the e-mail choice, and the e-mails.

``notify()`` is what other apps' services call, inside their own transaction, at
the events users must hear about (issue 13): the rows appear in the bell at once
and the e-mail is enqueued only after the caller's transaction commits (a rolled
back event sends nothing). Each recipient's ``EmailMode`` decides: one e-mail
now, one digest the next morning (``send_daily_digests``, Celery beat), or none.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from audit.services import record
from core import formats
from core.errors import DomainError, NotAllowed
from organization.rules import allowed

from .choices import DEFAULT_EMAIL_MODE, EmailMode
from .models import Notification, NotificationPreference

log = logging.getLogger(__name__)

#: An immediate e-mail still unsent after this long failed; the digest retries it.
RETRY_AFTER = datetime.timedelta(hours=1)


class NotificationError(DomainError):
    """A refused notification operation; the message is shown to the user."""


# --- who is told ---------------------------------------------------------------------


def _units(units: Any) -> list[Any]:
    return [u for u in (units if isinstance(units, Iterable) else [units]) if u is not None]


def users_at(units: Any, *roles: str) -> models.QuerySet:
    """Active accounts whose profile's unit is one of ``units`` (a ``Unit`` or an
    iterable of them), with one of ``roles`` (any role when none is given). Exactly
    those units: the officers of commune B are not told about commune A."""
    qs = get_user_model().objects.filter(is_active=True, profile__unit__in=_units(units))
    return qs.filter(profile__role__in=roles) if roles else qs


def users_over(unit: Any, *roles: str) -> models.QuerySet:
    """Active accounts with one of ``roles`` whose subtree holds ``unit`` (their
    profile's unit is ``unit`` or one of its ancestors): the people whose scope the
    rules give power over ``unit``, e.g. the council of a round's issuing unit."""
    if unit is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(is_active=True, profile__unit_id__in=unit.path_ids,
                                           profile__role__in=roles)


def _recipients(recipients: Any, actor: Any) -> list[Any]:
    if recipients is None:
        return []
    if isinstance(recipients, get_user_model()):
        recipients = [recipients]
    seen: dict[int, Any] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if getattr(actor, "pk", None) == user.pk:
            continue  # the one who acted knows what they just did
        seen[user.pk] = user
    return list(seen.values())


def notify(recipients: Any, kind: str, title: str, *, url: str = "", body: str = "", actor: Any = None,
           email: bool = True) -> list[Notification]:
    """Tell ``recipients`` (a user, ``None``, or an iterable/queryset of users) about
    one event of ``kind`` (``choices.Kind``): one ``Notification`` each, shown in
    their bell; ``url`` is the portal page to open (a path such as
    ``/khen-thuong/ho-so/12/``).

    Inactive accounts, duplicates and ``actor`` (who caused the event) are left out.
    ``email=False`` for an event that already sent its own e-mail (the upload
    reminder). E-mail goes out after the caller's transaction commits, to
    recipients with an address who chose ``IMMEDIATE``; ``DAILY`` ones wait for the
    digest. Returns the created rows.
    """
    users = _recipients(recipients, actor)
    if not users:
        return []
    modes = dict(NotificationPreference.objects.filter(user__in=users).values_list("user_id", "email_mode"))
    rows = [
        Notification(
            recipient=user, kind=kind, title=title[:300], body=body, url=url[:500],
            email_mode=(modes.get(user.pk, DEFAULT_EMAIL_MODE) if email and user.email else EmailMode.OFF),
        )
        for user in users
    ]
    created = Notification.objects.bulk_create(rows)
    immediate = [n.pk for n in created if n.email_mode == EmailMode.IMMEDIATE]
    if immediate:
        from .tasks import send_notification_emails

        send_notification_emails.delay_on_commit(immediate)
    return created


# --- read marks and the e-mail choice ------------------------------------------------


@transaction.atomic
def mark_read(notification: Notification, *, actor: Any) -> Notification:
    """Mark one of the actor's notifications read (idempotent: a second call keeps
    the first time). Raises ``NotAllowed`` for anyone but its recipient."""
    if not allowed(actor, "notifications.read_notification", notification):
        raise NotAllowed("Thông báo này không gửi cho bạn.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        record(actor=actor, action="notifications.read", obj=notification)
    return notification


@transaction.atomic
def mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    if not allowed(actor, "notifications.read_own"):
        raise NotAllowed()
    now = timezone.now()
    count = Notification.objects.for_user(actor).unread().update(read_at=now)
    if count:
        record(actor=actor, action="notifications.read_all", obj=actor, data={"count": count})
    return count


def email_mode_of(user: Any) -> str:
    """The user's ``EmailMode`` (the default when they never chose)."""
    mode = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True).first()
    return mode or DEFAULT_EMAIL_MODE


@transaction.atomic
def set_email_mode(user: Any, *, actor: Any, mode: str) -> NotificationPreference:
    """Set how ``user`` receives e-mail (``choices.EmailMode``); only that user may.
    Applies to notifications created from now on."""
    if not allowed(actor, "notifications.change_preference", user):
        raise NotAllowed("Chỉ chính người dùng được đổi cách nhận thông báo của mình.")
    if mode not in EmailMode.values:
        raise NotificationError("Cách nhận thư không hợp lệ.")
    preference = NotificationPreference.objects.select_for_update().get_or_create(user=user)[0]
    before = preference.email_mode
    if before != mode:
        preference.email_mode = mode
        preference.save(update_fields=["email_mode"])
        record(actor=actor, action="notifications.preference", obj=preference, from_state=before, to_state=mode)
    return preference


# --- e-mail ---------------------------------------------------------------------------


def absolute(url: str) -> str:
    """``url`` (a portal path) as a full address for an e-mail (``settings.PORTAL_URL``)."""
    if not url:
        return settings.PORTAL_URL
    return url if "://" in url else settings.PORTAL_URL.rstrip("/") + url


def _footer() -> str:
    from django.urls import reverse

    return (f"\n\n--\nCổng thi đua cải cách hành chính. Đổi cách nhận thư thông báo: "
            f"{absolute(reverse('notifications:preferences'))}")


def _text(notification: Notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"Xem trên cổng: {absolute(notification.url)}"]
    return "\n".join(lines)


def send_emails(notification_ids: Iterable[int]) -> int:
    """Send the immediate e-mail of each notification not yet e-mailed; returns
    how many were sent. Idempotent: each row is claimed (``emailed_at`` set) in the
    transaction that sends it, so a redelivered task sends nothing twice, and a
    failed send rolls its claim back."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            n = (Notification.objects.select_for_update().select_related("recipient")
                 .filter(pk=pk, email_mode=EmailMode.IMMEDIATE, emailed_at__isnull=True).first())
            if n is None or not n.recipient.email:
                continue
            n.emailed_at = timezone.now()
            n.save(update_fields=["emailed_at"])
            try:
                send_mail(subject=f"[CCHC] {n.title}"[:200], message=_text(n) + _footer(),
                          from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[n.recipient.email])
            except Exception:
                # The mail server refused or is down: undo the claim so the next
                # digest run sends it (see ``send_daily_digests``), and go on.
                log.exception("e-mail of notification %s failed", pk)
                transaction.set_rollback(True)
                continue
        sent += 1
    return sent


def send_daily_digests(*, now: Any = None) -> int:
    """One e-mail per user who chose ``DAILY``, listing their notifications not yet
    e-mailed (created before ``now``); returns the number of e-mails. Immediate
    e-mails whose sending failed (an hour old and still not sent) go out here too.
    Idempotent: a second run finds nothing pending and sends nothing."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        models.Q(email_mode=EmailMode.DAILY, created_at__lte=now)
        | models.Q(email_mode=EmailMode.IMMEDIATE, created_at__lte=now - RETRY_AFTER),
        emailed_at__isnull=True,
    )
    sent = 0
    for user_id in pending.order_by().values_list("recipient_id", flat=True).distinct():
        with transaction.atomic():
            rows = list(pending.select_for_update(skip_locked=True).select_related("recipient")
                        .filter(recipient_id=user_id).order_by("created_at", "id"))
            if not rows or not rows[0].recipient.email:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
            user = rows[0].recipient
            parts = [f"{i}. {formats.date(timezone.localtime(n.created_at))} – {_text(n)}" for i, n in enumerate(rows, 1)]
            send_mail(
                subject=f"[CCHC] {len(rows)} thông báo mới ngày {formats.date(timezone.localdate(now))}",
                message=(f"Kính gửi {user.get_full_name() or user.get_username()},\n\n"
                         f"Cổng thi đua cải cách hành chính có {len(rows)} thông báo mới cho bạn:\n\n"
                         + "\n\n".join(parts) + _footer()),
                from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email],
            )
        sent += 1
    return sent


__all__ = ["mark_all_read", "mark_read", "notify", "send_daily_digests", "send_emails", "set_email_mode",
           "users_at", "users_over"]
