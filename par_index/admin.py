from django.contrib import admin

from . import models


class BandInline(admin.TabularInline):
    model = models.ClassificationBand
    extra = 0


class ItemInline(admin.TabularInline):
    model = models.FrameworkItem
    fk_name = "framework"
    extra = 0
    fields = ["code", "kind", "title", "max_points", "evidence_required"]
    show_change_link = True


@admin.register(models.Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "level", "issuing_unit", "results_published_at"]
    list_filter = ["year", "level"]
    inlines = [BandInline, ItemInline]
    raw_id_fields = ["issuing_unit", "copied_from"]


class AnswerInline(admin.TabularInline):
    model = models.Answer
    extra = 0
    fields = ["item", "self_points", "appraised_points", "is_returned"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only here: points and status change only through the portal's services."""

    list_display = ["unit", "framework", "status", "self_total", "appraised_total", "classification", "rank"]
    list_filter = ["status", "framework__year"]
    readonly_fields = ["framework", "unit", "status", "self_total", "appraised_total", "classification", "rank",
                       "rank_of", "submitted_at", "finalized_at", "published_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "answer", "uploaded_at"]
    raw_id_fields = ["answer"]


class TaskInline(admin.StackedInline):
    model = models.PlanTask
    extra = 0
    raw_id_fields = ["lead_section", "supporting_sections"]


@admin.register(models.ImprovementPlan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["campaign", "unit", "year", "target_score"]
    inlines = [TaskInline]
    raw_id_fields = ["campaign", "unit", "baseline"]
