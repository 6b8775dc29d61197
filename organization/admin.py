from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .models import PerformanceRating, Person, Unit, UserProfile
from .resources import PersonResource, UnitResource


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["code", "name", "kind", "parent", "is_active", "is_demo"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class RatingInline(admin.TabularInline):
    model = PerformanceRating
    extra = 0


@admin.register(Person)
class PersonAdmin(ImportExportModelAdmin):
    resource_classes = [PersonResource]
    list_display = ["code", "full_name", "unit", "position", "category", "is_head"]
    list_filter = ["category", "is_head", "is_demo"]
    search_fields = ["code", "full_name"]
    autocomplete_fields = ["unit"]
    inlines = [RatingInline]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]
