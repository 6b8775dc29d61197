from django.db import models


class NominationStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    RETURNED = "returned", "Bị trả lại (cần bổ sung)"
    SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
    APPRAISED = "appraised", "Đã thẩm định"
    TO_COUNCIL = "to_council", "Đã trình Hội đồng"
    APPROVED = "approved", "Lãnh đạo đã duyệt"
    REJECTED = "rejected", "Không được duyệt"
    DECIDED = "decided", "Đã có quyết định khen thưởng"


S = NominationStatus

# Explicit transition map: (from → allowed targets). Services check it before any
# change; "returned" is the state the proposing unit edits again, like a draft.
NOMINATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.RETURNED: {S.SUBMITTED},
    S.SUBMITTED: {S.APPRAISED, S.RETURNED},
    S.APPRAISED: {S.TO_COUNCIL, S.RETURNED},
    S.TO_COUNCIL: {S.APPROVED, S.REJECTED, S.RETURNED},
    S.APPROVED: {S.DECIDED},
    S.REJECTED: set(),
    S.DECIDED: set(),
}

EDITABLE_STATUSES = {S.DRAFT, S.RETURNED}
# Nominations that occupy a quota place at submission time.
QUOTA_SUBMITTED_STATUSES = [S.SUBMITTED, S.APPRAISED, S.TO_COUNCIL, S.APPROVED, S.DECIDED]
# … and at approval time (only what the leader has already granted).
QUOTA_APPROVED_STATUSES = [S.APPROVED, S.DECIDED]


class AttachmentKind(models.TextChoices):
    INITIATIVE = "initiative", "Công nhận sáng kiến, giải pháp"
    EVIDENCE = "evidence", "Minh chứng thành tích"
    OTHER = "other", "Tài liệu khác"


class MeetingStatus(models.TextChoices):
    OPEN = "open", "Đang họp / ghi nhận phiếu"
    CLOSED = "closed", "Đã kết thúc"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class TallySource(models.TextChoices):
    PAPER = "paper", "Thư ký nhập kết quả kiểm phiếu giấy"
    BALLOTS = "ballots", "Tổng hợp từ phiếu bầu trên hệ thống"


MEETING_TRANSITIONS: dict[str, set[str]] = {MeetingStatus.OPEN: {MeetingStatus.CLOSED}, MeetingStatus.CLOSED: set()}
DECISION_TRANSITIONS: dict[str, set[str]] = {DecisionStatus.DRAFT: {DecisionStatus.ISSUED}, DecisionStatus.ISSUED: set()}


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", "Tờ trình đề nghị khen thưởng"
    MINUTES = "minutes", "Biên bản họp xét"
    REPORT = "report", "Báo cáo thành tích"
    SUMMARY = "summary", "Bản tóm tắt thành tích"
    DECISION = "decision", "Quyết định khen thưởng"
    CERTIFICATES = "certificates", "Giấy khen"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    DONE = "done", "Đã tạo"
    FAILED = "failed", "Lỗi"


class Severity(models.TextChoices):
    ERROR = "error", "Không đạt"
    WARNING = "warning", "Cần xem xét"


ACTION_LABELS: dict[str, str] = {
    "awards.nomination.create": "Lập hồ sơ",
    "awards.nomination.edit_report": "Sửa báo cáo thành tích",
    "awards.nomination.refresh_report": "Cập nhật kết quả tiêu chí",
    "awards.nomination.attach": "Đính kèm tài liệu",
    "awards.nomination.submit": "Gửi hồ sơ",
    "awards.nomination.appraise": "Thẩm định",
    "awards.nomination.return": "Trả lại đơn vị",
    "awards.nomination.to_council": "Trình Hội đồng",
    "awards.nomination.vote": "Ghi kết quả bỏ phiếu",
    "awards.nomination.mark_criteria": "Thẩm định từng tiêu chí",
    "awards.nomination.approve": "Lãnh đạo duyệt",
    "awards.nomination.reject": "Không duyệt",
    "awards.nomination.decide": "Có quyết định khen thưởng",
    "awards.documents.request": "Tạo văn bản",
}


#: The achievement report's particulars (Sơ lược lý lịch / đặc điểm tình hình) as the
#: report form (Mẫu 07 of NĐ 91/2017; the forms of NĐ 98/2023 and NĐ 152/2025) asks for
#: them, key → Vietnamese label, in the order printed. Every one is editable.
PARTICULARS_INDIVIDUAL: dict[str, str] = {
    "full_name": "Họ và tên", "gender": "Giới tính", "birth_date": "Ngày, tháng, năm sinh",
    "nationality": "Quốc tịch", "ethnicity": "Dân tộc", "hometown": "Quê quán", "residence": "Nơi thường trú",
    "position": "Chức vụ (Đảng, chính quyền, đoàn thể)", "unit": "Đơn vị công tác", "rank": "Ngạch, bậc",
    "education": "Trình độ chuyên môn", "political_theory": "Lý luận chính trị", "party_join_date": "Ngày vào Đảng",
}
PARTICULARS_COLLECTIVE: dict[str, str] = {
    "name": "Tên tập thể", "kind": "Loại đơn vị", "parent": "Trực thuộc", "address": "Địa chỉ trụ sở",
    "phone": "Điện thoại", "email": "Thư điện tử", "head": "Người đứng đầu",
}
