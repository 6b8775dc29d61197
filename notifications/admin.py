from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: notifications are written by the services at events; a changed
    one would tell its recipient something that did not happen."""

    list_display = ("created_at", "recipient", "kind", "title", "read_at", "email_mode", "emailed_at")
    list_filter = ("kind", "email_mode")
    search_fields = ("title", "recipient__username", "recipient__email")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedModelAdmin):
    list_display = ("user", "email_mode")
    list_filter = ("email_mode",)
    search_fields = ("user__username", "user__email")
