"""Read-mostly admin: contest data changes through the services (audited), so the
admin lists and inspects but does not edit workflow state, scores or results.
What it may still edit is audited (``audit.admin.AuditedModelAdmin``); the rules
that judging depends on (blind judging, rubric weights) are frozen from the start
of judging, and a submitted entry (its unit, file and authors) is frozen."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin

from .choices import ContestStage, EntryStatus
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

# From judging on, judges score against these settings: changing them would change
# the meaning of scores already given (or reveal identities mid-judging).
FROZEN_STAGES = {ContestStage.JUDGING, ContestStage.CLOSED, ContestStage.PUBLISHED}


def _judging_started(contest) -> bool:
    return contest is not None and contest.stage in FROZEN_STAGES


def _submitted(entry) -> bool:
    return entry is not None and entry.status == EntryStatus.SUBMITTED


class RubricInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _judging_started(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _judging_started(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _judging_started(obj) and super().has_delete_permission(request, obj)


@admin.register(ContestSettings)
class ContestSettingsAdmin(AuditedModelAdmin):
    list_display = ["campaign", "stage", "submission_start", "submission_end", "blind"]
    readonly_fields = ["stage", "judging_closed_at", "published_at"]
    inlines = [RubricInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _judging_started(obj):
            fields += ["blind", "tie_rule", "campaign"]
        return fields

    def has_delete_permission(self, request, obj=None):
        return not _judging_started(obj) and super().has_delete_permission(request, obj)


class AuthorInline(admin.TabularInline):
    model = EntryAuthor
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _submitted(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _submitted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _submitted(obj) and super().has_delete_permission(request, obj)


@admin.register(Entry)
class EntryAdmin(AuditedModelAdmin):
    list_display = ["code", "title", "contest", "unit", "format", "word_count", "duration_seconds", "status"]
    list_filter = ["contest", "status", "format"]
    search_fields = ["code", "title"]
    # An entry never moves to another unit or contest in the admin (scope and
    # quotas follow the unit); its status changes only through submit_entry; its
    # file only through the upload service, which checks the content and strips
    # the identifying metadata (blind judging).
    readonly_fields = ["contest", "unit", "code", "status", "submitted_at", "word_count", "duration_seconds",
                       "created_by", "format", "file", "original_file", "original_filename"]
    inlines = [AuthorInline]

    def has_change_permission(self, request, obj=None):
        return not _submitted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _submitted(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):  # units submit entries through the portal
        return False


@admin.register(JudgeAssignment)
class JudgeAssignmentAdmin(AuditedModelAdmin):
    """Assignments come from the service; one that has scores is never deleted
    (that would delete the scores with it)."""

    list_display = ["entry", "judge", "scored_at"]
    # the comment is the judge's own, given with the scores
    readonly_fields = ["entry", "judge", "assigned_by", "scored_at", "comment"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.scored_at is not None or obj.scores.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):  # scores are given only by judges through the service
    list_display = ["assignment", "criterion", "value"]


@admin.register(EntryResult)
class EntryResultAdmin(ReadOnlyAdmin):  # results are computed when judging closes
    list_display = ["entry", "judges", "mean", "median", "spread", "rank"]


@admin.register(Prize)
class PrizeAdmin(ReadOnlyAdmin):  # prizes are proposed and confirmed through the service
    list_display = ["entry", "award_form", "amount", "status"]
