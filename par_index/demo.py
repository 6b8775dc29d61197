"""Demo data for the PAR index (seed 004, Ea Ly): the 2021 commune framework of
huyện Sông Hinh with its eight fields (22,5 · 6 · 17,5 · 3 · 10,5 · 6 · 25,5 · 9 =
100 points), the 2021 results of Ea Ly (the seed's self-assessed and appraised
points per field) and of two sibling communes, finalized and published; the 2022
framework copied from 2021 with Ea Ly's 2022 self-assessment in draft; and the
improvement plan's tasks per field, linked to campaign ``ea-ly-par-2022``.

Criteria and sub-criteria follow the counts the seed states (field 1: 12 criteria,
18 sub-criteria …); their titles are plausible, not the province's exact text.
Everything goes through the services (so the audit trail is real) and only when
missing, so running ``load`` twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from campaigns.demo import set_demo_password
from campaigns.models import Campaign
from core.formats import number
from organization.choices import Role, UnitKind
from organization.models import Unit, UserProfile

from . import services
from .choices import AssessmentStatus, ItemKind, TaskStatus
from .models import Answer, Assessment, Framework, FrameworkItem, ImprovementPlan, PlanTask

Q = Decimal("0.25")  # maxima are split in quarter points

# (field title, field max, [(criterion title, [sub-criterion titles]), ...])
FIELDS: list[tuple[str, Decimal, list[tuple[str, list[str]]]]] = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", Decimal("22.5"), [
        ("Kế hoạch cải cách hành chính năm", ["Ban hành kế hoạch CCHC năm kịp thời, đúng quy định", "Mức độ hoàn thành kế hoạch CCHC năm"]),
        ("Báo cáo công tác cải cách hành chính", ["Số lượng báo cáo định kỳ, đột xuất đầy đủ", "Thời hạn gửi báo cáo đúng quy định"]),
        ("Kiểm tra công tác cải cách hành chính", ["Tự kiểm tra CCHC từ 3 lần trở lên trong năm", "Xử lý tồn tại, hạn chế phát hiện qua kiểm tra"]),
        ("Tuyên truyền cải cách hành chính", ["Ban hành kế hoạch tuyên truyền CCHC", "Đa dạng hình thức tuyên truyền CCHC"]),
        ("Sáng kiến, giải pháp mới về cải cách hành chính", ["Có sáng kiến, giải pháp được cơ quan có thẩm quyền công nhận", "Áp dụng, nhân rộng sáng kiến, giải pháp"]),
        ("Thực hiện nhiệm vụ UBND huyện, Chủ tịch UBND huyện giao", ["Tỷ lệ nhiệm vụ được giao hoàn thành", "Tỷ lệ nhiệm vụ hoàn thành đúng tiến độ"]),
        ("Tổ chức đối thoại với công dân", ["Tổ chức đối thoại với công dân theo quy định"]),
        ("Tiếp công dân định kỳ của người đứng đầu UBND xã", ["Thực hiện tiếp công dân định kỳ theo quy định"]),
        ("Cập nhật văn bản lên trang thông tin điện tử của xã", ["Văn bản chỉ đạo, điều hành được cập nhật đầy đủ, kịp thời"]),
        ("Sử dụng hệ thống quản lý văn bản và điều hành", ["Tỷ lệ cán bộ, công chức sử dụng hệ thống quản lý văn bản"]),
        ("Sử dụng chữ ký số trong xử lý văn bản", ["Tỷ lệ văn bản đi được ký số"]),
        ("Sử dụng thư điện tử công vụ", ["Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ trong công việc"]),
    ]),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", Decimal("6"), [
        ("Xây dựng, ban hành văn bản quy phạm pháp luật", ["Ban hành văn bản QPPL đúng trình tự, thủ tục", "Lấy ý kiến, công khai dự thảo theo quy định"]),
        ("Theo dõi thi hành pháp luật", ["Ban hành kế hoạch theo dõi thi hành pháp luật", "Mức độ hoàn thành kế hoạch theo dõi thi hành pháp luật"]),
        ("Kiểm tra, rà soát văn bản quy phạm pháp luật", ["Rà soát văn bản QPPL theo quy định", "Xử lý văn bản sau rà soát"]),
    ]),
    ("Cải cách thủ tục hành chính", Decimal("17.5"), [
        ("Rà soát, đánh giá thủ tục hành chính", ["Ban hành kế hoạch rà soát, đánh giá TTHC", "Tỷ lệ vấn đề phát hiện qua rà soát được xử lý, kiến nghị xử lý"]),
        ("Công khai thủ tục hành chính", ["Niêm yết công khai TTHC đầy đủ, kịp thời", "Công khai TTHC tại nơi tiếp nhận, giải quyết TTHC"]),
        ("Thực hiện cơ chế một cửa, một cửa liên thông", ["TTHC được tiếp nhận, trả kết quả tại bộ phận một cửa", "Bố trí bộ phận một cửa đúng quy định"]),
        ("Tiếp nhận hồ sơ thủ tục hành chính", ["Hồ sơ được cập nhật đầy đủ lên cổng dịch vụ công của tỉnh", "Hồ sơ được cập nhật vào sổ theo dõi tại bộ phận một cửa"]),
        ("Kết quả giải quyết thủ tục hành chính", ["Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn", "Thực hiện thư xin lỗi khi để xảy ra sai sót, trễ hạn"]),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", ["Tiếp nhận phản ánh, kiến nghị đúng quy định", "Tỷ lệ phản ánh, kiến nghị được xử lý, kiến nghị xử lý"]),
        ("Chất lượng tiếp nhận hồ sơ", ["Hồ sơ tiếp nhận không sai sót, không phải bổ sung, hoàn chỉnh"]),
        ("Đánh giá chất lượng giải quyết thủ tục hành chính", ["Tổ chức đánh giá chất lượng giải quyết TTHC theo quy định"]),
    ]),
    ("Cải cách tổ chức bộ máy hành chính", Decimal("3"), [
        ("Thực hiện quy định về tổ chức bộ máy", ["Sắp xếp tổ chức bộ máy theo quy định", "Kiện toàn chức năng, nhiệm vụ của các bộ phận chuyên môn"]),
        ("Quản lý, sử dụng biên chế", ["Bố trí đúng số lượng biên chế được giao"]),
    ]),
    ("Cải cách chế độ công vụ", Decimal("10.5"), [
        ("Bố trí cán bộ, công chức", ["Bố trí cán bộ, công chức phù hợp trình độ chuyên môn", "Tỷ lệ cán bộ, công chức đạt chuẩn theo quy định"]),
        ("Quản lý hồ sơ, đánh giá cán bộ, công chức", ["Cập nhật thường xuyên hồ sơ cán bộ, công chức", "Đánh giá, phân loại cán bộ, công chức đúng trình tự"]),
        ("Kỷ luật, kỷ cương hành chính", ["Chấp hành kỷ luật, kỷ cương hành chính", "Thực hiện giảm biên chế theo quy định"]),
        ("Đào tạo, bồi dưỡng cán bộ, công chức", ["Tham gia đầy đủ các lớp đào tạo, bồi dưỡng"]),
    ]),
    ("Cải cách tài chính công", Decimal("6"), [
        ("Quản lý, sử dụng kinh phí ngân sách nhà nước", ["Thực hiện quy định về sử dụng kinh phí ngân sách", "Thực hiện kiến nghị sau thanh tra, kiểm tra, kiểm toán"]),
        ("Ban hành văn bản về quản lý, sử dụng tài sản công", ["Ban hành đầy đủ văn bản thuộc thẩm quyền"]),
        ("Sắp xếp lại, xử lý nhà, đất", ["Thực hiện sắp xếp lại, xử lý nhà, đất theo quy định"]),
        ("Kiểm tra việc quản lý tài sản công", ["Tổ chức kiểm tra việc thực hiện quy định về quản lý tài sản công"]),
    ]),
    ("Xây dựng chính quyền điện tử, chính quyền số", Decimal("25.5"), [
        ("Ứng dụng công nghệ thông tin trong quản lý hành chính", ["Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ", "Tỷ lệ văn bản trao đổi dưới dạng điện tử", "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng"]),
        ("Trang thông tin điện tử và số hóa", ["Chất lượng trang thông tin điện tử của xã", "Tỷ lệ kết quả giải quyết TTHC được số hóa", "Lập và lưu trữ hồ sơ công việc điện tử"]),
        ("Cung cấp dịch vụ công trực tuyến", ["Tỷ lệ TTHC mức độ 3, 4 có phát sinh hồ sơ", "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3, 4", "Tỷ lệ TTHC có phát sinh hồ sơ qua dịch vụ bưu chính công ích"]),
        ("Dịch vụ bưu chính công ích và hệ thống quản lý chất lượng", ["Tỷ lệ hồ sơ tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích", "Áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015"]),
    ]),
    ("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế – xã hội của xã", Decimal("9"), [
        ("Sự hài lòng của người dân, tổ chức", ["Mức độ hài lòng trong giải quyết TTHC", "Tổ chức khảo sát sự hài lòng theo quy định"]),
        ("Tác động đến phát triển kinh tế – xã hội", ["Thu hút đầu tư, doanh nghiệp thành lập mới", "Thu ngân sách địa phương so với chỉ tiêu huyện giao"]),
    ]),
]

# (self, appraised) points per field, 2021 (the seed for Ea Ly; plausible for the siblings).
RESULTS_2021: dict[str, list[tuple[str, str]]] = {
    "PY-SONGHINH-EALY": [("20.5", "18.775"), ("6", "6"), ("17.5", "16.5"), ("3", "3"), ("10.5", "10.5"), ("6", "6"), ("7.5", "3"), ("9", "9")],
    "PY-SONGHINH-EABIA": [("22", "21.5"), ("6", "6"), ("17", "16.75"), ("3", "3"), ("10", "10"), ("6", "5.5"), ("18", "16"), ("9", "8.5")],
    "PY-SONGHINH-HAIRIENG": [("19", "18"), ("5.5", "5"), ("15", "14.5"), ("3", "3"), ("9.5", "9"), ("5", "5"), ("12", "10.5"), ("8", "7.5")],
}
# Ea Ly's 2022 self-assessment in progress, aiming at ≥ 80 (the plan's target).
SELF_2022_EALY = ["21.5", "6", "17.5", "3", "10.5", "6", "15.5", "9"]

OFFICERS = {
    "PY-SONGHINH-EABIA": ("eabia.canbo", "Y Blông Niê"),
    "PY-SONGHINH-HAIRIENG": ("hairieng.canbo", "Trần Thị Kim Oanh"),
}

# Plan tasks per field (seed section II.2): (field order, text, lead section code, lead note,
# supporting section codes, supporting note, deadline, status)
VP, VHTT, TP, TCKT = "PY-SONGHINH-EALY-VP", "PY-SONGHINH-EALY-VHTT", "PY-SONGHINH-EALY-TP", "PY-SONGHINH-EALY-TCKT"
END = date(2022, 12, 31)
TASKS: list[tuple[int, str, str | None, str, list[str], str, date, str]] = [
    (1, "Hoàn thành 100% kế hoạch cải cách hành chính năm; thực hiện chế độ báo cáo định kỳ, đột xuất đúng thời gian quy định.", VP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (1, "Tự kiểm tra cải cách hành chính từ 3 lần trở lên trong năm; kịp thời xử lý những tồn tại, hạn chế phát hiện qua kiểm tra.", VP, "", [], "Các ban ngành, đoàn thể xã", date(2022, 11, 30), TaskStatus.IN_PROGRESS),
    (1, "Đẩy mạnh tuyên truyền CCHC bằng nhiều hình thức (hội nghị, hội thi, băng rôn, khẩu hiệu); thường xuyên viết tin, bài trên trang thông tin điện tử của xã.", VHTT, "", [VP], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (1, "Có ít nhất 02 sáng kiến hoặc giải pháp mới về công tác CCHC được cơ quan có thẩm quyền công nhận.", VP, "", [VHTT], "", date(2022, 11, 30), TaskStatus.NOT_STARTED),
    (1, "Hoàn thành 100% nhiệm vụ UBND huyện, Chủ tịch UBND huyện giao, đúng tiến độ; tổ chức đối thoại với công dân và tiếp công dân định kỳ của người đứng đầu UBND xã.", VP, "", [], "", END, TaskStatus.IN_PROGRESS),
    (1, "Sử dụng hệ thống quản lý văn bản điều hành, cổng dịch vụ công trực tuyến, chữ ký số, số hóa văn bản và thư điện tử công vụ.", None, "Cán bộ, công chức xã", [], "", END, TaskStatus.IN_PROGRESS),
    (2, "Thường xuyên theo dõi thi hành pháp luật trên địa bàn xã; kiểm tra, rà soát văn bản quy phạm pháp luật.", TP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (3, "Thực hiện kế hoạch rà soát, đánh giá TTHC; 100% số vấn đề phát hiện qua rà soát được xử lý hoặc kiến nghị xử lý.", VP, "", [], "Các ban ngành xã", date(2022, 10, 31), TaskStatus.DONE),
    (3, "Niêm yết, công khai TTHC đầy đủ, kịp thời tại nơi tiếp nhận, giải quyết; 100% TTHC tiếp nhận và trả kết quả tại bộ phận một cửa.", VP, "", [], "Các ban ngành xã", END, TaskStatus.IN_PROGRESS),
    (3, "100% hồ sơ TTHC được cập nhật lên cổng dịch vụ công của tỉnh và sổ theo dõi, không sai sót phải bổ sung; 100% hồ sơ giải quyết đúng hạn, thư xin lỗi khi trễ hạn; 100% phản ánh, kiến nghị được xử lý.", VP, "", [], "Các ban ngành xã", END, TaskStatus.IN_PROGRESS),
    (4, "Sắp xếp tổ chức bộ máy, kiện toàn chức năng, nhiệm vụ của các bộ phận chuyên môn; bố trí đúng số lượng biên chế được giao.", VP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.DONE),
    (5, "Bố trí cán bộ, công chức phù hợp trình độ chuyên môn, đạt chuẩn; cập nhật hồ sơ, đánh giá, phân loại cán bộ, công chức theo quy định.", VP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (5, "Chấp hành kỷ luật, kỷ cương hành chính; tham gia đầy đủ các lớp đào tạo, bồi dưỡng; thực hiện giảm biên chế theo quy định.", VP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (6, "Thực hiện quy định về sử dụng kinh phí ngân sách nhà nước và các kiến nghị sau thanh tra, kiểm tra, kiểm toán.", TCKT, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (6, "Ban hành văn bản về quản lý, sử dụng tài sản công; sắp xếp lại, xử lý nhà, đất; kiểm tra việc quản lý tài sản công.", TCKT, "", [VP], "", date(2022, 9, 30), TaskStatus.DONE),
    (7, "Thư điện tử công vụ, văn bản điện tử, xử lý hồ sơ công việc trên môi trường mạng đạt 100%; nâng cao chất lượng trang thông tin điện tử; số hóa kết quả giải quyết TTHC tối thiểu 35%; lập, lưu trữ hồ sơ công việc điện tử.", VHTT, "", [VP], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
    (7, "TTHC trực tuyến mức độ 3, 4 có phát sinh hồ sơ đạt từ 60%; hồ sơ xử lý trực tuyến mức độ 3, 4 đạt từ 50%.", VHTT, "", [VP], "Mặt trận, các đoàn thể xã tuyên truyền người dân sử dụng", END, TaskStatus.IN_PROGRESS),
    (7, "Dịch vụ bưu chính công ích: TTHC có phát sinh hồ sơ đạt từ 50%; hồ sơ tiếp nhận đạt từ 15%; hồ sơ trả kết quả đạt từ 15%.", VHTT, "", [VP], "Mặt trận, các đoàn thể xã", END, TaskStatus.NOT_STARTED),
    (7, "Áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015 đúng quy định.", VHTT, "", [VP], "", END, TaskStatus.NOT_STARTED),
    (8, "Khảo sát sự hài lòng của người dân, tổ chức khi giải quyết TTHC; mức độ hài lòng đạt từ 90% trở lên.", VP, "", [], "Các ban ngành, đoàn thể xã", END, TaskStatus.NOT_STARTED),
    (8, "Thu hút đầu tư năm 2022 cao hơn năm 2021; doanh nghiệp thành lập mới tăng từ 02 doanh nghiệp trở lên; thu ngân sách vượt chỉ tiêu huyện giao.", TCKT, "", [VP], "Các ban ngành, đoàn thể xã", END, TaskStatus.IN_PROGRESS),
]


def _split(total: Decimal, n: int) -> list[Decimal]:
    """Split ``total`` into ``n`` quarter-point parts as evenly as possible (larger first)."""
    units = int(total / Q)
    base, extra = divmod(units, n)
    return [(base + (1 if i < extra else 0)) * Q for i in range(n)]


def build_items(framework: Framework) -> None:
    """Write the eight fields' tree into an empty framework (leaf maxima sum to each field)."""
    order = 0
    for f_no, (f_title, f_max, criteria) in enumerate(FIELDS, start=1):
        n_subs = sum(len(subs) for _, subs in criteria)
        sub_max = iter(_split(f_max, n_subs))
        order += 1
        field = FrameworkItem.objects.create(framework=framework, kind=ItemKind.FIELD, code=str(f_no), order=order,
                                             title=f_title, max_points=f_max)
        field.field = field
        field.save(update_fields=["field"])
        for c_no, (c_title, subs) in enumerate(criteria, start=1):
            maxima = [next(sub_max) for _ in subs]
            order += 1
            criterion = FrameworkItem.objects.create(
                framework=framework, parent=field, field=field, kind=ItemKind.CRITERION, code=f"{f_no}.{c_no}",
                order=order, title=c_title, max_points=sum(maxima, Decimal("0")),
            )
            for s_no, (s_title, s_max) in enumerate(zip(subs, maxima, strict=True), start=1):
                order += 1
                half = (s_max / 2).normalize()
                FrameworkItem.objects.create(
                    framework=framework, parent=criterion, field=field, kind=ItemKind.SUB_CRITERION,
                    code=f"{f_no}.{c_no}.{s_no}", order=order, title=s_title, max_points=s_max,
                    guidance=(f"Thực hiện đầy đủ, đúng quy định: {number(s_max)} điểm; thực hiện chưa đầy đủ: "
                              f"{number(half)} điểm; không thực hiện: 0 điểm."),
                    # The first sub-criterion of each criterion asks for the documents that prove it.
                    evidence_required=s_no == 1,
                )


