"""Who decides what (issue 11, acceptance 2): the Hà Nam 2024 round of the Sở GTVT
with its plan's three forms. The Sở decides only its Giấy khen; the two Bằng khen
(Chủ tịch UBND tỉnh, Thủ tướng) go upward with a Tờ trình and their decisions are
recorded when they come back; a mixed-level decision is refused."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.choices import DecisionStatus, DocumentKind, NominationStatus
from awards.documents import decision_context, document_html, proposal_context
from awards.models import GeneratedDocument, Nomination
from awards.money import amount_breakdown
from campaigns.choices import AwardAuthority
from campaigns.models import Campaign
from core.uploads import UploadRefused
from organization.choices import Role
from organization.models import Person, Unit, UserProfile

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: The smallest well-formed PDF a scanner could send back: the content check reads it as a PDF.
SCAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class HaNam:
    """The seed's Hà Nam plan as the demo loads it, round "Khen thưởng năm 2024"."""

    def __init__(self) -> None:
        from awards.legal_data import apply
        from awards.models import BaseSalary, BonusCoefficient, LegalRegime
        from campaigns.demo import load_base

        load_base()
        apply(LegalRegime, BonusCoefficient, BaseSalary)
        User = get_user_model()
        self.campaign = Campaign.objects.get(code="ha-nam-sgtvt-2023-2025")
        self.round = self.campaign.rounds.get(order=2)
        forms = {f.order: f for f in self.campaign.award_forms.all()}
        self.bk_pm, self.bk_province, self.giay_khen = forms[1], forms[2], forms[3]
        self.sgtvt = Unit.objects.get(code="HNA-SGTVT")
        self.qlvt = Unit.objects.get(code="HNA-SGTVT-QLVT")
        self.staff = User.objects.get(username="hanam.sgtvt.vanphong")
        self.officer = User.objects.get(username="hanam.sgtvt.qlvt")
        self.leader = User.objects.get(username="hanam.sgtvt.giamdoc")  # the Sở's director (Role.LEADER)
        services.grant_deadline_exception(self.round, actor=self.staff, unit=self.qlvt, until=date(2099, 12, 31),
                                          reason="Thử nghiệm: mở lại hạn gửi hồ sơ")
        self.people = list(Person.objects.filter(unit=self.qlvt).order_by("code"))

    def to_council(self, form, person) -> Nomination:
        n = services.create_nomination(self.round, actor=self.officer, award_form=form, person=person)
        count = len(n.report.get("achievements", []))
        services.update_report(n, actor=self.officer, duties="Chuyên viên phụ trách cải cách hành chính.",
                               achievements=["Hoàn thành xuất sắc nhiệm vụ cải cách hành chính năm 2024."] * count,
                               other="", awards_received="", summary="Hoàn thành xuất sắc nhiệm vụ năm 2024.")
        services.submit_nomination(n, actor=self.officer)
        services.appraise_nomination(n, actor=self.staff, note="Hồ sơ đầy đủ")
        services.send_to_council(n, actor=self.staff)
        return n

    def approve_all(self, nominations: list[Nomination]) -> None:
        members = [{"name": f"Thành viên {i + 1}", "position": "Lãnh đạo Sở", "council_role": "Ủy viên",
                    "is_chair": i == 0, "is_secretary": i == 1, "present": True} for i in range(5)]
        meeting = services.create_meeting(self.round, actor=self.staff, held_at=datetime(2025, 1, 14, 8, 0, tzinfo=TZ),
                                          location="Sở Giao thông vận tải Hà Nam", members=members, number="1")
        for n in nominations:
            services.record_tally(meeting, n, actor=self.staff, yes=5, no=0)
        for n in nominations:
            services.approve_nomination(Nomination.objects.get(pk=n.pk), actor=self.leader)


@pytest.fixture
def hn(db) -> HaNam:
    return HaNam()


def test_demo_marks_the_hanam_bang_khen_as_higher_authority(hn):
    assert hn.bk_pm.authority == AwardAuthority.HIGHER and hn.bk_pm.authority_name == "Thủ tướng Chính phủ"
    assert hn.bk_province.authority == AwardAuthority.HIGHER and hn.bk_province.authority_unit.code == "HNA"
    assert hn.giay_khen.authority == AwardAuthority.ISSUER
    # Tam Nông: a commune chairman's Giấy khen is the commune's own, never the district's decision.
    tam_nong = Campaign.objects.get(code="tam-nong-2023").award_forms.get(order=2)
    assert tam_nong.authority == AwardAuthority.PARTICIPANT


