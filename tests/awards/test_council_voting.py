"""Council members vote in the portal (issue 11): one secret ballot each, đồng ý /
không đồng ý per nomination, absent members' written opinions, tallies generated
from the ballots, paper tallies still possible where nobody voted online."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from awards import services
from awards.choices import TallySource
from awards.models import Ballot, BallotReceipt, VoteTally
from organization.choices import Role
from organization.models import Unit
from tests.awards.conftest import TZ
from tests.conftest import make_user


@pytest.fixture
def voting(tn):
    """Two nominations before a five-member council (the fifth absent), each member
    with a portal account; the form needs 80% of all members (as CSTĐCS does)."""
    tn.giay_khen.vote_threshold_percent = Decimal("80")
    tn.giay_khen.save()
    people = tn.people("DT-TAMNONG-PHUCUONG", 2)
    noms = [tn.to_council(tn.nominate(tn.officer_pc, person=p)) for p in people]
    users = [make_user(f"tamnong.hd{i}", tn.units["DT-TAMNONG"], Role.COUNCIL) for i in range(5)]
    meeting = services.create_meeting(
        tn.round, actor=tn.staff, held_at=datetime(2023, 7, 12, 8, 0, tzinfo=TZ), location="Hội trường", number="3",
        members=[{"name": f"Thành viên {i + 1}", "council_role": "Ủy viên", "user": u, "is_chair": i == 0,
                  "is_secretary": i == 1, "present": i < 4} for i, u in enumerate(users)])
    return tn, noms, users, meeting


def test_members_vote_once_and_tallies_come_from_the_ballots(voting):
    tn, (a, b), users, meeting = voting
    services.cast_ballot(meeting, actor=users[0], votes={a.pk: True, b.pk: True})
    services.cast_ballot(meeting, actor=users[1], votes={a.pk: True, b.pk: False})
    with pytest.raises(services.AwardsError, match="mỗi thành viên chỉ bỏ một phiếu"):
        services.cast_ballot(meeting, actor=users[1], votes={a.pk: False, b.pk: False})
    with pytest.raises(services.AwardsError, match="chưa ghi ý kiến đồng ý / không đồng ý cho: " + b.nominee_name):
        services.cast_ballot(meeting, actor=users[2], votes={a.pk: True})
    services.cast_ballot(meeting, actor=users[2], votes={a.pk: True, b.pk: False})
    # The absent member cannot vote in the meeting; the secretary enters their written opinion.
    with pytest.raises(services.AwardsError, match="Thành viên vắng mặt gửi ý kiến bằng văn bản"):
        services.cast_ballot(meeting, actor=users[4], votes={a.pk: True, b.pk: True})
    absent = meeting.members.get(user=users[4])
    with pytest.raises(services.AwardsNotAllowed, match="Chỉ thư ký"):
        services.record_written_opinion(meeting, absent, actor=tn.officer_pc, votes={a.pk: True, b.pk: True})
    services.record_written_opinion(meeting, absent, actor=tn.staff, votes={a.pk: True, b.pk: True},
                                    note="Đồng ý cả hai (văn bản ngày 11/7/2023)")
    ta, tb = VoteTally.objects.get(nomination=a), VoteTally.objects.get(nomination=b)
    assert (ta.yes, ta.no, ta.absent_yes, ta.absent_no, ta.source) == (3, 0, 1, 0, TallySource.BALLOTS)
    assert (tb.yes, tb.no, tb.absent_yes, tb.absent_no) == (1, 2, 1, 0)
    assert "Thành viên 5: Đồng ý cả hai" in ta.absent_opinions
    # 80% of 5 members = 4 votes: 3 present + 1 written passes, 1 + 1 does not.
    assert ta.required() == (4, "từ 80% tổng số thành viên Hội đồng trở lên (4/5)")
    assert ta.passed and not tb.passed
    # Secret ballot: ballots name nobody; the audit says who voted, not how.
    assert BallotReceipt.objects.filter(meeting=meeting).count() == 4
    assert Ballot.objects.filter(meeting=meeting).count() == 8
    event = AuditEvent.objects.filter(action="awards.meeting.ballot").latest("id")
    assert set(event.data) == {"member", "nominations"}
    # A paper tally may not overwrite the ballots.
    with pytest.raises(services.AwardsError, match="kết quả được tổng hợp từ phiếu bầu"):
        services.record_tally(meeting, a, actor=tn.staff, yes=4, no=0)
    # The present member who did not vote is "không biểu quyết" once the meeting closes.
    services.close_meeting(meeting, actor=tn.staff)
    assert VoteTally.objects.get(nomination=a).abstain == 1
    with pytest.raises(services.AwardsError, match="Cuộc họp đã kết thúc"):
        services.cast_ballot(meeting, actor=users[3], votes={a.pk: True, b.pk: True})
    services.approve_nomination(a, actor=tn.leader)
    with pytest.raises(services.AwardsError, match="Không đạt tỷ lệ phiếu đồng ý: 2 phiếu, cần từ 80%"):
        services.approve_nomination(b, actor=tn.leader)


def test_only_members_of_the_meeting_vote(voting, client):
    tn, (a, b), users, meeting = voting
    outsider_same_district = make_user("tamnong.hd.khac", tn.units["DT-TAMNONG"], Role.COUNCIL)
    other_district = make_user("dakrong.hoidong2", Unit.objects.get(code="QT-DAKRONG"), Role.COUNCIL)
    for wrong in (outsider_same_district, other_district, tn.officer_pc, tn.staff):
        with pytest.raises(services.AwardsNotAllowed, match="Chỉ thành viên Hội đồng của cuộc họp này"):
            services.cast_ballot(meeting, actor=wrong, votes={a.pk: True, b.pk: True})
        client.force_login(wrong)
        assert client.get(f"/khen-thuong/hop/{meeting.pk}/bo-phieu/").status_code == 404
    assert not Ballot.objects.exists()
    # A member sees the ballot with the threshold of the award form, and votes through the page.
    client.force_login(users[3])
    page = client.get(f"/khen-thuong/hop/{meeting.pk}/bo-phieu/").content.decode()
    assert "từ 80% tổng số thành viên Hội đồng trở lên (4/5)" in page and a.nominee_name in page
    client.post(f"/khen-thuong/hop/{meeting.pk}/bo-phieu/", {f"vote_{a.pk}": "1", f"vote_{b.pk}": "0"})
    assert "Đã bỏ phiếu" in client.get(f"/khen-thuong/hop/{meeting.pk}/bo-phieu/").content.decode()
    assert (VoteTally.objects.get(nomination=a).yes, VoteTally.objects.get(nomination=b).no) == (1, 1)


def test_secretary_paper_tally_still_works_and_then_blocks_online_votes(voting):
    tn, (a, b), users, meeting = voting
    services.record_tally(meeting, a, actor=tn.staff, yes=4, no=0, absent_yes=1)
    assert VoteTally.objects.get(nomination=a).source == TallySource.PAPER
    with pytest.raises(services.AwardsError, match="kết quả kiểm phiếu giấy"):
        services.cast_ballot(meeting, actor=users[0], votes={a.pk: True, b.pk: True})
    assert not BallotReceipt.objects.exists()
