"""Read-mostly admin: contest data changes through the services (audited), so the
admin lists and inspects but does not edit workflow state."""

from django.contrib import admin

from .models import (
    ContestSettings,
    Entry,
    EntryAuthor,
    EntryResult,
    JudgeAssignment,
    Prize,
    RubricCriterion,
    Score,
)


class RubricInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


@admin.register(ContestSettings)
class ContestSettingsAdmin(admin.ModelAdmin):
    list_display = ["campaign", "stage", "submission_start", "submission_end", "blind"]
    readonly_fields = ["stage", "judging_closed_at", "published_at"]
    inlines = [RubricInline]


class AuthorInline(admin.TabularInline):
    model = EntryAuthor
    extra = 0


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "contest", "unit", "format", "word_count", "duration_seconds", "status"]
    list_filter = ["contest", "status", "format"]
    search_fields = ["code", "title"]
    readonly_fields = ["status", "submitted_at", "word_count", "duration_seconds", "created_by"]
    inlines = [AuthorInline]


@admin.register(JudgeAssignment)
class JudgeAssignmentAdmin(admin.ModelAdmin):
    list_display = ["entry", "judge", "scored_at"]
    readonly_fields = ["entry", "judge", "assigned_by", "scored_at"]

    def has_add_permission(self, request):
        return False


admin.site.register(Score, admin.ModelAdmin)
admin.site.register(EntryResult, admin.ModelAdmin)
admin.site.register(Prize, admin.ModelAdmin)
