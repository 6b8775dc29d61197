"""Services: recompute requests (Celery, on commit, idempotent), indicators as data,
index-result import, upload reminders, the ``indicators`` command."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from audit.models import AuditEvent
from core.periods import Period
from scoring.choices import RunStatus
from scoring.engine import values_for
from scoring.models import (
    IndexResult,
    IndicatorDefinition,
    RecomputeRun,
    UnitMonthData,
    UploadReminder,
)
from scoring.reminders import send_upload_reminders
from scoring.services import ScoringError, import_index_results, request_recompute

from .conftest import make_dossiers, report, xlsx

JAN = datetime.date(2023, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_request_recompute_runs_after_commit_and_is_idempotent(tree, indicators, officer_a):
    a = tree["commune_a"]
    make_dossiers(a, JAN, online=2, direct=2)
    run = request_recompute(unit_ids=[a.pk], months=[datetime.date(2023, 1, 15)], actor=officer_a, reason="tải lên")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.months == ["2023-01-01"] and run.started_at and run.finished_at
    assert run.rows_written == 2  # one unit-month row + one procedure-month row
    first = list(UnitMonthData.objects.values_list("unit_id", "month", "received_online", "received_in_period"))
    assert first == [(a.pk, JAN, 2, 4)]
    from scoring.tasks import recompute_run

    recompute_run.delay(run.pk)  # a redelivery of a done run does nothing: same results, no second start
    assert list(UnitMonthData.objects.values_list("unit_id", "month", "received_online", "received_in_period")) == first
    run.refresh_from_db()
    assert run.attempts == 1 and run.status == RunStatus.DONE
    assert request_recompute(unit_ids=[], months=[JAN]) is None


@pytest.mark.django_db
def test_facts_committed_asks_for_one_run_per_month_set(tree, officer_a, django_capture_on_commit_callbacks):
    from types import SimpleNamespace

    from scoring.onestop.signals import facts_committed

    a, b, office = tree["commune_a"], tree["commune_b"], tree["office"]
    feb = datetime.date(2023, 2, 1)
    with django_capture_on_commit_callbacks() as callbacks:  # enqueued on commit: not run here
        facts_committed.send(sender=None, unit_months={a.pk: {JAN}, b.pk: {JAN}, office.pk: {JAN, feb}},
                             actor=officer_a, reason="import:7", batch=SimpleNamespace(pk=7))
    runs = {tuple(r.unit_ids): r for r in RecomputeRun.objects.all()}
    assert set(runs) == {(a.pk, b.pk), (office.pk,)} and len(callbacks) == 2
    assert runs[(office.pk,)].months == ["2023-01-01", "2023-02-01"]
    assert {r.reason for r in runs.values()} == {"import:7"} and runs[(a.pk, b.pk)].requested_by == officer_a


@pytest.mark.django_db
def test_recompute_of_one_unit_leaves_others_untouched(tree, indicators):
    from scoring.runs import recompute_now

    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, JAN, online=1)
    make_dossiers(b, JAN, online=1)
    recompute_now()
    make_dossiers(b, JAN, online=5)
    recompute_now(unit_ids=[a.pk], months=[JAN])
    assert UnitMonthData.objects.get(unit=b).received_online == 1  # b not recomputed yet
    recompute_now(unit_ids=[b.pk], months=[JAN])
    assert UnitMonthData.objects.get(unit=b).received_online == 6


@pytest.mark.django_db
def test_staff_adds_an_indicator_without_code(tree, indicators):
    a = tree["commune_a"]
    make_dossiers(a, JAN, online=3, postal=1)
    from scoring.runs import recompute_now

    recompute_now()
    defn = IndicatorDefinition(code="postal_share_of_offline", name="Tỷ lệ BCCI trong hồ sơ không trực tuyến",
                               numerator="received_postal", denominator="received_in_period - received_online")
    defn.full_clean()
    defn.save()
    assert values_for([a.pk], Period.month(2023, 1))[a.pk]["postal_share_of_offline"].value == Decimal("100.0000")
    bad = IndicatorDefinition(code="bad", name="Sai", numerator="received_online + __import__('os')")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"Chỉ được dùng các hàm min\(…\), max\(…\)"):
        bad.full_clean()


@pytest.mark.django_db
def test_index_import_all_or_nothing_with_row_and_column(tree, staff, officer_a):
    good = xlsx([["Kết quả PAR INDEX"], ["Mã đơn vị", "Năm", "Chỉ số", "Điểm", "Xếp hạng", "Nguồn"],
                  ["XA-A", 2023, "PAR INDEX", 85.5, 2, "QĐ 1/QĐ-UBND"], ["XA-B", 2023, "DDCI", "70,25", "", ""]])
    assert import_index_results(good, actor=staff) == 2
    assert IndexResult.objects.get(unit=tree["commune_b"], index_code="ddci").score == Decimal("70.25")
    assert AuditEvent.objects.filter(action="scoring.index_result.set").count() == 2
    bad = xlsx([["Mã đơn vị", "Năm", "Chỉ số", "Điểm"], ["XA-A", 2024, "PAR INDEX", 88], ["XA-Z", 2024, "PAR INDEX", 130]])
    with pytest.raises(ScoringError, match="Dòng 3, cột") as exc:
        import_index_results(bad, actor=staff)
    assert "Dòng 3, cột 'Mã đơn vị'" in str(exc.value) and "Dòng 3, cột 'Điểm'" in str(exc.value)
    assert not IndexResult.objects.filter(year=2024).exists()
    with pytest.raises(ScoringError, match="Chỉ cán bộ thi đua mới được nhập"):
        import_index_results(good, actor=officer_a)  # officers may not enter index results
    with pytest.raises(ScoringError, match="không phải bảng tính hợp lệ"):
        import_index_results(b"not a spreadsheet", actor=staff)


@pytest.mark.django_db
def test_index_import_refuses_units_outside_scope(tree, staff):
    from organization.choices import UnitKind
    from organization.models import Unit

    Unit.objects.create(code="XA-NGOAI", name="Xã ngoài", kind=UnitKind.COMMUNE)
    with pytest.raises(ScoringError, match="ngoài phạm vi"):
        import_index_results(xlsx([["Mã đơn vị", "Năm", "Chỉ số", "Điểm"], ["XA-NGOAI", 2023, "PAR INDEX", 80]]), actor=staff)


@pytest.mark.django_db
def test_upload_reminders_once_per_unit_and_month(tree, officer_a, officer_b, settings):
    settings.UPLOAD_REMINDER_DAY = 5
    officer_a.email, officer_b.email = "a@xa.vn", "b@xa.vn"
    officer_a.save()
    officer_b.save()
    report(tree["commune_a"], datetime.date(2023, 1, 1))  # commune A uploaded January
    assert send_upload_reminders(today=datetime.date(2023, 2, 4)) == 0  # before the reminder day
    assert send_upload_reminders(today=datetime.date(2023, 2, 5)) == 1
    assert [m.to for m in mail.outbox] == [["b@xa.vn"]]
    assert "01/2023" in mail.outbox[0].subject
    assert send_upload_reminders(today=datetime.date(2023, 2, 6)) == 0  # not twice
    assert UploadReminder.objects.filter(unit=tree["commune_b"]).count() == 1


def test_reminder_is_on_the_beat_schedule():
    # What `celery beat` reads is the Celery app's configuration, not settings alone.
    from cchc_portal.celery import app

    entry = app.conf.beat_schedule["scoring-upload-reminders"]
    assert entry["task"] == "scoring.tasks.send_upload_reminders"
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_indicators_command_json(tree, indicators, capsys):
    make_dossiers(tree["commune_a"], JAN, online=1, direct=1)
    make_dossiers(tree["commune_b"], datetime.date(2023, 2, 1), online=3, direct=0)
    from scoring.runs import recompute_now

    recompute_now()
    call_command("indicators", "--unit", "H-DEMO", "--from", "2023-01", "--to", "2023-02", "--json")
    data = json.loads(capsys.readouterr().out)
    rate = next(i for i in data["indicators"] if i["code"] == "online_dossier_rate")
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (4, 5, 80.0)
    call_command("indicators", "--unit", "H-DEMO", "--from", "2023-01")
    assert "online_dossier_rate" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có đơn vị mã"):
        call_command("indicators", "--unit", "KHONG-CO", "--from", "2023-01")
    with pytest.raises(CommandError, match="phải có dạng YYYY-MM"):
        call_command("indicators", "--unit", "H-DEMO", "--from", "2023/01")


@pytest.mark.django_db
def test_failed_run_is_recorded(tree, indicators, monkeypatch):
    from scoring import runs

    def boom(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(runs, "recompute_units", boom)
    make_dossiers(tree["commune_a"], JAN, online=1)
    with pytest.raises(RuntimeError, match="hỏng"):
        runs.recompute_now()
    run = RecomputeRun.objects.get()
    assert run.status == RunStatus.FAILED and "hỏng" in run.error
