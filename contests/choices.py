from django.db import models


class EntryFormat(models.TextChoices):
    ARTICLE = "article", "Bài viết"
    VIDEO = "video", "Video"


class ContestStage(models.TextChoices):
    SETUP = "setup", "Chuẩn bị"
    SUBMISSION = "submission", "Đang nhận bài dự thi"
    JUDGING = "judging", "Đang chấm thi"
    CLOSED = "closed", "Đã chấm xong – xét giải"
    PUBLISHED = "published", "Đã công bố kết quả"


# Explicit transition map. CLOSED → JUDGING reopens judging (only while no prize is
# confirmed: the service checks), e.g. when a judge's score was entered wrongly.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    ContestStage.SETUP: {ContestStage.SUBMISSION},
    ContestStage.SUBMISSION: {ContestStage.JUDGING},
    ContestStage.JUDGING: {ContestStage.CLOSED},
    ContestStage.CLOSED: {ContestStage.JUDGING, ContestStage.PUBLISHED},
    ContestStage.PUBLISHED: set(),
}


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp (chưa nộp)"
    SUBMITTED = "submitted", "Đã nộp"


ENTRY_TRANSITIONS: dict[str, set[str]] = {
    EntryStatus.DRAFT: {EntryStatus.SUBMITTED},
    EntryStatus.SUBMITTED: set(),
}


class TieRule(models.TextChoices):
    # Only one rule is offered on purpose: the plan must declare a single rule and
    # the results page prints it (DESIGN: "Ranking ties use one declared rule").
    COMPETITION = "competition", "Xếp hạng cạnh tranh chuẩn (1-2-2-4): các bài bằng điểm đồng hạng, hạng kế tiếp bỏ qua số tương ứng"


class PrizeStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất"
    CONFIRMED = "confirmed", "Đã xác nhận"


PRIZE_TRANSITIONS: dict[str, set[str]] = {
    PrizeStatus.PROPOSED: {PrizeStatus.CONFIRMED},
    PrizeStatus.CONFIRMED: set(),
}
