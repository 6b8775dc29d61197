"""What a notification is about, and how its recipient wants e-mail."""

from django.db import models


class Kind(models.TextChoices):
    NOMINATION_RETURNED = "nomination_returned", "Hồ sơ đề nghị bị trả lại"
    VOTE_REQUESTED = "vote_requested", "Hồ sơ trình Hội đồng, chờ bỏ phiếu"
    MEETING_OPENED = "meeting_opened", "Triệu tập họp Hội đồng"
    DECISION_ISSUED = "decision_issued", "Quyết định khen thưởng đã ban hành"
    JUDGE_ASSIGNED = "judge_assigned", "Được phân công chấm bài dự thi"
    UPLOAD_REFUSED = "upload_refused", "Tệp số liệu có lỗi, không được ghi nhận"
    UPLOAD_FAILED = "upload_failed", "Lỗi hệ thống khi đọc tệp số liệu"
    UPLOAD_DEADLINE = "upload_deadline", "Nhắc hạn tải số liệu một cửa"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Gửi thư ngay khi có thông báo"
    DAILY = "daily", "Gộp thành một thư mỗi sáng"
    OFF = "off", "Không gửi thư (chỉ xem trên cổng)"


#: What a user who never chose gets: an officer must hear at once that a dossier
#: came back, without first finding a settings page.
DEFAULT_EMAIL_MODE = EmailMode.IMMEDIATE
