"""The home page's "việc cần làm" for the PAR index."""

from __future__ import annotations

from django.urls import reverse

from organization.choices import Role
from organization.scope import has_role, scope_unit
from organization.todo import TodoItem

from .choices import AssessmentStatus
from .models import Assessment

S = AssessmentStatus


def todo_items(user) -> list[TodoItem]:
    root = scope_unit(user)
    if root is None:
        return []
    items: list[TodoItem] = []
    url = reverse("par_index:assessment_list")
    own = Assessment.objects.filter(unit=root)
    returned = own.filter(status=S.RETURNED).count()
    if returned:
        items.append(TodoItem("Chỉ số CCHC: tiêu chí bị trả lại, cần bổ sung và gửi lại", url, returned, "bad"))
    drafts = own.filter(status=S.DRAFT).count()
    if drafts:
        items.append(TodoItem("Chỉ số CCHC: phiếu tự đánh giá chưa gửi thẩm định", url, drafts, "warn"))
    if has_role(user, Role.STAFF):
        waiting = (Assessment.objects.filter(unit__path__startswith=root.path, framework__issuing_unit__path__startswith=root.path)
                   .exclude(unit=root).filter(status__in=[S.SUBMITTED, S.RESUBMITTED, S.UNDER_APPRAISAL]).count())
        if waiting:
            items.append(TodoItem("Chỉ số CCHC: kết quả tự đánh giá chờ thẩm định", url, waiting, "warn"))
    return items