def test_hanam_round_sở_decides_giay_khen_bang_khen_go_upward(hn):
    gk, bk_tinh, bk_ttg = (hn.to_council(form, person) for form, person in
                           ((hn.giay_khen, hn.people[1]), (hn.bk_province, hn.people[2]), (hn.bk_pm, hn.people[0])))
    hn.approve_all([gk, bk_tinh, bk_ttg])

    # A mixed-level decision is refused, naming the form and who decides it.
    with pytest.raises(services.AwardsError, match="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh.*Chủ tịch Ủy ban nhân dân tỉnh Hà Nam"):
        services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 15),
                                 award_forms=[hn.giay_khen, hn.bk_province])
    # … and one Tờ trình never asks two authorities at once.
    with pytest.raises(services.AwardsError, match="một cấp có thẩm quyền"):
        services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 15), upward=True,
                                 award_forms=[hn.bk_province, hn.bk_pm])

    # The Sở's own decision: by default only its Giấy khen.
    own = services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 15), proposal_number="03",
                                   proposal_symbol="TTr-VP", proposal_unit=Unit.objects.get(code="HNA-SGTVT-VP"))
    assert list(own.award_forms.all()) == [hn.giay_khen]
    services.issue_decision(own, actor=hn.leader, number="12", decision_date=date(2025, 1, 20))
    gk.refresh_from_db(); bk_tinh.refresh_from_db(); bk_ttg.refresh_from_db()  # noqa: E702
    assert (gk.status, gk.decision_id) == (NominationStatus.DECIDED, own.pk)
    assert bk_tinh.status == bk_ttg.status == NominationStatus.APPROVED  # not the Sở's to decide
    ctx = decision_context(own)
    assert [n.pk for n in ctx["individuals"]] == [gk.pk]
    # A later Tờ trình of the Sở lists only what no decision has covered yet.
    later = services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 21))
    assert proposal_context(later)["individuals"] == []
    assert ctx["authority"] == "GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI HÀ NAM"

    # Upward: one Tờ trình per higher authority, addressed to it, listing only its form.
    up_tinh = services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 16), proposal_number="04",
                                       proposal_symbol="TTr-SGTVT", upward=True, award_forms=[hn.bk_province],
                                       proposal_unit=hn.sgtvt)
    assert up_tinh.addressee == "Chủ tịch Ủy ban nhân dân tỉnh Hà Nam"
    ptx = proposal_context(up_tinh)
    assert [n.pk for n in ptx["individuals"]] == [bk_tinh.pk]
    assert ptx["doc"]["parent_agency"] == "ỦY BAN NHÂN DÂN TỈNH HÀ NAM" and ptx["doc"]["code"] == "04/TTr-SGTVT"
    # The Sở never issues the higher level's Quyết định or Bằng khen itself.
    with pytest.raises(services.AwardsError, match="ghi nhận quyết định của cấp trên"):
        services.issue_decision(up_tinh, actor=hn.leader, number="99", decision_date=date(2025, 2, 1))
    with pytest.raises(services.AwardsError, match="do Chủ tịch Ủy ban nhân dân tỉnh Hà Nam ban hành"):
        services.request_documents(actor=hn.staff, decision=up_tinh, kinds=[DocumentKind.DECISION])
    docs = services.request_documents(actor=hn.staff, decision=up_tinh, kinds=[DocumentKind.PROPOSAL, DocumentKind.REPORT])
    assert {(d.kind, d.nomination_id) for d in docs} == {(DocumentKind.PROPOSAL, None), (DocumentKind.REPORT, bk_tinh.pk)}
    html = document_html(GeneratedDocument.objects.get(kind=DocumentKind.PROPOSAL, decision=up_tinh))[0]
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hà Nam" in html and "Hồ sơ kèm theo" in html

    # The returned decision: a scan that is not what it says is refused; a real one is stored privately.
    with pytest.raises(UploadRefused, match="quyet-dinh.pdf"):
        services.record_external_decision(up_tinh, actor=hn.staff, number="245", symbol="QĐ-UBND",
                                          decision_date=date(2025, 2, 10), signer_title="CHỦ TỊCH",
                                          signer_name="Trương Quốc Huy",
                                          scan=SimpleUploadedFile("quyet-dinh.pdf", b"<html>not a pdf</html>"))
    services.record_external_decision(up_tinh, actor=hn.staff, number="245", symbol="QĐ-UBND",
                                      decision_date=date(2025, 2, 10), signer_title="CHỦ TỊCH",
                                      signer_name="Trương Quốc Huy",
                                      scan=SimpleUploadedFile("quyet-dinh-245.pdf", SCAN_PDF))
    up_tinh.refresh_from_db(); bk_tinh.refresh_from_db(); bk_ttg.refresh_from_db()  # noqa: E702
    assert (up_tinh.status, up_tinh.document_code, up_tinh.scan_filename) == (DecisionStatus.ISSUED, "245/QĐ-UBND", "quyet-dinh-245.pdf")
    assert not up_tinh.scan.name.endswith("quyet-dinh-245.pdf")  # stored under a random name
    assert (bk_tinh.status, bk_tinh.decision_id) == (NominationStatus.DECIDED, up_tinh.pk)
    # The amount follows the dated configuration on the higher level's decision date.
    expected = amount_breakdown(hn.bk_province, date(2025, 2, 10), bk_tinh.subject)
    assert expected.amount and bk_tinh.amount == expected.amount and bk_tinh.base_salary == expected.base_salary
    assert bk_ttg.status == NominationStatus.APPROVED  # its own proposal, its own decision, still awaited
    with pytest.raises(services.AwardsError, match="Đã ghi nhận"):
        services.record_external_decision(up_tinh, actor=hn.staff, number="246", symbol="QĐ-UBND",
                                          decision_date=date(2025, 2, 11), signer_title="", signer_name="X",
                                          scan=SimpleUploadedFile("b.pdf", SCAN_PDF))


def test_upward_proposal_refused_outside_scope_and_for_own_forms(hn):
    User = get_user_model()
    other = User.objects.create_user("tamnong.khac")
    UserProfile.objects.create(user=other, unit=Unit.objects.get(code="DT-TAMNONG"), role=Role.STAFF)
    with pytest.raises(services.AwardsNotAllowed, match="Chỉ cán bộ thi đua"):
        services.create_decision(hn.round, actor=other, proposal_date=date(2025, 1, 16), upward=True,
                                 award_forms=[hn.bk_province])
    with pytest.raises(services.AwardsError, match="theo thẩm quyền, không trình cấp trên"):
        services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 16), upward=True,
                                 award_forms=[hn.giay_khen])
    with pytest.raises(services.AwardsError, match="Chọn hình thức khen thưởng của cấp trên"):
        services.create_decision(hn.round, actor=hn.staff, proposal_date=date(2025, 1, 16), upward=True, award_forms=[])
