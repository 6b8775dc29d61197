"""Home-page items of the one-stop upload: batches waiting for confirmation and
months of the previous period that the user's units have not uploaded."""

from __future__ import annotations

from django.urls import reverse

from organization.rules import allowed
from organization.todo import TodoItem

from .models import ImportBatch, ImportStatus


def todo_items(user) -> list[TodoItem]:
    if not allowed(user, "onestop.upload"):
        return []
    items: list[TodoItem] = []
    waiting = ImportBatch.objects.for_user(user).filter(status=ImportStatus.READY, uploaded_by=user).count()
    if waiting:
        items.append(TodoItem("Lượt tải số liệu một cửa chờ bạn xác nhận", reverse("onestop:upload_list"), waiting, "warn"))
    invalid = ImportBatch.objects.for_user(user).filter(status=ImportStatus.INVALID, uploaded_by=user).count()
    if invalid:
        items.append(TodoItem("Tệp số liệu một cửa có lỗi cần sửa và tải lại", reverse("onestop:upload_list"), invalid, "bad"))
    return items
