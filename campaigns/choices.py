import operator
from typing import Any

from django.db import models


class CampaignKind(models.TextChoices):
    REGULAR = "regular", "Thi đua thường xuyên (hằng năm, giai đoạn)"
    THEMATIC = "thematic", "Thi đua theo chuyên đề"
    CONTEST = "contest", "Cuộc thi"
    IMPROVEMENT = "improvement", "Kế hoạch nâng cao chỉ số CCHC"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    LAUNCHED = "launched", "Đã phát động"
    CLOSED = "closed", "Đã kết thúc"


# Explicit transition map: (from, to) pairs a service may perform.
CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {
    CampaignStatus.DRAFT: {CampaignStatus.LAUNCHED},
    CampaignStatus.LAUNCHED: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


class RoundKind(models.TextChoices):
    SIX_MONTH = "six_month", "Sơ kết 6 tháng"
    YEAR_END = "year_end", "Tổng kết năm"
    PERIOD_END = "period_end", "Tổng kết giai đoạn"
    CONTEST = "contest", "Chấm thi, trao giải"
    OTHER = "other", "Đợt khác"


class RoundStatus(models.TextChoices):
    OPEN = "open", "Đang mở"
    CLOSED = "closed", "Đã khóa (kết quả được đóng băng)"


#: A round is closed once, for good (its ranking is frozen).
ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.OPEN: {RoundStatus.CLOSED},
    RoundStatus.CLOSED: set(),
}


class Subject(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"


class CriterionKind(models.TextChoices):
    INDICATOR = "indicator", "Chỉ tiêu đo bằng số liệu"
    POINTS = "points", "Chấm điểm"
    ATTESTATION = "attestation", "Xác nhận / minh chứng"
    # The yearly performance rating of a person (xếp loại mức độ hoàn thành nhiệm vụ):
    # checked by the awards app against the person's rating of the round's year.
    RATING = "rating", "Xếp loại mức độ hoàn thành nhiệm vụ năm"


class MeasuredOn(models.TextChoices):
    """Whose result a criterion's target is compared with."""

    PARTICIPANT = "participant", "Kết quả của từng đối tượng tham gia"
    # Hà Nam: "góp phần đảm bảo chỉ tiêu Sở được chấm đạt từ 90 điểm": each phòng
    # contributes to the issuing unit's one result.
    ISSUER = "issuer", "Kết quả chung của cơ quan phát động (các đơn vị cùng đóng góp)"


class DeadlineWording(models.TextChoices):
    """How the plan words the nomination deadline: "trước ngày 10/01" means the
    last day to submit is 09/01; "đến hết ngày 10/01" / "chậm nhất ngày 10/01" is 10/01."""

    BY = "by", "Đến hết ngày (chậm nhất ngày)"
    BEFORE = "before", "Trước ngày (hạn cuối là ngày liền trước)"


class Requirement(models.TextChoices):
    MUST_MEET = "must_meet", "Bắt buộc đạt"
    SCORED = "scored", "Tính điểm, xếp hạng"


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    MAX = "max", "cao nhất (xếp hạng)"
    MIN = "min", "thấp nhất (xếp hạng)"
    IMPROVE = "improve", "tăng điểm hoặc tăng bậc so với năm trước"
    IMPROVE_SCORE = "improve_score", "tăng điểm so với năm trước"

    def holds(self, value: Any, threshold: Any) -> bool:
        """Whether ``value`` meets ``threshold`` under this comparator (≥ > ≤ < =;
        the label is its symbol). Raises ``KeyError`` for the ranking comparators
        (max, min, improve…), which compare participants, not a threshold."""
        return _THRESHOLD_TESTS[self](value, threshold)

    @property
    def has_threshold(self) -> bool:
        """True for ≥ > ≤ < =, False for the ranking comparators."""
        return self in _THRESHOLD_TESTS


_THRESHOLD_TESTS = {
    Comparator.GTE: operator.ge, Comparator.GT: operator.gt, Comparator.LTE: operator.le,
    Comparator.LT: operator.lt, Comparator.EQ: operator.eq,
}


class AwardLevel(models.TextChoices):
    COMMUNE = "commune", "Cấp xã"
    DISTRICT = "district", "Cấp huyện (trước 01/07/2025)"
    DEPARTMENT = "department", "Cấp sở, ngành"
    PROVINCE = "province", "Cấp tỉnh"
    NATIONAL = "national", "Cấp Nhà nước"
    CONTEST = "contest", "Giải thưởng cuộc thi"


class AwardType(models.TextChoices):
    """Keys into the dated bonus-coefficient table of the awards app."""

    GIAY_KHEN = "giay_khen", "Giấy khen"
    BANG_KHEN_PROVINCE = "bang_khen_tinh", "Bằng khen của Bộ, ngành, tỉnh"
    BANG_KHEN_PM = "bang_khen_ttg", "Bằng khen của Thủ tướng Chính phủ"
    LDTT = "ldtt", "Lao động tiên tiến / Tập thể lao động tiên tiến"
    CSTDCS = "cstdcs", "Chiến sĩ thi đua cơ sở"
    TLDXS = "tldxs", "Tập thể lao động xuất sắc"
    PRIZE = "prize", "Giải thưởng cuộc thi"
    OTHER = "other", "Hình thức khác"


class AwardAuthority(models.TextChoices):
    """Who decides an award form (Luật Thi đua, khen thưởng 2022, Art. 75: each
    authority decides its own forms). A round's own decision covers only ISSUER
    forms; HIGHER forms are proposed upward by a Tờ trình; PARTICIPANT forms are
    each participant's own (a commune chairman's Giấy khen), never printed above."""

    ISSUER = "issuer", "Cơ quan ban hành phong trào quyết định"
    HIGHER = "higher", "Cấp trên quyết định (trình lên cấp trên)"
    PARTICIPANT = "participant", "Đơn vị tham gia tự quyết định theo thẩm quyền"


class MoneyKind(models.TextChoices):
    COEFFICIENT = "coefficient", "Hệ số × mức lương cơ sở"
    FIXED = "fixed", "Số tiền cố định"
    NONE = "none", "Không kèm tiền thưởng"


class QuotaKind(models.TextChoices):
    ABSOLUTE = "absolute", "Số lượng tối đa"
    PERCENTAGE = "percentage", "Tỷ lệ phần trăm"


class Rounding(models.TextChoices):
    FLOOR = "floor", "Làm tròn xuống"
    CEIL = "ceil", "Làm tròn lên"
    HALF_UP = "half_up", "Làm tròn gần nhất"
