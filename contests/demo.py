"""Demo data for the Đakrông contest (seed 002, KH 179/KH-UBND of 24/8/2020).

Leaves the contest in the JUDGING stage: three entries (two articles, one video)
from Krông Klang, Mò Ó and Phòng Tài chính – Kế hoạch; judge 1 (Phòng Nội vụ)
has scored all three, judge 2 (Krông Klang, so never assigned Krông Klang's
entry) has scored one and has one left — so blind mode is visible in the demo.

Everything goes through the services (audited) with the seed's dates as "today".
Idempotent: entries are created only when the contest has none.
"""

from __future__ import annotations

import io
import struct
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from campaigns.models import Campaign

from . import services
from .choices import ContestStage, EntryFormat
from .models import ContestSettings, Entry, RubricCriterion

CODE = "dakrong-cuoc-thi-2020"

# The plan's own words for what entries must show (mục I.2 and II.2).
RUBRIC = [
    ("Nội dung bám sát chủ đề, phản ánh đúng thực tế công tác CCHC của cơ quan, đơn vị, địa phương", Decimal(3), Decimal(10)),
    ("Tính mới, tính sáng tạo trong cách viết, cách dựng bài", Decimal(3), Decimal(10)),
    ("Sáng kiến, giải pháp thiết thực, có khả năng áp dụng trong thực tế", Decimal(2), Decimal(10)),
    ("Hình thức trình bày ngắn gọn, dễ hiểu; hình ảnh minh họa", Decimal(2), Decimal(10)),
]

SEED_DATES = {
    "submission_start": date(2020, 9, 1),
    "submission_end": date(2020, 9, 15),
    "judging_deadline": date(2020, 9, 21),
    "results_date": date(2020, 9, 30),
}

PARAGRAPH = (
    "Thực hiện kế hoạch cải cách hành chính năm 2020, đơn vị đã tập trung đổi mới cách tiếp nhận và trả kết quả "
    "giải quyết thủ tục hành chính, niêm yết công khai đầy đủ thủ tục, hướng dẫn người dân nộp hồ sơ trực tuyến "
    "mức độ 3 và 4, rút ngắn thời gian giải quyết và nâng cao sự hài lòng của người dân, tổ chức."
)