def _distribute(maxima: list[Decimal], total: Decimal) -> list[Decimal]:
    """Points per leaf summing to ``total``: full marks, minus the shortfall taken from the
    last leaves first (so a lower total never gives a leaf more than a higher one)."""
    points = list(maxima)
    shortfall = sum(maxima, Decimal("0")) - total
    for i in range(len(points) - 1, -1, -1):
        if shortfall <= 0:
            break
        cut = min(points[i], shortfall)
        points[i] -= cut
        shortfall -= cut
    return points


def _field_points(answers: list[Answer], per_field: list[str]) -> dict[int, Decimal]:
    by_field: dict[int, list[Answer]] = {}
    for a in answers:
        by_field.setdefault(int(a.item.code.split(".")[0]), []).append(a)
    out: dict[int, Decimal] = {}
    for f_no, field_answers in by_field.items():
        values = _distribute([a.item.max_points for a in field_answers], Decimal(per_field[f_no - 1]))
        out.update({a.pk: v for a, v in zip(field_answers, values, strict=True)})
    return out


def _self_assess(assessment: Assessment, officer: Any, per_field: list[str]) -> None:
    answers = list(assessment.answers.select_related("item").order_by("item__order"))
    points = _field_points(answers, per_field)
    values = {
        a.pk: (points[a.pk], "Đã thực hiện đầy đủ theo kế hoạch, có văn bản kèm theo." if points[a.pk] == a.item.max_points
               else "Thực hiện chưa đầy đủ.")
        for a in answers
    }
    services.save_self_assessment(assessment, actor=officer, values=values)
    for a in answers:
        if a.item.evidence_required and points[a.pk] > 0 and not a.evidence.exists():
            name = f"tai-lieu-kiem-chung-{a.item.code}.txt"
            content = f"Tài liệu kiểm chứng mẫu – {assessment.unit.name} – tiêu chí {a.item.code}: {a.item.title}\n"
            services.add_evidence(a, actor=officer, file=ContentFile(content.encode("utf-8"), name=name),
                                  description="Văn bản, báo cáo kèm theo (dữ liệu mẫu)")


