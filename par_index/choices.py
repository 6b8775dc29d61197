from django.db import models


class ItemKind(models.TextChoices):
    FIELD = "field", "Lĩnh vực"
    CRITERION = "criterion", "Tiêu chí"
    SUB_CRITERION = "sub", "Tiêu chí thành phần"


#: Depth of an item in the tree, from the number of parts of its code ("1.2.3" → 3).
KIND_BY_DEPTH: dict[int, str] = {1: ItemKind.FIELD, 2: ItemKind.CRITERION, 3: ItemKind.SUB_CRITERION}


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã gửi thẩm định"
    UNDER_APPRAISAL = "under_appraisal", "Đang thẩm định"
    RETURNED = "returned", "Bị trả lại để bổ sung"
    RESUBMITTED = "resubmitted", "Đã gửi lại sau bổ sung"
    FINALIZED = "finalized", "Đã hoàn tất thẩm định"
    PUBLISHED = "published", "Đã công bố kết quả"


S = AssessmentStatus

# Explicit transition map: the only (from → to) moves a service may perform.
ASSESSMENT_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.UNDER_APPRAISAL},
    S.UNDER_APPRAISAL: {S.RETURNED, S.FINALIZED},
    S.RETURNED: {S.RESUBMITTED},
    S.RESUBMITTED: {S.UNDER_APPRAISAL},
    S.FINALIZED: {S.PUBLISHED},
    S.PUBLISHED: set(),
}

#: States in which the unit may edit its self-assessment (returned: only the returned items).
UNIT_EDITABLE = {S.DRAFT, S.RETURNED}
#: States in which the appraising level may enter appraised points.
APPRAISABLE = {S.SUBMITTED, S.UNDER_APPRAISAL, S.RESUBMITTED}
#: States whose results count (ranking, PAR INDEX).
FINAL = {S.FINALIZED, S.PUBLISHED}


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Đã hoàn thành"
    CANCELLED = "cancelled", "Không thực hiện"


T = TaskStatus
TASK_TRANSITIONS: dict[str, set[str]] = {
    T.NOT_STARTED: {T.IN_PROGRESS, T.DONE, T.CANCELLED},
    T.IN_PROGRESS: {T.DONE, T.NOT_STARTED, T.CANCELLED},
    T.DONE: {T.IN_PROGRESS},
    T.CANCELLED: {T.NOT_STARTED},
}

#: Names of the assessment's audit actions in its "Lịch sử xử lý" list.
ACTION_LABELS: dict[str, str] = {
    "par.assessment.start": "Mở phiếu tự đánh giá",
    "par.assessment.submit": "Gửi thẩm định",
    "par.assessment.start_appraisal": "Bắt đầu thẩm định",
    "par.assessment.return": "Trả lại tiêu chí để bổ sung",
    "par.assessment.resubmit": "Gửi lại sau bổ sung",
    "par.assessment.finalize": "Hoàn tất thẩm định",
    "par.assessment.publish": "Công bố kết quả",
}
