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


# --- the trial's findings 2, 3, 6, 7: the meeting form, the member's way to the ballot,
# the meeting page and closing it ----------------------------------------------------


def _form_post(tn, **extra) -> dict:
    """The "Lập cuộc họp" form as the page prefills it: every account of the Tam Nông
    council ticked (leader chairs, staff is secretary), one member without an account."""
    from awards.forms import MeetingForm

    form = MeetingForm(candidates=services.council_candidates(tn.round))
    data = {"held_at": "2023-07-20T08:00", "location": "Hội trường", "number": "4",
            "members": "Phạm Văn Bình; Chánh Văn phòng; Ủy viên"}
    for name, field in form.fields.items():
        if name.startswith("acct_") or name in ("chair", "secretary"):
            initial = form.get_initial_for_field(field, name)
            if initial not in (None, False, ""):
                data[name] = "on" if initial is True else initial
    return {**data, **extra}


def test_meeting_form_seats_the_council_accounts_who_then_vote(tn, client):
    elsewhere = make_user("dakrong.hoidong3", Unit.objects.get(code="QT-DAKRONG"), Role.COUNCIL, "Hồ Văn Khác")
    n = tn.to_council(tn.nominate(tn.officer_pc, person=tn.people("DT-TAMNONG-PHUCUONG", 1)[0]))
    # Only the accounts over the issuing unit are offered: another district's council is not.
    candidates = services.council_candidates(tn.round)
    assert [u.username for u in candidates] == ["tamnong.chutich", "tamnong.hoidong", "tamnong.thidua"]
    client.force_login(tn.staff)
    page = client.get(f"/khen-thuong/dot/{tn.round.pk}/").content.decode()
    assert 'id="meeting-accounts"' in page and "Hồ Văn Khác" not in page
    client.post(f"/khen-thuong/dot/{tn.round.pk}/hop/", _form_post(tn))
    meeting = tn.round.council_meetings.get(number="4")
    seated = {m.name: (m.user, m.council_role, m.is_chair, m.is_secretary) for m in meeting.members.all()}
    assert seated == {
        "Trần Thanh Nam": (tn.leader, "Chủ tịch Hội đồng", True, False),
        "Nguyễn Minh Hiếu": (tn.council, "Ủy viên", False, False),
        "Lê Thị Tuyền": (tn.staff, "Thư ký", False, True),
        "Phạm Văn Bình": (None, "Ủy viên", False, False),
    }
    # The member linked to an account votes from the meeting page and from the dossier;
    # they see no clerk control; their to-do leads to the ballot.
    client.force_login(tn.council)
    page = client.get(f"/khen-thuong/hop/{meeting.pk}/").content.decode()
    assert f"/khen-thuong/hop/{meeting.pk}/bo-phieu/" in page
    assert "Kết thúc cuộc họp" not in page and "Lưu điểm danh" not in page and 'class="tally"' not in page
    assert "(Thư ký)" in page and "Thư ký, thư ký" not in page
    assert 'id="ballot-link"' in client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()
    assert f"/khen-thuong/hop/{meeting.pk}/bo-phieu/" in client.get("/").content.decode()
    with pytest.raises(services.AwardsNotAllowed, match="thành viên Hội đồng bỏ phiếu trên hệ thống"):
        services.close_meeting(meeting, actor=tn.council)
    client.post(f"/khen-thuong/hop/{meeting.pk}/bo-phieu/", {f"vote_{n.pk}": "1"})
    assert VoteTally.objects.get(meeting=meeting, nomination=n).yes == 1
    # Voted: the to-do no longer says a vote waits (second trial), nor leads to the ballot.
    home = client.get("/").content.decode()
    assert "Hồ sơ trình Hội đồng chờ bỏ phiếu" not in home and f"/khen-thuong/hop/{meeting.pk}/bo-phieu/" not in home
    assert "không có phiếu nào chờ bạn bỏ" in home
    # The secretary (staff) keeps the clerk's controls.
    client.force_login(tn.staff)
    assert "Kết thúc cuộc họp" in client.get(f"/khen-thuong/hop/{meeting.pk}/").content.decode()
    # Wrong unit: an account of another district cannot be seated, even by a hand-made post.
    with pytest.raises(services.AwardsError, match="không thuộc Hội đồng của"):
        services.create_meeting(tn.round, actor=tn.staff, held_at=datetime(2023, 7, 21, 8, 0, tzinfo=TZ), location="X",
                                members=[{"name": "Hồ Văn Khác", "user": elsewhere, "is_chair": True}])


