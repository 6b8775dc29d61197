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
    _tam_nong(stdout)
    _ha_nam(stdout)


def _ha_nam(stdout: Any = None) -> None:
    """The Hà Nam 2024 round (seed 001): the Sở decides its own Giấy khen; the Bằng khen
    of the Chủ tịch UBND tỉnh goes upward with a Tờ trình of the Sở and waits for the
    province's decision (recorded on the decision page when it comes back)."""
    from campaigns.models import Campaign
    from organization.models import Person, Unit

    campaign = Campaign.objects.filter(code="ha-nam-sgtvt-2023-2025").first()
    if campaign is None:
        return
    round_ = campaign.rounds.get(order=2)
    if Nomination.objects.filter(round=round_).exists():
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__startswith="hanam.")}
    staff, officer, leader = users["hanam.sgtvt.vanphong"], users["hanam.sgtvt.qlvt"], users["hanam.sgtvt.giamdoc"]
    sgtvt, qlvt = Unit.objects.get(code="HNA-SGTVT"), Unit.objects.get(code="HNA-SGTVT-QLVT")
    forms = {f.order: f for f in campaign.award_forms.all()}
    people = list(Person.objects.filter(unit=qlvt, is_head=False).order_by("code")[:2])
    if len(people) < 2:
        return
    services.grant_deadline_exception(round_, actor=staff, unit=qlvt, until=date(2099, 12, 31),
                                      reason="Dữ liệu mẫu: cho phép gửi hồ sơ sau thời hạn")
    chosen = []
    for form, person in ((forms[3], people[0]), (forms[2], people[1])):
        n = services.create_nomination(round_, actor=officer, award_form=form, person=person)
        n = services.update_report(n, actor=officer, duties="Chuyên viên phụ trách cải cách hành chính của Phòng.",
                                   achievements=["Hoàn thành xuất sắc nhiệm vụ cải cách hành chính năm 2024."]
                                   * len(n.report.get("achievements", [])), other="", awards_received="",
                                   summary="Hoàn thành xuất sắc nhiệm vụ năm 2024.")
        try:
            services.submit_nomination(n, actor=officer)
        except services.AwardsError as exc:
            _write(stdout, f"  awards: Hà Nam – {n.nominee_name}: {exc}")
            continue
        services.appraise_nomination(n, actor=staff, note="Hồ sơ đầy đủ.")
        services.send_to_council(n, actor=staff)
        chosen.append(n)
    if not chosen:
        return
    meeting = services.create_meeting(
        round_, actor=staff, held_at=datetime(2025, 1, 14, 8, 0, tzinfo=TZ), location="Sở Giao thông vận tải Hà Nam",
        number="1", members=[{"name": name, "position": position, "council_role": role, "is_chair": i == 0,
                              "is_secretary": i == 4, "user": user}
                             for i, (name, position, role, user) in enumerate([
                                 ("Lương Văn Sơn", "Giám đốc Sở", "Chủ tịch Hội đồng", leader),
                                 ("Trần Văn Hòa", "Phó Giám đốc Sở", "Phó Chủ tịch Hội đồng", None),
                                 ("Nguyễn Thị Lan", "Chánh Văn phòng Sở", "Ủy viên", None),
                                 ("Phạm Văn Long", "Trưởng phòng Quản lý vận tải", "Ủy viên", None),
                                 ("Đỗ Thị Hạnh", "Chuyên viên Văn phòng Sở", "Thư ký", staff)])])
    for n in chosen:
        services.record_tally(meeting, n, actor=staff, yes=5, no=0)
    services.close_meeting(meeting, actor=staff, ended_at=datetime(2025, 1, 14, 10, 0, tzinfo=TZ))
    for n in chosen:
        services.approve_nomination(n, actor=leader)
    # The Sở's own decision covers only its Giấy khen (Văn phòng Sở presents it) …
    if any(n.award_form_id == forms[3].pk for n in chosen):
        own = services.create_decision(round_, actor=staff, proposal_date=date(2025, 1, 15), proposal_number="3",
                                       proposal_symbol="TTr-VP", proposal_unit=Unit.objects.get(code="HNA-SGTVT-VP"),
                                       award_forms=[forms[3]], signer_title="GIÁM ĐỐC", signer_name="Lương Văn Sơn")
        services.issue_decision(own, actor=leader, number="12", decision_date=date(2025, 1, 20))
        services.request_documents(actor=staff, decision=own, kinds=list(DocumentKind.values))
    # … the Bằng khen of the Chủ tịch UBND tỉnh is proposed upward; its decision is awaited.
    if any(n.award_form_id == forms[2].pk for n in chosen):
        up = services.create_decision(round_, actor=staff, proposal_date=date(2025, 1, 16), proposal_number="4",
                                      proposal_symbol="TTr-SGTVT", proposal_unit=sgtvt, upward=True,
                                      award_forms=[forms[2]], proposal_signer_title="GIÁM ĐỐC",
                                      proposal_signer_name="Lương Văn Sơn")
        services.request_documents(actor=staff, decision=up, kinds=[DocumentKind.PROPOSAL, DocumentKind.MINUTES,
                                                                     DocumentKind.REPORT, DocumentKind.SUMMARY])
    _write(stdout, f"  awards: Hà Nam {round_.name}: Giấy khen của Sở đã quyết định; Bằng khen của Chủ tịch UBND tỉnh "
                   "đã trình cấp trên, chờ quyết định.")


def _tam_nong(stdout: Any = None) -> None:
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
