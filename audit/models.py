"""Append-only audit trail written by services, the admin (``audit.admin``) and
management commands (never by views or signals).

Append-only three times over: the model and its queryset refuse update/delete, and
on PostgreSQL a row trigger (migration 0002) refuses UPDATE and DELETE of the table
whoever sends them (raw SQL, another program)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - the trail is append-only
        raise PermissionError("Nhật ký thao tác không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký thao tác không được xóa.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One state change: who, when, what object, from which state to which, why."""

    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    # Why DO_NOTHING without a database constraint: SET_NULL made deleting a user
    # rewrite every event that user wrote (the trail changed after the fact), and the
    # table's trigger now refuses any UPDATE anyway. The column keeps the user's id
    # for good (ids are never reused: AUTOINCREMENT / sequences); ``actor_username``
    # and ``actor_name`` keep who it was as text once the account is gone. Read the
    # account with ``actor_user`` (``None`` when deleted), not ``actor`` (which raises).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_username = models.CharField("tài khoản người thực hiện", max_length=150, blank=True)
    actor_name = models.CharField("tên người thực hiện", max_length=200, blank=True)
    # Same reason: deleting a unit must not rewrite the events that name it.
    unit = models.ForeignKey(
        "organization.Unit", verbose_name="đơn vị liên quan", null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    action = models.CharField("hành động", max_length=100, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=100)
    object_id = models.CharField("mã đối tượng", max_length=64)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    from_state = models.CharField("trạng thái trước", max_length=50, blank=True)
    to_state = models.CharField("trạng thái sau", max_length=50, blank=True)
    comment = models.TextField("ghi chú", blank=True)
    data = models.JSONField("dữ liệu", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký thao tác"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_name}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký thao tác không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký thao tác không được xóa.")

    @property
    def actor_user(self):
        """The account that acted, or ``None`` for the system or a deleted account."""
        if self.actor_id is None:
            return None
        model = type(self)._meta.get_field("actor").related_model
        return model._default_manager.filter(pk=self.actor_id).first()