def _appraise(assessment: Assessment, staff: Any, per_field: list[str]) -> None:
    answers = list(assessment.answers.select_related("item").order_by("item__order"))
    points = _field_points(answers, per_field)
    values = {a.pk: (points[a.pk], "" if points[a.pk] == a.self_points else "Tài liệu kiểm chứng chưa chứng minh đầy đủ mức điểm tự chấm.")
              for a in answers}
    services.appraise_answers(assessment, actor=staff, values=values)


def _user(username: str, full_name: str, role: str, unit: Unit) -> Any:
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        set_demo_password(user)
        user.save()
    UserProfile.objects.update_or_create(user=user, defaults={"unit": unit, "role": role})
    return user


@transaction.atomic
def load(stdout: Any = None) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__startswith="PY-SONGHINH")}
    district = units["PY-SONGHINH"]
    User = get_user_model()
    staff = User.objects.get(username="songhinh.thidua")
    officers = {"PY-SONGHINH-EALY": User.objects.get(username="ealy.canbo")}
    for code, (username, full_name) in OFFICERS.items():
        officers[code] = _user(username, full_name, Role.OFFICER, units[code])

    fw21 = Framework.objects.filter(year=2021, level=UnitKind.COMMUNE, issuing_unit=district).first()
    if fw21 is None:
        fw21 = services.create_framework(
            actor=staff, year=2021, level=UnitKind.COMMUNE, issuing_unit=district, is_demo=True,
            name="Bộ chỉ số cải cách hành chính cấp xã năm 2021 – huyện Sông Hinh",
            decision="Quyết định số 1622/QĐ-UBND ngày 17/6/2022 của Chủ tịch UBND huyện Sông Hinh (công bố kết quả)",
        )
    if not fw21.items.exists():
        build_items(fw21)

    for code, per_field in RESULTS_2021.items():
        if Assessment.objects.filter(framework=fw21, unit=units[code]).exists():
            continue
        assessment = services.start_assessment(fw21, units[code], actor=staff)
        _self_assess(assessment, officers[code], [s for s, _ in per_field])
        services.submit_assessment(assessment, actor=officers[code])
        _appraise(assessment, staff, [a for _, a in per_field])
        services.finalize_assessment(assessment, actor=staff)
    if fw21.assessments.filter(status=AssessmentStatus.FINALIZED).exists():
        services.publish_results(fw21, actor=staff)

    fw22 = Framework.objects.filter(year=2022, level=UnitKind.COMMUNE, issuing_unit=district).first()
    if fw22 is None:
        fw22 = services.copy_framework(fw21, actor=staff, year=2022)
    ealy = units["PY-SONGHINH-EALY"]
    if not Assessment.objects.filter(framework=fw22, unit=ealy).exists():
        assessment = services.start_assessment(fw22, ealy, actor=officers["PY-SONGHINH-EALY"])
        _self_assess(assessment, officers["PY-SONGHINH-EALY"], SELF_2022_EALY)

    _plan(units, fw21)
    if stdout is not None:
        stdout.write(f"Chỉ số CCHC: {Framework.objects.filter(is_demo=True).count()} bộ chỉ số, "
                     f"{Assessment.objects.filter(framework__is_demo=True).count()} kết quả tự đánh giá, "
                     f"{PlanTask.objects.filter(plan__campaign__code='ea-ly-par-2022').count()} nhiệm vụ kế hoạch Ea Ly.\n")


