from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.choices import (
    AwardLevel,
    AwardType,
    CampaignKind,
    CampaignStatus,
    MoneyKind,
    Subject,
)
from campaigns.models import AwardForm, Campaign, Participant, ParticipantGroup
from contests.choices import ContestStage
from contests.models import ContestSettings, RubricCriterion
from organization.choices import Role
from tests.conftest import make_user

from .builders import docx_bytes

AUTHOR = {"full_name": "Nguyễn Văn Tác", "position": "Công chức Văn phòng", "workplace": "UBND xã A", "phone": "0912345678"}


@pytest.fixture
def contest(tree):
    """A district contest (the Đakrông plan's numbers) open for submissions today."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code="cuoc-thi-thu", title="Cuộc thi tuyên truyền CCHC", kind=CampaignKind.CONTEST,
        issuing_unit=tree["district"], start_date=today - timedelta(days=1), end_date=today + timedelta(days=30),
        status=CampaignStatus.LAUNCHED,
    )
    group = ParticipantGroup.objects.create(campaign=campaign, code="don-vi", name="Các đơn vị", subject=Subject.COLLECTIVE)
    for unit in (tree["commune_a"], tree["commune_b"], tree["office"]):
        Participant.objects.create(campaign=campaign, group=group, unit=unit)
    for rank, amount in ((1, 2_000_000), (2, 1_500_000), (3, 1_000_000)):
        AwardForm.objects.create(campaign=campaign, order=rank, name=["Giải nhất", "Giải nhì", "Giải ba"][rank - 1],
                                 award_type=AwardType.PRIZE, level=AwardLevel.CONTEST, subject=Subject.INDIVIDUAL,
                                 money_kind=MoneyKind.FIXED, fixed_amount=amount, rank=rank)
    settings_obj = ContestSettings.objects.create(
        campaign=campaign, submission_start=today - timedelta(days=1), submission_end=today + timedelta(days=10),
        judging_deadline=today + timedelta(days=16), results_date=today + timedelta(days=25),
        stage=ContestStage.SUBMISSION, blind=True,
    )
    RubricCriterion.objects.create(contest=settings_obj, order=1, name="Nội dung", weight=Decimal("2"), max_score=Decimal("10"))
    RubricCriterion.objects.create(contest=settings_obj, order=2, name="Tính sáng tạo", weight=Decimal("1"), max_score=Decimal("10"))
    RubricCriterion.objects.create(contest=settings_obj, order=3, name="Hình ảnh minh họa", weight=Decimal("1"), max_score=Decimal("5"))
    return campaign


@pytest.fixture
def judge_a(tree):
    """A judge working at commune A: conflicted on commune A's entries."""
    return make_user("giamkhao_xa_a", tree["commune_a"], Role.JUDGE, "Đinh Văn Chấm")


def article(n_words: int, name: str = "bai-viet.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(n_words),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
