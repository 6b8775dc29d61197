from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import (
    BaseSalary,
    BonusCoefficient,
    CouncilMeeting,
    CouncilMember,
    DeadlineException,
    Decision,
    GeneratedDocument,
    LegalRegime,
    Nomination,
    NominationAttachment,
    VoteTally,
)


class BonusCoefficientInline(admin.TabularInline):
    model = BonusCoefficient
    extra = 0


@admin.register(LegalRegime)
class LegalRegimeAdmin(AuditedModelAdmin):  # dated legal configuration: every change audited
    list_display = ["name", "valid_from", "valid_until", "report_form_title"]
    inlines = [BonusCoefficientInline]


@admin.register(BonusCoefficient)
class BonusCoefficientAdmin(AuditedModelAdmin):
    list_display = ["regime", "award_type", "subject", "level", "coefficient", "note"]
    list_filter = ["regime", "award_type", "subject"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(AuditedModelAdmin):
    list_display = ["valid_from", "amount", "legal_basis", "needs_verification"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["id", "nominee", "award_form", "round", "proposing_unit", "status", "amount"]
    list_filter = ["status", "subject"]
    search_fields = ["person__full_name", "unit__name"]

    @admin.display(description="đối tượng")
    def nominee(self, obj):
        return obj.nominee_name


@admin.register(NominationAttachment)
class NominationAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "nomination", "uploaded_at"]


@admin.register(DeadlineException)
class DeadlineExceptionAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit", "until", "granted_by", "granted_at"]


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember
    extra = 0


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "round", "held_at", "status"]
    inlines = [CouncilMemberInline]


@admin.register(VoteTally)
class VoteTallyAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "nomination", "yes", "no", "abstain", "absent_yes", "absent_no"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "round", "date", "status"]


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "rendered_at"]
    list_filter = ["kind", "status"]