def _plan(units: dict[str, Unit], fw21: Framework) -> None:
    campaign = Campaign.objects.filter(code="ea-ly-par-2022").first()
    if campaign is None:
        return
    ealy = units["PY-SONGHINH-EALY"]
    plan, _ = ImprovementPlan.objects.update_or_create(
        campaign=campaign,
        defaults={"unit": ealy, "year": 2022, "baseline": Assessment.objects.filter(framework=fw21, unit=ealy).first(),
                  "target_score": Decimal("80"), "target_classification": "Tốt"},
    )
    contents = {c.order: c for c in campaign.contents.all()}
    sections = {u.code: u for u in Unit.objects.filter(code__in=[VP, VHTT, TP, TCKT])}
    kept = []
    for order, (f_no, text, lead, lead_note, supporting, supporting_note, deadline, status) in enumerate(TASKS, start=1):
        task, created = PlanTask.objects.get_or_create(
            plan=plan, order=order,
            defaults={"content": contents[f_no], "text": text, "lead_section": sections.get(lead) if lead else None,
                      "lead_note": lead_note, "supporting_note": supporting_note, "deadline": deadline, "status": status},
        )
        if created:
            task.supporting_sections.set([sections[c] for c in supporting if c in sections])
        kept.append(task.pk)
    plan.tasks.exclude(pk__in=kept).delete()
