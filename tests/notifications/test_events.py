"""Each event of issue 13 tells the right people, and only them: the officers of
the unit concerned (not those of the commune next door), the council of the
round's issuing unit, the assigned judge, the uploader."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from awards import services as awards
from contests import services as contests
from contests.choices import EntryFormat
from notifications.choices import Kind
from notifications.models import Notification
from organization.choices import Role, UnitKind
from organization.models import Unit
from scoring.reminders import send_upload_reminders
from tests.awards.conftest import tn  # noqa: F401  (the Tam Nông round)
from tests.conftest import make_user
from tests.contests.conftest import AUTHOR, article, contest  # noqa: F401
from tests.onestop.conftest import commune, submit  # noqa: F401
from tests.onestop.helpers import D, dossier_file, dossier_row
from tests.scoring.conftest import report


def told(kind: str) -> set[str]:
    """Usernames holding a notification of ``kind``."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_awards_events_reach_the_right_unit_only(tn, django_capture_on_commit_callbacks):  # noqa: F811
    tn.officer_pc.email = "phucuong@tamnong.vn"
    tn.officer_pc.save()
    # Council accounts of another district and of a commune below the issuing unit:
    # the rules give them no power over Tam Nông's round; the province's council has it.
    district = tn.round.campaign.issuing_unit
    other = Unit.objects.create(code="DT-KHAC", name="UBND huyện Khác", kind=UnitKind.DISTRICT, parent=district.parent)
    elsewhere = make_user("hoidong_huyen_khac", other, Role.COUNCIL)
    below = make_user("hoidong_xa", tn.units["DT-TAMNONG-ANLONG"], Role.COUNCIL)
    above = make_user("hoidong_tinh", district.parent, Role.COUNCIL)
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    awards.update_report(n, actor=tn.officer_pc, duties="Công chức Tư pháp – Hộ tịch",
                         achievements=["Tham mưu hoàn thành 100% nội dung Kế hoạch CCHC năm 2023 của xã."], other="",
                         awards_received="", summary="Hoàn thành xuất sắc nhiệm vụ tại Bộ phận Một cửa.")
    awards.submit_nomination(n, actor=tn.officer_pc)

    with django_capture_on_commit_callbacks(execute=True):
        awards.return_nomination(n, actor=tn.staff, reason="Thiếu minh chứng sáng kiến")
    assert told(Kind.NOMINATION_RETURNED) == {"tamnong.xa.phucuong"}  # not An Long's officer, not staff
    note = Notification.objects.get(kind=Kind.NOMINATION_RETURNED)
    assert note.url == f"/khen-thuong/ho-so/{n.pk}/" and "Thiếu minh chứng sáng kiến" in note.body
    assert [m.to for m in mail.outbox] == [["phucuong@tamnong.vn"]]
    assert person.full_name in mail.outbox[0].subject and f"/khen-thuong/ho-so/{n.pk}/" in mail.outbox[0].body

    awards.submit_nomination(n, actor=tn.officer_pc)
    awards.appraise_nomination(n, actor=tn.staff)
    awards.send_to_council(n, actor=tn.staff)
    council = {"tamnong.hoidong", above.username}
    assert told(Kind.VOTE_REQUESTED) == council
    assert not {elsewhere.username, below.username} & told(Kind.VOTE_REQUESTED)
    meeting = tn.meeting()
    assert told(Kind.MEETING_OPENED) == council
    assert Notification.objects.filter(kind=Kind.MEETING_OPENED).first().url == f"/khen-thuong/hop/{meeting.pk}/"

    awards.record_tally(meeting, n, actor=tn.staff, yes=5, no=0)
    awards.approve_nomination(n, actor=tn.leader)
    decision = awards.create_decision(tn.round, actor=tn.staff, proposal_date=datetime.date(2023, 7, 13), proposal_number="5")
    awards.issue_decision(decision, actor=tn.leader, number="12", decision_date=datetime.date(2023, 7, 15))
    assert told(Kind.DECISION_ISSUED) == {"tamnong.xa.phucuong"}
    assert "12/" in Notification.objects.get(kind=Kind.DECISION_ISSUED).title


def test_judge_hears_of_an_assignment_and_no_one_else(contest, tree, officer_a, staff, judge):  # noqa: F811
    entry = contests.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="Một cửa xã A",
                                  fmt=EntryFormat.ARTICLE, upload=article(1100), authors=[AUTHOR])
    entry = contests.submit_entry(entry, actor=officer_a)
    other_judge = make_user("giamkhao_khac", tree["district"], Role.JUDGE)
    contests.assign_judge(entry, actor=staff, judge=judge)
    assert told(Kind.JUDGE_ASSIGNED) == {judge.username}
    assert other_judge.username not in told(Kind.JUDGE_ASSIGNED)
    assert Notification.objects.get().url == f"/cuoc-thi/{contest.code}/bai-du-thi/{entry.pk}/cham/"


@pytest.mark.django_db
def test_refused_upload_tells_its_uploader(officer_a, officer_b, commune, submit):  # noqa: F811
    bad = dossier_file([dossier_row("HS-1", received=D(2023, 3, 2), due="không phải ngày")])
    batch = submit(commune, "dossiers", bad, officer_a, name="thang-3-loi.xlsx")
    assert batch.status == "invalid"
    note = Notification.objects.get(kind=Kind.UPLOAD_REFUSED)
    assert note.recipient == officer_a and "thang-3-loi.xlsx" in note.title
    assert note.url == f"/so-lieu/lan-tai/{batch.pk}/"
    assert not Notification.objects.filter(recipient=officer_b).exists()


def test_upload_deadline_reaches_the_bell_of_the_late_unit_only(tree, officer_a, officer_b, settings):
    settings.UPLOAD_REMINDER_DAY = 5
    officer_a.email = "a@xa.vn"
    officer_a.save()
    report(tree["commune_b"], datetime.date(2023, 1, 1))  # commune B uploaded January; A did not
    send_upload_reminders(today=datetime.date(2023, 2, 5))
    assert told(Kind.UPLOAD_DEADLINE) == {officer_a.username}
    # The reminder letter is the e-mail: one letter, no second e-mail for the bell.
    assert [m.to for m in mail.outbox] == [["a@xa.vn"]]
    send_upload_reminders(today=datetime.date(2023, 2, 6))
    assert Notification.objects.filter(kind=Kind.UPLOAD_DEADLINE).count() == 1  # once a month


@pytest.mark.django_db
def test_failed_parse_tells_its_uploader(officer_a, officer_b, commune, submit, monkeypatch):  # noqa: F811
    # A bug in the reader is the one thing no real file can be relied on to cause:
    # stand one in for the parse so the failure path runs.
    from scoring.onestop import services as onestop

    def broken(batch):
        raise RuntimeError("lỗi lập trình giả định")

    monkeypatch.setattr(onestop, "parse_file", broken)
    batch = submit(commune, "dossiers", dossier_file([dossier_row("HS-1")]), officer_a, name="thang-3.xlsx")
    assert batch.status == "failed"
    note = Notification.objects.get(kind=Kind.UPLOAD_FAILED)
    assert note.recipient == officer_a and "thang-3.xlsx" in note.title and "báo quản trị" in note.body
    assert not Notification.objects.filter(recipient=officer_b).exists()
