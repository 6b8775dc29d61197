from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAdmin

from . import vocabularies  # noqa: F401  (its pre_save receiver sets ValueTerm.key on admin saves)
from .models import (
    Dossier,
    ImportBatch,
    MappingProfile,
    MonthLock,
    MonthlyReport,
    Procedure,
    ValueTerm,
)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Read-only: uploads, confirmations and their facts go through the services;
    deleting a batch would erase the record of what a unit reported."""

    list_display = ("created_at", "unit", "kind", "file_name", "status", "uploaded_by", "error_count")
    list_filter = ("kind", "status")
    search_fields = ("file_name", "file_sha256", "unit__name", "unit__code")


@admin.register(MonthLock)
class MonthLockAdmin(ReadOnlyAdmin):
    """Read-only: deleting a lock would be a silent unlock. Locking and unlocking go
    through lock_month / reopen_month (permission-checked, with a reason, audited)."""

    list_display = ("unit", "month", "is_locked", "reason", "locked_by", "locked_at")
    list_filter = ("is_locked",)


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):  # online level changes are audited
    list_display = ("unit", "code", "name", "online_level", "fee_bearing")
    list_filter = ("online_level", "fee_bearing")
    search_fields = ("code", "name", "unit__name")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):  # facts from imports: changed only by a new import
    list_display = ("code", "unit", "procedure_code", "channel", "received_on", "resolved_on", "status")
    list_filter = ("channel",)
    search_fields = ("code", "procedure_code")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):  # facts from imports: changed only by a new import
    list_display = ("unit", "month", "received_total", "received_online", "resolved_total", "resolved_late")


@admin.register(ValueTerm)
class ValueTermAdmin(AuditedModelAdmin):  # staff extend the vocabularies; every change is audited
    """Wordings of cell values (``vocabularies``): staff add their software's words
    ("Nộp qua Zalo" → trực tuyến) so the next upload reads them."""

    list_display = ("domain", "text", "meaning", "contains", "is_default", "updated_at")
    list_filter = ("domain", "meaning", "contains", "is_default")
    search_fields = ("text", "key", "note")


@admin.register(MappingProfile)
class MappingProfileAdmin(admin.ModelAdmin):
    """Saved column mappings: created by ``services.remap_batch`` / ``share_mapping``
    (permission-checked, audited). The back office may rename a preset or delete a
    mapping that no longer fits (the next file is then mapped by the reader again);
    the mapping itself is changed in the preview of an upload, where it is checked."""

    list_display = ("unit", "kind", "name", "shared", "updated_by", "updated_at")
    list_filter = ("kind", "shared")
    search_fields = ("name", "unit__name", "unit__code", "signature")
    readonly_fields = ("unit", "kind", "signature", "shared", "mapping", "headers", "updated_by", "updated_at")

    def has_add_permission(self, request):
        return False

