"""Admin: indicator definitions (staff add indicators without code), yearly index
results with xlsx import, recompute runs, criterion results and frozen rankings."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin
from core.errors import DomainError
from core.views import perform

from .models import (
    CriterionResult,
    IndexResult,
    IndicatorDefinition,
    RankingEntry,
    RankingSnapshot,
    RecomputeRun,
    UploadReminder,
)
from .services import import_index_results, request_full_recompute, set_index_result


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(AuditedModelAdmin):  # factor and formula changes are audited
    list_display = ("code", "name", "formula_kind", "numerator", "denominator", "factor", "unit_label", "direction", "is_active")
    list_filter = ("formula_kind", "group", "is_active")
    search_fields = ("code", "name")
    list_editable = ("is_active",)


class IndexImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (cột: Mã đơn vị, Năm, Chỉ số, Điểm, Xếp hạng, Nguồn)")


@admin.register(IndexResult)
class IndexResultAdmin(AuditedModelAdmin):
    list_display = ("index_code", "year", "unit", "score", "rank", "source", "is_demo", "updated_at")
    list_filter = ("index_code", "year", "is_demo")
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("entered_by", "updated_at")
    change_list_template = "scoring/admin/indexresult_changelist.html"
    def save_model(self, request, obj, form, change) -> None:
        # Through the service: guards, audit event.
        saved = perform(request, set_index_result, unit=obj.unit, year=obj.year, index_code=obj.index_code,
                        score=obj.score, rank=obj.rank, source=obj.source, is_demo=obj.is_demo)
        if saved is not None:
            obj.pk = saved.pk

    def get_urls(self):
        return [path("nhap-excel/", self.admin_site.admin_view(self.import_view), name="scoring_indexresult_import"),
                *super().get_urls()]

    def import_view(self, request):
        form = IndexImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = import_index_results(form.cleaned_data["file"].read(), actor=request.user)
            except DomainError as exc:  # one message per wrong cell, not perform()'s single one
                for line in str(exc).splitlines():
                    messages.error(request, line)
            else:
                messages.success(request, f"Đã nhập {count} kết quả chỉ số.")
                return redirect("admin:scoring_indexresult_changelist")
        return render(request, "scoring/admin/indexresult_import.html",
                      {**self.admin_site.each_context(request), "form": form, "title": "Nhập kết quả chỉ số từ Excel",
                       "opts": self.model._meta})


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):  # the runs are the record of what was computed
    list_display = ("pk", "status", "reason", "created_at", "started_at", "finished_at", "progress", "attempts", "rows_written")
    list_filter = ("status",)
    actions = ["recompute_all"]

    @admin.action(description="Tính lại toàn bộ chỉ số")
    def recompute_all(self, request, queryset) -> None:
        perform(request, request_full_recompute, reason="Yêu cầu từ trang Quản trị",
                success="Đã đưa yêu cầu tính lại toàn bộ vào hàng đợi.")


@admin.register(CriterionResult)
class CriterionResultAdmin(ReadOnlyAdmin):  # results: written only by the recompute
    list_display = ("round", "criterion", "participant", "met", "value", "points", "computed_at")
    list_filter = ("met", "round__campaign")


class RankingEntryInline(admin.TabularInline):
    model = RankingEntry
    extra = 0
    can_delete = False
    readonly_fields = ("rank", "name", "score", "criteria_met", "must_failed", "previous_rank", "previous_score")
    fields = readonly_fields


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):  # a frozen ranking never changes
    list_display = ("round", "group", "frozen_at", "frozen_by")
    inlines = [RankingEntryInline]


@admin.register(UploadReminder)
class UploadReminderAdmin(ReadOnlyAdmin):  # the record of reminders sent (deleting one re-sends it)
    list_display = ("unit", "month", "sent_at")
    list_filter = ("month",)
