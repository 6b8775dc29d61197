from django.contrib import admin

from .models import (
    AwardForm,
    Campaign,
    ContentItem,
    Criterion,
    Participant,
    ParticipantGroup,
    Quota,
    Round,
)


class ContentInline(admin.TabularInline):
    model = ContentItem
    extra = 0


class GroupInline(admin.TabularInline):
    model = ParticipantGroup
    extra = 0


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0


class AwardFormInline(admin.TabularInline):
    model = AwardForm
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "issuing_unit", "start_date", "end_date", "status"]
    list_filter = ["kind", "status", "is_demo"]
    search_fields = ["title", "code"]
    autocomplete_fields = ["issuing_unit", "parent"]
    inlines = [ContentInline, GroupInline, CriterionInline, RoundInline, AwardFormInline]
    readonly_fields = ["status"]  # status changes only through the portal's service (audited)


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "period_start", "period_end", "nomination_deadline", "status"]
    list_filter = ["status", "kind"]
    readonly_fields = ["status", "closed_at"]
    inlines = [QuotaInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "group"]
    list_filter = ["campaign"]
    autocomplete_fields = ["unit", "person"]
