"""Demo data of the awards app: the dated legal configuration and a few
nominations of the Tam Nông 6-month round in various states, made through the
real services (so that they carry audit trails and rendered documents).

Idempotent: the legal rows are upserted; nominations are created only when the
round has none.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from . import services
from .choices import DocumentKind
from .legal_data import apply
from .models import BaseSalary, BonusCoefficient, LegalRegime, Nomination

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _write(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _good_people(unit_code: str, n: int):
    from organization.models import Person

    people = (
        Person.objects.filter(unit__code=unit_code, is_head=False, ratings__year=2023,
                              ratings__rating__in=["excellent", "good"], ratings__disciplined=False)
        .order_by("code").distinct()
    )
    return list(people[:n])


def load(stdout: Any = None) -> None:
    apply(LegalRegime, BonusCoefficient, BaseSalary)
    from campaigns.models import Campaign
    from organization.models import Unit

    campaign = Campaign.objects.filter(code="tam-nong-2023").first()
    if campaign is None:
        _write(stdout, "  awards: chưa có phong trào tam-nong-2023, bỏ qua hồ sơ mẫu.")
        return
    round_ = campaign.rounds.get(order=1)
    if Nomination.objects.filter(round=round_).exists():
        _write(stdout, "  awards: hồ sơ mẫu đã có, giữ nguyên.")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__startswith="tamnong.")}
    staff, leader, council = users["tamnong.thidua"], users["tamnong.chutich"], users["tamnong.hoidong"]
    pc, al = users["tamnong.xa.phucuong"], users["tamnong.xa.anlong"]
    units = {u.code: u for u in Unit.objects.filter(code__in=["DT-TAMNONG-PHUCUONG", "DT-TAMNONG-ANLONG"])}
    form = campaign.award_forms.get(order=1)
    # The seed round closed on 10/07/2023: staff reopen it for the two demo communes (recorded).
    for code in units:
        services.grant_deadline_exception(round_, actor=staff, unit=units[code], until=date(2099, 12, 31),
                                          reason="Dữ liệu mẫu: cho phép gửi hồ sơ sau thời hạn")
    pc_people = _good_people("DT-TAMNONG-PHUCUONG", 2)
    al_people = _good_people("DT-TAMNONG-ANLONG", 2)

    def step(label: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except services.AwardsError as exc:  # e.g. scoring demo data fails a must-meet criterion
            _write(stdout, f"  awards: {label}: {exc}")
            return None

    def nominate(officer, **nominee):
        # A report with the officer's own words: an empty one cannot be sent.
        n = services.create_nomination(round_, actor=officer, award_form=form, **nominee)
        return services.update_report(
            n, actor=officer, duties="Thực hiện nhiệm vụ tiếp nhận, giải quyết TTHC tại Bộ phận Một cửa.",
            achievements=["Hoàn thành đầy đủ các nội dung theo Kế hoạch CCHC năm 2023."],
            other="", awards_received="", summary="Hoàn thành tốt các chỉ tiêu CCHC 6 tháng đầu năm 2023.")

    decided = [nominate(pc, unit=units["DT-TAMNONG-PHUCUONG"])]
    if pc_people:
        decided.append(nominate(pc, person=pc_people[0]))
    meeting = services.create_meeting(
        round_, actor=staff, held_at=datetime(2023, 7, 12, 8, 0, tzinfo=TZ), location="Hội trường UBND huyện Tam Nông", number="3",
        members=[
            {"name": "Trần Thanh Nam", "position": "Chủ tịch UBND huyện", "council_role": "Chủ tịch Hội đồng", "is_chair": True, "user": leader},
            {"name": "Nguyễn Minh Hiếu", "position": "Trưởng phòng Nội vụ", "council_role": "Phó Chủ tịch Hội đồng", "user": council},
            {"name": "Phạm Văn Bình", "position": "Chánh Văn phòng HĐND và UBND huyện", "council_role": "Ủy viên"},
            {"name": "Đặng Thị Thu", "position": "Trưởng phòng Văn hóa và Thông tin", "council_role": "Ủy viên", "present": False},
            {"name": "Lê Thị Tuyền", "position": "Chuyên viên Phòng Nội vụ", "council_role": "Thư ký", "is_secretary": True, "user": staff},
        ],
    )
    passed = []
    for n in decided:
        if step(n.nominee_name, services.submit_nomination, n, actor=pc) is None:
            continue
        services.appraise_nomination(n, actor=staff, note="Hồ sơ đầy đủ, đúng quy định.")
        services.send_to_council(n, actor=staff)
        services.record_tally(meeting, n, actor=staff, yes=4, no=0, absent_yes=1,
                              absent_opinions="Bà Đặng Thị Thu gửi ý kiến đồng ý bằng văn bản.")
        passed.append(n)
    services.close_meeting(meeting, actor=staff, ended_at=datetime(2023, 7, 12, 10, 30, tzinfo=TZ))
    # Phòng Nội vụ, the standing body of the district's emulation council, submits
    # the Tờ trình to the Chủ tịch, who decides the Giấy khen.
    decision = services.create_decision(round_, actor=staff, proposal_date=date(2023, 7, 13), proposal_number="5",
                                        meeting=meeting, proposal_unit=Unit.objects.get(code="DT-TAMNONG-PNV"),
                                        proposal_symbol="TTr-PNV", proposal_signer_title="TRƯỞNG PHÒNG",
                                        proposal_signer_name="Nguyễn Minh Hiếu")
    approved = [n for n in passed if step(n.nominee_name, services.approve_nomination, n, actor=leader) is not None]
    if approved:
        services.issue_decision(decision, actor=leader, number="12", decision_date=date(2023, 7, 15))
        services.request_documents(actor=staff, decision=decision, kinds=list(DocumentKind.values))

    # Other states, so that every page has something to show.
    if al_people:
        n = nominate(al, person=al_people[0])
        if step(n.nominee_name, services.submit_nomination, n, actor=al):
            services.appraise_nomination(n, actor=staff)
            services.send_to_council(n, actor=staff)  # waiting for the next council meeting
    if len(pc_people) > 1:
        n = nominate(pc, person=pc_people[1])
        if step(n.nominee_name, services.submit_nomination, n, actor=pc):
            services.return_nomination(n, actor=staff, reason="Bổ sung minh chứng sáng kiến được cơ sở công nhận.")
    if len(al_people) > 1:
        n = nominate(al, person=al_people[1])
        step(n.nominee_name, services.submit_nomination, n, actor=al)  # waiting for appraisal
    # A second commune proposed for the one commune place (01 xã): accepted, the page
    # shows "2 đề nghị / 1 chỉ tiêu" and the council chooses.
    nominate(al, unit=units["DT-TAMNONG-ANLONG"])
    _write(stdout, f"  awards: {Nomination.objects.filter(round=round_).count()} hồ sơ đề nghị mẫu (đợt {round_.name}).")
