"""Campaign set-up in the admin, audited (``audit.admin.AuditedModelAdmin``):
round deadlines, criteria, quotas and award forms are editable and each change is
in the trail; statuses change only through the portal's services."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin

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


def inline(model: type, base: type = admin.TabularInline, **attrs) -> type:
    """An inline of ``model`` showing no empty extra rows."""
    return type(f"{model.__name__}Inline", (base,), {"model": model, "extra": 0, **attrs})


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "issuing_unit", "start_date", "end_date", "status"]
    list_filter = ["kind", "status", "is_demo"]
    search_fields = ["title", "code"]
    autocomplete_fields = ["issuing_unit", "parent"]
    inlines = [inline(ContentItem), inline(ParticipantGroup), inline(Criterion, admin.StackedInline),
               # a round's status and closing time change only through open/close_round
               inline(Round, readonly_fields=("status", "closed_at")),
               inline(AwardForm)]
    readonly_fields = ["status"]  # status changes only through the portal's service (audited)


@admin.register(Round)
class RoundAdmin(AuditedModelAdmin):
    list_display = ["name", "campaign", "period_start", "period_end", "nomination_deadline", "status"]
    list_filter = ["status", "kind"]
    readonly_fields = ["status", "closed_at"]
    inlines = [inline(Quota)]


@admin.register(Participant)
class ParticipantAdmin(AuditedModelAdmin):
    list_display = ["__str__", "campaign", "group"]
    list_filter = ["campaign"]
    autocomplete_fields = ["unit", "person"]
