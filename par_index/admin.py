"""PAR-index admin, audited (``audit.admin.AuditedModelAdmin``). Frameworks are
set up here; once their results are published they are read-only. Assessments,
answers, evidence and plan-task statuses change only through the portal's services."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin

from . import models
from .choices import AssessmentStatus


def _published(framework) -> bool:
    return framework is not None and framework.results_published_at is not None


class FrozenOncePublished:
    """Inline rows of a framework whose results are published: the published points
    and bands stay as they were (changing them would rewrite published results)."""

    def has_add_permission(self, request, obj=None):
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)


class BandInline(FrozenOncePublished, admin.TabularInline):
    model = models.ClassificationBand
    extra = 0


class ItemInline(FrozenOncePublished, admin.TabularInline):
    model = models.FrameworkItem
    fk_name = "framework"
    extra = 0
    fields = ["code", "kind", "title", "max_points", "evidence_required"]
    show_change_link = True


@admin.register(models.Framework)
class FrameworkAdmin(AuditedModelAdmin):
    list_display = ["name", "year", "level", "issuing_unit", "results_published_at"]
    list_filter = ["year", "level"]
    inlines = [BandInline, ItemInline]
    raw_id_fields = ["issuing_unit", "copied_from"]
    readonly_fields = ["results_published_at"]  # set by the publishing service

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)


class AnswerInline(admin.TabularInline):
    model = models.Answer
    extra = 0
    fields = ["item", "self_points", "appraised_points", "is_returned"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.Assessment)
class AssessmentAdmin(AuditedModelAdmin):
    """Read-only here: points and status change only through the portal's services.
    Only a draft (never submitted) assessment may be deleted, and that is audited."""

    list_display = ["unit", "framework", "status", "self_total", "appraised_total", "classification", "rank"]
    list_filter = ["status", "framework__year"]
    readonly_fields = ["framework", "unit", "status", "self_total", "appraised_total", "classification", "rank",
                       "rank_of", "submitted_at", "finalized_at", "published_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.status != AssessmentStatus.DRAFT or obj.published_at is not None):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(models.Evidence)
class EvidenceAdmin(ReadOnlyAdmin):  # evidence is part of a submitted self-assessment
    list_display = ["original_name", "answer", "uploaded_at"]


class TaskInline(admin.StackedInline):
    model = models.PlanTask
    extra = 0
    raw_id_fields = ["lead_section", "supporting_sections"]
    readonly_fields = ["status"]  # task status changes through the plan's service (audited)


@admin.register(models.ImprovementPlan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ["campaign", "unit", "year", "target_score"]
    inlines = [TaskInline]
    raw_id_fields = ["campaign", "unit", "baseline"]
