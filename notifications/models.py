"""One row per recipient and event (the bell), and each user's e-mail choice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from .choices import DEFAULT_EMAIL_MODE, EmailMode, Kind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """The user's own notifications; nobody else's, superusers included (a
        notification is a personal message, not a unit's record). Fails closed."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="notifications",
    )
    kind = models.CharField("loại thông báo", max_length=40, choices=Kind.choices)
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=500, blank=True, help_text="Trang trên cổng, ví dụ /khen-thuong/ho-so/12/")
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("đã xem lúc", null=True, blank=True)
    # The recipient's choice when the event happened: changing it later does not
    # re-send or hold back what was already decided.
    email_mode = models.CharField("gửi thư", max_length=20, choices=EmailMode.choices, default=EmailMode.OFF)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["email_mode", "emailed_at"], name="notif_email_pending"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's e-mail choice; no row means ``DEFAULT_EMAIL_MODE``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField("nhận thư điện tử", max_length=20, choices=EmailMode.choices,
                                  default=DEFAULT_EMAIL_MODE)

    class Meta:
        verbose_name = "lựa chọn nhận thông báo"
        verbose_name_plural = "lựa chọn nhận thông báo"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"