def article_docx(title: str, n_words: int) -> bytes:
    """A .docx with exactly ``n_words`` words, the heading included (it is text too)."""
    from docx import Document

    words = PARAGRAPH.split()
    title_words = title.split()
    body = [words[i % len(words)] for i in range(max(n_words - len(title_words), 0))]
    doc = Document()
    doc.add_heading(title, level=1)
    for start in range(0, len(body), 120):
        doc.add_paragraph(" ".join(body[start:start + 120]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def video_mp4(seconds: int) -> bytes:
    """A minimal MP4 container (ftyp + moov/mvhd) that states its duration; the demo
    carries no real footage."""
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    mvhd = bytes(4) + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80)
    # One (empty) video track: the metadata stripper (mutagen) reads the track's handler.
    mdhd = bytes(4) + struct.pack(">IIIIHH", 0, 0, 1000, seconds * 1000, 0x55C4, 0)
    hdlr = bytes(4) + struct.pack(">I4s12s", 0, b"vide", bytes(12)) + b"VideoHandler\0"
    trak = box(b"trak", box(b"tkhd", bytes(84)) + box(b"mdia", box(b"mdhd", mdhd) + box(b"hdlr", hdlr)))
    return box(b"ftyp", b"isom\0\0\2\0isomiso2mp41") + box(b"moov", box(b"mvhd", mvhd) + trak)


def ensure_settings(campaign: Campaign, *, stage: str = ContestStage.SETUP, **dates: date) -> ContestSettings:
    """The plan's rules: articles 1.000–2.000 words, videos 4–6 minutes, ≥ 1 entry per
    unit, blind judging, 1-2-2-4 ties, and the rubric. Keeps an existing stage."""
    values = {**SEED_DATES, **dates}
    contest, created = ContestSettings.objects.get_or_create(
        campaign=campaign,
        defaults={
            "article_min_words": 1000, "article_max_words": 2000, "video_min_seconds": 240, "video_max_seconds": 360,
            "min_entries_per_unit": 1, "blind": True, "stage": stage, **values,
        },
    )
    if created:
        for order, (name, weight, max_score) in enumerate(RUBRIC, start=1):
            RubricCriterion.objects.create(contest=contest, order=order, name=name, weight=weight, max_score=max_score)
    return contest


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


@transaction.atomic
def load(stdout: Any = None) -> None:
    campaign = Campaign.objects.filter(code=CODE).first()
    if campaign is None:
        return
    contest = ensure_settings(campaign, stage=ContestStage.SUBMISSION)
    if Entry.objects.filter(contest=campaign).exists():
        if stdout is not None:
            stdout.write("Cuộc thi Đakrông: dữ liệu mẫu đã có, giữ nguyên.\n")
        return
    if contest.stage != ContestStage.SUBMISSION:
        return
    day = date(2020, 9, 10)
    staff = _user("dakrong.thidua")
    judge1, judge2 = _user("dakrong.giamkhao1"), _user("dakrong.giamkhao2")
    specs = [
        ("dakrong.xa.krongklang", "QT-DAKRONG-KRONGKLANG", "Bộ phận một cửa: thân thiện, đúng hẹn",
         EntryFormat.ARTICLE, 1350, ("Hồ Thị Mai", "Công chức Văn phòng – Thống kê", "UBND thị trấn Krông Klang", "0913 456 701")),
        ("dakrong.xa.moo", "QT-DAKRONG-MOO", "Đưa dịch vụ công trực tuyến đến với bà con vùng cao",
         EntryFormat.ARTICLE, 1180, ("Pả Văn Kiên", "Công chức Tư pháp – Hộ tịch", "UBND xã Mò Ó", "0914 222 333")),
        ("dakrong.phong.tckh", "QT-DAKRONG-PTCKH", "Một ngày ở Bộ phận tiếp nhận và trả kết quả huyện",
         EntryFormat.VIDEO, 300, ("Trần Quốc Việt", "Chuyên viên", "Phòng Tài chính – Kế hoạch huyện Đakrông", "0905 123 456")),
    ]
    entries = []
    for username, unit_code, title, fmt, size, (name, position, workplace, phone) in specs:
        officer = _user(username)
        unit = officer.profile.unit
        assert unit.code == unit_code
        if fmt == EntryFormat.ARTICLE:
            upload = SimpleUploadedFile("bai-du-thi.docx", article_docx(title, size))
        else:
            upload = SimpleUploadedFile("video-du-thi.mp4", video_mp4(size), content_type="video/mp4")
        entry = services.create_entry(
            campaign, actor=officer, unit=unit, title=title, fmt=fmt, upload=upload, today=day,
            authors=[{"full_name": name, "position": position, "workplace": workplace, "phone": phone}],
        )
        entries.append(services.submit_entry(entry, actor=officer, today=day))
    services.change_stage(contest, actor=staff, to=ContestStage.JUDGING)
    for entry in entries:
        services.assign_judge(entry, actor=staff, judge=judge1)
        if services.conflict_reason(judge2, entry) is None:
            services.assign_judge(entry, actor=staff, judge=judge2)
    criteria = list(contest.rubric.all())
    judging_day = date(2020, 9, 18)  # between the end of submissions and the judging deadline

    def scores(*values: str | None) -> dict[int, Decimal | None]:
        return {c.pk: (Decimal(v) if v is not None else None) for c, v in zip(criteria, values, strict=True)}

    table = {
        entries[0].pk: ("8.5", "8", "7.5", "8"),
        entries[1].pk: ("7.5", "8.5", "7", "6.5"),
        entries[2].pk: ("8", "7", "7", None),  # "không áp dụng": a video has no printed layout
    }
    for entry in entries:
        services.save_scores(entry.assignments.get(judge=judge1), actor=judge1, values=scores(*table[entry.pk]),
                             today=judging_day)
    services.save_scores(entries[1].assignments.get(judge=judge2), actor=judge2, today=judging_day,
                         values=scores("8", "7.5", "7.5", "7"), comment="Bài viết gần gũi, có số liệu cụ thể.")
    if stdout is not None:
        stdout.write("Cuộc thi Đakrông: 3 bài dự thi, 2 giám khảo, đang chấm thi (ẩn danh).\n")
