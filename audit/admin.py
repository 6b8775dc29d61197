from django.contrib import admin

from .models import AuditEvent


class ReadOnly:
    """Rows that change only through the portal's services (which audit them):
    the back office may read them, never add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail can be read in the back office but never changed."""

    list_display = ["created_at", "actor_name", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "comment"]
