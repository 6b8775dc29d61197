"""Admin for units, people and sign-in accounts; every write is audited
(``audit.admin.AuditedModelAdmin``), role changes included."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from import_export.admin import ImportExportModelAdmin

from audit.admin import MASKED, AuditedModelAdmin, write_event

from .models import PerformanceRating, Person, Unit, UserProfile
from .resources import PersonResource, UnitResource


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["code", "name", "kind", "parent", "official_code", "valid_until", "is_active", "is_demo"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["code", "name", "official_code"]
    autocomplete_fields = ["parent", "successor"]


class RatingInline(admin.TabularInline):
    model = PerformanceRating
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin, ImportExportModelAdmin):
    resource_classes = [PersonResource]
    list_display = ["code", "full_name", "unit", "position", "category", "is_head"]
    list_filter = ["category", "is_head", "is_demo"]
    search_fields = ["code", "full_name"]
    autocomplete_fields = ["unit"]
    inlines = [RatingInline]


@admin.register(UserProfile)
class UserProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    """Django's user admin, audited: staff/superuser flags, groups, permissions and
    deletions appear in the trail; the password hash never does (only that it changed)."""

    audit_masked_fields = frozenset({"password"})

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():  # the new password and its event commit together
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:  # the form saved
                user = self.get_object(request, unquote(id))
                write_event(request, user, "admin.user.password", before={"password": MASKED},
                            after={"password": MASKED}, comment="Đặt lại mật khẩu trong trang Quản trị")
        return response