def test_meeting_page_agenda_counts_and_closing(tn, client):
    earlier, waiting = (tn.to_council(tn.nominate(tn.officer_pc, person=p)) for p in tn.people("DT-TAMNONG-PHUCUONG", 2))
    first = tn.meeting(members=5, present=4)
    services.record_tally(first, earlier, actor=tn.staff, yes=4, no=0, absent_yes=1)
    services.close_meeting(first, actor=tn.staff, ended_at=datetime(2023, 7, 12, 10, 0, tzinfo=TZ))
    services.approve_nomination(earlier, actor=tn.leader)
    client.force_login(tn.staff)
    page = client.get(f"/khen-thuong/hop/{first.pk}/").content.decode()
    assert "Đã kết thúc" in page and "Kết thúc cuộc họp" not in page
    # The paper tally and the counter agree: no "0/4 đã bỏ phiếu" beside "4 đồng ý".
    assert "kiểm phiếu giấy: thư ký nhập kết quả cho 1 hồ sơ" in page and "phiếu giấy:</small> 4 đồng ý" in page
    assert waiting.nominee_name not in page  # not on the closed meeting's agenda
    # A new meeting lists what waits for the council, not the dossier already approved.
    second = services.create_meeting(
        tn.round, actor=tn.staff, held_at=datetime(2099, 1, 2, 8, 0, tzinfo=TZ), location="Hội trường",
        members=[{"name": f"Thành viên {i}", "is_chair": i == 0} for i in range(3)])
    page = client.get(f"/khen-thuong/hop/{second.pk}/").content.decode()
    assert waiting.nominee_name in page and earlier.nominee_name not in page
    # Closing: "now" is before a meeting that has not begun; an end before the start is refused.
    with pytest.raises(services.AwardsError, match="chưa đến giờ họp: nhập thời gian kết thúc"):
        services.close_meeting(second, actor=tn.staff)
    with pytest.raises(services.AwardsError, match="Thời gian kết thúc phải sau thời gian bắt đầu cuộc họp"):
        services.close_meeting(second, actor=tn.staff, ended_at=datetime(2099, 1, 2, 7, 0, tzinfo=TZ))
    second.refresh_from_db()
    assert second.is_open and second.ended_at is None


def test_leader_sees_why_approval_waits(tn, client):
    n = tn.to_council(tn.nominate(tn.officer_pc, person=tn.people("DT-TAMNONG-PHUCUONG", 1)[0]))
    client.force_login(tn.leader)
    page = client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()
    assert 'value="approve"' not in page and "Chưa duyệt khen thưởng được: Chưa có kết quả bỏ phiếu" in page
    meeting = tn.meeting(members=5, present=5)
    services.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    assert 'value="approve"' in client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()


@pytest.mark.parametrize(("title", "printed"), [
    ("Phát động phong trào thi đua “Đẩy mạnh CCHC”", "phong trào thi đua “Đẩy mạnh CCHC”"),
    ("Tổ chức thực hiện phong trào thi đua “X”", "phong trào thi đua “X”"),
    ("Thi đua CCHC năm 2023", "phong trào thi đua CCHC năm 2023"),
    ("“Dân vận khéo”", "phong trào thi đua “Dân vận khéo”"),
])
def test_minutes_name_the_movement_once(title, printed):
    from awards.templatetags.awards_print import movement_name

    assert movement_name(title) == printed


def test_council_member_without_a_meeting_is_told_what_waits(tn, client):
    n = tn.to_council(tn.nominate(tn.officer_pc, person=tn.people("DT-TAMNONG-PHUCUONG", 1)[0]))
    client.force_login(tn.council)
    page = client.get(f"/khen-thuong/ho-so/{n.pk}/").content.decode()
    assert 'id="ballot-waiting"' in page and 'id="ballot-link"' not in page
