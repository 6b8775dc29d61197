"""The back office writes the audit trail too (issue 12: "an audit trail nothing escapes").

``AuditedModelAdmin`` is the base of every ``ModelAdmin`` in the portal. Each change
made through the admin — add, change, list-editable save, inline rows, delete,
bulk delete, any admin action, an import-export file — writes one ``AuditEvent``
per object, in the same transaction as the change, with who (the signed-in staff
member), what (model, id, name) and before/after: ``data = {"before": {field:
value}, "after": {field: value}}`` holding only the fields that changed (JSON-safe:
foreign keys as ids, dates ISO 8601, decimals as text, files as their stored name,
many-to-many as sorted id lists, secrets such as password hashes as "(ẩn)").

Actions written (``AuditEvent.action``): ``admin.add``, ``admin.change``,
``admin.delete`` (with ``data["cascade"]``: rows deleted with it, per model),
``admin.action.<name>`` (one per selected object), ``admin.import.<new|update|delete>``.

Changes the admin must not make (workflow states, scores, results, locks) are
refused where each app's admin declares them (read-only fields, no delete); they
go through the services, which audit them with their own actions.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_deleted_objects
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html

from .models import AuditEvent
from .services import actor_fields

MASKED = "(ẩn)"


def json_safe(value: Any) -> Any:
    """A value as JSON can hold it: ``None``/bool/int/float/str unchanged, dates and
    times ISO 8601, ``Decimal`` and ``UUID`` as text, files as their stored name,
    lists and dicts element by element, anything else as ``str``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).isoformat()  # one spelling whatever the zone
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return f"({len(value)} byte)"
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, *, with_m2m: bool = True) -> dict[str, Any]:
    """The object's stored fields as ``{attname: json-safe value}`` (a foreign key
    under ``<name>_id``); many-to-many fields as sorted id lists when ``obj`` is saved."""
    data = {f.attname: json_safe(f.value_from_object(obj)) for f in obj._meta.concrete_fields}
    if with_m2m and obj.pk is not None:
        for f in obj._meta.many_to_many:
            data[f.attname] = sorted(getattr(obj, f.attname).values_list("pk", flat=True))
    return data


def stored(obj: models.Model) -> dict[str, Any]:
    """The row as the database holds it now (the form has already changed ``obj``
    in memory when ``save_model`` runs); ``{}`` for an unsaved object."""
    if obj.pk is None:
        return {}
    row = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(row) if row is not None else {}


def difference(before: dict, after: dict, masked: frozenset[str] = frozenset()) -> tuple[dict, dict]:
    """``(before, after)`` reduced to the keys whose value differs; masked keys show
    that they changed but not their value."""
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

    def show(side: dict, k: str) -> Any:
        if k in masked and side.get(k) not in (None, ""):
            return MASKED
        return side.get(k)
    return {k: show(before, k) for k in keys if k in before}, {k: show(after, k) for k in keys if k in after}


def cascade_counts(objs: list[models.Model]) -> dict[str, int]:
    """Rows that deleting ``objs`` deletes with them, per model (``{"app.model": n}``),
    found with Django's own deletion collector (the same walk ``delete()`` makes)."""
    if not objs:
        return {}
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    counts: dict[str, int] = {}
    roots = {(type(o)._meta.concrete_model, o.pk) for o in objs}
    for model, instances in collector.data.items():
        n = sum(1 for i in instances if (model._meta.concrete_model, i.pk) not in roots)
        if n:
            counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + n
    for qs in collector.fast_deletes:
        n = qs.count()
        if n:
            counts[qs.model._meta.label_lower] = counts.get(qs.model._meta.label_lower, 0) + n
    return counts


def auto_now_fields(obj: models.Model) -> set[str]:
    """The fields every save rewrites by itself (``auto_now``): a change of only
    these is no change."""
    return {f.attname for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)}


def masked(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """``data`` with the values of ``fields`` hidden (set ones shown as "(ẩn)")."""
    return {k: (MASKED if k in fields and v not in (None, "") else v) for k, v in data.items()}


def write_event(request: Any, obj: models.Model, action: str, *, before: dict | None = None,
                after: dict | None = None, extra: dict | None = None, pk: Any = None,
                comment: str = "") -> AuditEvent:
    """Append one admin event for ``obj`` (``pk`` when ``obj`` is already deleted)."""
    user, username, name = actor_fields(request.user)
    unit_field = next((f for f in obj._meta.concrete_fields if f.name == "unit" and f.is_relation
                       and f.related_model is AuditEvent._meta.get_field("unit").related_model), None)
    data = {"before": before or {}, "after": after or {}, **(extra or {})}
    return AuditEvent.objects.create(
        actor=user, actor_username=username, actor_name=name,
        unit_id=getattr(obj, unit_field.attname) if unit_field else None,
        action=action, object_type=obj._meta.label_lower,
        object_id=str(obj.pk if pk is None else pk), object_repr=str(obj)[:300],
        comment=comment, data=data,
    )


def _stash(request: Any) -> dict:
    # Per request, not on the ModelAdmin: one admin instance serves every thread.
    if not hasattr(request, "_audit_before"):
        request._audit_before = {}
    return request._audit_before


FILE_LINK_SUFFIX = "__tep"


def file_link(field: models.FileField) -> Callable[[Any], Any]:
    """The admin's display of a stored file: a link to the view that checks the user
    before sending it (``obj.download_url(field_name)``), never to ``/media/``,
    which serves nothing (issue 12). A file without such a view shows its name only."""

    def show(obj: Any) -> Any:
        stored = getattr(obj, field.name)
        if not stored:
            return "–"
        url = obj.download_url(field.name) if hasattr(obj, "download_url") else ""
        label = getattr(obj, "filename", "") or stored.name.rsplit("/", 1)[-1]
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    show.short_description = field.verbose_name
    return show


class AuditedModelAdmin(admin.ModelAdmin):
    """A ``ModelAdmin`` whose every write is audited (see the module docstring).

    ``audit_masked_fields``: fields whose values never enter the trail (only that
    they changed), e.g. the password hash.

    Read-only file fields are shown through ``file_link`` (``<name>__tep``).
    """

    audit_masked_fields: frozenset[str] = frozenset()

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        self._file_fields = {f.name for f in model._meta.fields if isinstance(f, models.FileField)}
        for f in model._meta.fields:
            if isinstance(f, models.FileField):
                setattr(self, f.name + FILE_LINK_SUFFIX, file_link(f))

    def _as_links(self, names: Any, read_only: set[str] | None = None) -> list[Any]:
        return [f"{n}{FILE_LINK_SUFFIX}" if n in self._file_fields and (read_only is None or n in read_only) else n
                for n in names]

    def get_readonly_fields(self, request, obj=None):
        return self._as_links(super().get_readonly_fields(request, obj))

    def get_exclude(self, request, obj=None):
        # A read-only file field is shown as its link, so the form must not offer it
        # as an upload either (uploads go through the services that check content).
        exclude = list(super().get_exclude(request, obj) or [])
        read_only = set(super().get_readonly_fields(request, obj))
        return exclude + sorted(self._file_fields & read_only)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return self._as_links(fields)  # the view-only page: every field is read-only
        return fields

    # -- add / change (the change form and list_editable both call save_form, then
    # save_model — which an admin may hand to a service — then save_related) -------
    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        # The form has changed ``obj`` in memory; the database still holds "before".
        _stash(request)[id(obj)] = stored(obj) if change else {}
        return obj

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if obj.pk is None:  # save_model handed it to a service, which refused
            return
        before = _stash(request).pop(id(obj), {})
        # After, as stored: the form's in-memory values are not yet normalised
        # (a Decimal "1000" is stored as 1000.0000).
        old, new = difference(before, stored(obj), self.audit_masked_fields)
        if change and not (set(old) | set(new)) - auto_now_fields(obj):
            return  # saved unchanged (only the "updated at" stamp moved)
        write_event(request, obj, "admin.change" if change else "admin.add", before=old, after=new)

    def save_formset(self, request, form, formset, change) -> None:
        model = formset.model
        existing = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = {o.pk: snapshot(o) for o in model._base_manager.filter(pk__in=existing)}
        deleted = [(f.instance, f.instance.pk) for f in formset.deleted_forms if f.instance.pk is not None]
        for obj, pk in deleted:
            # Django's delete page refuses a delete that cascades into rows the admin
            # may not delete (results, scores, locks); an inline row's DELETE box
            # skips that check, so it is made here (the view's transaction rolls back).
            _objs, _counts, perms_needed, protected = get_deleted_objects([obj], request, self.admin_site)
            if perms_needed or protected:
                blocked = ", ".join(sorted({str(p) for p in perms_needed} | {str(p) for p in protected}))
                raise PermissionDenied(f"Không thể xóa “{obj}” trong trang Quản trị: kéo theo {blocked}.")
            write_event(request, obj, "admin.delete", before=before.get(pk, {}), pk=pk,
                        extra={"cascade": cascade_counts([obj]), "inline_of": form.instance._meta.label_lower})
        super().save_formset(request, form, formset, change)
        saved = [o for o in formset.new_objects] + [o for o, _fields in formset.changed_objects]
        after = {o.pk: snapshot(o) for o in model._base_manager.filter(pk__in=[o.pk for o in saved])}
        for obj in formset.new_objects:
            write_event(request, obj, "admin.add", after=after.get(obj.pk, {}))
        for obj, _fields in formset.changed_objects:
            old, new = difference(before.get(obj.pk, {}), after.get(obj.pk, {}))
            if (set(old) | set(new)) - auto_now_fields(obj):
                write_event(request, obj, "admin.change", before=old, after=new)

    # -- delete ------------------------------------------------------------------
    def delete_model(self, request, obj) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            write_event(request, obj, "admin.delete", before=masked(snapshot(obj), self.audit_masked_fields),
                        extra={"cascade": cascade_counts([obj])})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in queryset:
                write_event(request, obj, "admin.delete", before=masked(snapshot(obj), self.audit_masked_fields),
                            extra={"cascade": cascade_counts([obj])})
            super().delete_queryset(request, queryset)

    # -- actions -----------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        return {name: (self._audited_action(func, name) if name != "delete_selected" else func, name, desc)
                for name, (func, name, desc) in actions.items()}

    def _audited_action(self, func: Callable, name: str) -> Callable:
        """The action, wrapped: one event per selected object with what changed."""
        @wraps(func)
        def run(modeladmin, request, queryset):
            model = queryset.model
            with transaction.atomic(using=router.db_for_write(model)):
                objs = list(queryset)
                before = {o.pk: snapshot(o) for o in objs}
                response = func(modeladmin, request, queryset)
                now = model._base_manager.in_bulk(list(before))
                for obj in objs:
                    current = now.get(obj.pk)
                    old, new = difference(before[obj.pk], snapshot(current) if current else {},
                                          self.audit_masked_fields)
                    write_event(request, current or obj, f"admin.action.{name}", before=old, after=new,
                                pk=obj.pk, extra={} if current else {"deleted": True})
            return response
        return run

    # -- django-import-export (its confirm step) ------------------------------------
    def process_import(self, request, *args, **kwargs):
        """The import and its audit events commit together (or not at all)."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().process_import(request, *args, **kwargs)

    def generate_log_entries(self, result, request) -> None:
        """django-import-export's hook after a committed import: one event per row
        that was added, changed or deleted (rows keep their instance and original)."""
        super().generate_log_entries(result, request)
        kinds = {"new": "admin.import.new", "update": "admin.import.update", "delete": "admin.import.delete"}
        for row in result.rows:
            action = kinds.get(row.import_type)
            if action is None or row.instance is None:
                continue
            before = snapshot(row.original, with_m2m=False) if row.original is not None else {}
            after = snapshot(row.instance, with_m2m=False) if row.import_type != "delete" else {}
            old, new = difference(before, after, self.audit_masked_fields)
            write_event(request, row.instance, action, before=old, after=new, pk=row.object_id)


def audit_every_admin(site: admin.AdminSite = admin.site) -> list[str]:
    """Make every ``ModelAdmin`` registered on ``site`` audited: one that is not an
    ``AuditedModelAdmin`` is re-registered as a subclass of both (same options,
    same behaviour, plus the trail). Returns the labels it wrapped."""
    wrapped = []
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedModelAdmin):
            continue
        cls = type(model_admin)
        audited = type(f"Audited{cls.__name__}", (AuditedModelAdmin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, audited)
        wrapped.append(model._meta.label_lower)
    return wrapped


class ReadOnly:
    """Rows that change only through the portal's services (which audit them):
    the back office may read them, never add, edit or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoDelete:
    """Rows whose deletion would silently change a result, a lock or a record
    of what happened: the admin never deletes them (nor cascades into them)."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, AuditedModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail can be read in the back office but never changed."""

    list_display = ["created_at", "actor_name", "actor_username", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "actor_username", "object_repr", "comment"]
