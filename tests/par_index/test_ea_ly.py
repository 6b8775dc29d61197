"""Acceptance 2 (issue 5): the Ea Ly 2021 framework and results from the demo, and
the 2022 self-assessment going submit → appraise → send back one item → resubmit
→ finalize, ending as Ea Ly's PAR INDEX for 2022 with the change from 2021."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from campaigns.demo import load_base
from organization.models import Unit
from par_index import demo, results
from par_index.choices import AssessmentStatus
from par_index.models import Assessment, Framework, FrameworkItem, ImprovementPlan, PlanTask
from scoring.models import IndexResult

S = AssessmentStatus
MAXIMA = ["22.5", "6", "17.5", "3", "10.5", "6", "25.5", "9"]
SEED = [("20.5", "18.775"), ("6", "6"), ("17.5", "16.5"), ("3", "3"), ("10.5", "10.5"), ("6", "6"), ("7.5", "3"), ("9", "9")]


@pytest.fixture
def demo_data(db):
    load_base()
    demo.load()
    return {u.code: u for u in Unit.objects.filter(code__startswith="PY-SONGHINH")}


def _counts() -> tuple:
    return (Framework.objects.count(), FrameworkItem.objects.count(), Assessment.objects.count(),
            PlanTask.objects.count(), AuditEvent.objects.count(), IndexResult.objects.count())


def test_ea_ly_demo_framework_results_page_and_2022_flow(demo_data, client):
    ealy = demo_data["PY-SONGHINH-EALY"]
    fw21 = Framework.objects.get(year=2021, issuing_unit__code="PY-SONGHINH")
    fields = list(fw21.items.filter(parent__isnull=True).order_by("order"))
    assert [f.max_points for f in fields] == [Decimal(m) for m in MAXIMA]
    assert fw21.max_total == Decimal("100")
    counts = {f.code: (f.children.count(), FrameworkItem.objects.filter(field=f, kind="sub").count()) for f in fields}
    assert counts["1"] == (12, 18) and counts["2"] == (3, 6) and counts["3"] == (8, 14) and counts["5"] == (4, 7)
    assert counts["6"] == (4, 5) and counts["7"] == (4, 11) and counts["8"] == (2, 4)
    for f in fw21.items.exclude(kind="sub"):
        assert sum(c.max_points for c in f.children.all()) == f.max_points

    a21 = Assessment.objects.get(framework=fw21, unit=ealy)
    assert a21.status == S.PUBLISHED
    items = list(fw21.items.order_by("order"))
    totals = results.compute_totals(a21, items, list(a21.answers.select_related("item")))
    assert [(t.self_points, t.appraised_points) for t in totals.fields] == [(Decimal(s), Decimal(a)) for s, a in SEED]
    assert a21.appraised_total == Decimal("72.775") and a21.classification == "Khá" and a21.rank == 2 and a21.rank_of == 3

    User = get_user_model()
    officer, staff = User.objects.get(username="ealy.canbo"), User.objects.get(username="songhinh.thidua")
    client.force_login(officer)
    page = client.get(reverse("par_index:assessment_detail", args=[a21.pk])).content.decode()
    for text in ("22,5", "18,775", "72,775", "Khá", "Tổng cộng"):
        assert text in page

    # 2022: copied framework, Ea Ly's draft → submit → appraise → send one back → resubmit → finalize.
    fw22 = Framework.objects.get(year=2022, issuing_unit__code="PY-SONGHINH")
    assert fw22.copied_from == fw21 and fw22.max_total == Decimal("100")
    a22 = Assessment.objects.get(framework=fw22, unit=ealy)
    assert a22.status == S.DRAFT
    client.post(reverse("par_index:assessment_submit", args=[a22.pk]))
    a22.refresh_from_db()
    assert a22.status == S.SUBMITTED

    client.force_login(staff)
    appraise_url = reverse("par_index:assessment_appraise", args=[a22.pk])
    assert client.get(appraise_url).status_code == 200
    client.post(appraise_url, {"action": "accept"})
    target = a22.answers.select_related("item").get(item__code="7.3.1")
    client.post(appraise_url, {"action": "return", f"return_{target.pk}": "1",
                               f"reason_{target.pk}": "Chưa có số liệu TTHC mức độ 3, 4 phát sinh hồ sơ"})
    a22.refresh_from_db()
    assert a22.status == S.RETURNED

    client.force_login(officer)
    detail = reverse("par_index:assessment_detail", args=[a22.pk])
    other = a22.answers.get(item__code="1.1.1")
    page = client.get(detail).content.decode()
    assert f'name="points_{target.pk}"' in page and f'name="points_{other.pk}"' not in page  # only the returned item
    client.post(detail, {f"points_{target.pk}": "1,5", f"explanation_{target.pk}": "Bổ sung báo cáo số liệu DVCTT"})
    client.post(reverse("par_index:assessment_submit", args=[a22.pk]))
    a22.refresh_from_db()
    assert a22.status == S.RESUBMITTED

    client.force_login(staff)
    client.post(appraise_url, {"action": "finalize", f"appraised_{target.pk}": "1,25", f"comment_{target.pk}": "Chấp nhận một phần"})
    a22.refresh_from_db()
    assert a22.status == S.FINALIZED
    expected = sum(a.appraised_points for a in a22.answers.all())
    assert a22.appraised_total == expected
    result = IndexResult.objects.get(unit=ealy, year=2022, index_code="par_index")
    assert result.score == expected.quantize(Decimal("0.01")) and result.source == f"par_index:{a22.pk}"
    change = results.year_over_year(a22)
    assert change.previous == a21 and change.score_change == expected - Decimal("72.775")
    assert change.rank_change == 1  # 2nd of 3 in 2021, 1st of 1 so far in 2022

    page = client.get(reverse("par_index:assessment_detail", args=[a22.pk])).content.decode()
    assert "Chỉ số PAR INDEX năm 2022" in page and "năm 2021: 72,78" in page
    assert "tăng 1 bậc" in page
    page = client.get(reverse("par_index:framework_results", args=[fw22.pk])).content.decode()
    assert "UBND xã Ea Ly" in page and "Năm 2021" in page and "tăng 1 bậc" in page
    events = AuditEvent.objects.for_object(target).filter(action="par.appraise_item").order_by("id")
    # Accepted at the self points (1,25), cleared by the resubmission, appraised again on finalizing.
    assert [(e.data["old_points"], e.data["new_points"]) for e in events] == [("", "1,25"), ("", "1,25")]
    assert AuditEvent.objects.for_object(a22).filter(action="par.assessment.resubmit", data__items=["7.3.1"]).exists()


def test_demo_is_idempotent_and_plan_is_linked_to_the_campaign(demo_data, client):
    before = _counts()
    load_base()
    demo.load()
    assert _counts() == before
    plan = ImprovementPlan.objects.get(campaign__code="ea-ly-par-2022")
    assert plan.unit.code == "PY-SONGHINH-EALY" and plan.baseline.framework.year == 2021
    assert sorted({t.content.order for t in plan.tasks.all()}) == list(range(1, 9))
    lead = plan.tasks.get(text__startswith="Thường xuyên theo dõi thi hành pháp luật").lead_section
    assert lead.code == "PY-SONGHINH-EALY-TP"
    targets = {t.criterion.indicator_code: t for t in results.plan_targets(plan)}
    assert {"online_procedure_active_rate", "online_dossier_rate", "bcci_procedure_rate", "bcci_received_rate",
            "bcci_returned_rate", "digitized_result_rate", "satisfaction_rate", "on_time_rate"} <= set(targets)
    client.force_login(get_user_model().objects.get(username="ealy.canbo"))
    page = client.get(reverse("par_index:plan_detail", args=[plan.pk])).content.decode()
    assert "Bộ phận Tư pháp – Hộ tịch xã Ea Ly" in page and "Văn phòng UBND xã Ea Ly" in page
    if targets["online_procedure_active_rate"].value is None:
        assert "chưa có số liệu" in page
    # Every value shown opens its provenance ("giải thích con số"), which the plan's unit may read:
    # give the commune a month of dossiers so that the rates have values.
    import datetime
    import re

    from scoring.runs import recompute_now
    from tests.scoring.conftest import make_dossiers

    make_dossiers(plan.unit, datetime.date(plan.year, 3, 1), online=2, direct=1)
    recompute_now()
    client.force_login(get_user_model().objects.get(username="ealy.canbo"))
    page = client.get(reverse("par_index:plan_detail", args=[plan.pk])).content.decode()
    shown = [t for t in results.plan_targets(plan) if t.value is not None]
    links = re.findall(r'class="provenance-link" href="([^"]+)"', page)
    assert len(links) == len(shown) > 0
    # Values with two decimals, no indicator codes on the page (trial finding 4).
    values = re.findall(r'class="provenance-link" href="[^"]+" title="[^"]+">([^<]+)</a>', page)
    assert values and all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d", v) for v in values), values
    assert "<code>" not in page and "online_dossier_rate" not in page.replace("/online_dossier_rate/", "")
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    # The sibling commune cannot open Ea Ly's plan.
    client.force_login(get_user_model().objects.get(username="eabia.canbo"))
    assert client.get(reverse("par_index:plan_detail", args=[plan.pk])).status_code == 404


def test_plan_task_status_audited_and_scoped(demo_data, client):
    plan = ImprovementPlan.objects.get(campaign__code="ea-ly-par-2022")
    task = plan.tasks.filter(status="not_started").first()
    User = get_user_model()
    client.force_login(User.objects.get(username="eabia.canbo"))
    assert client.post(reverse("par_index:plan_task_status", args=[task.pk]), {"status": "done"}).status_code == 404
    client.force_login(User.objects.get(username="ealy.canbo"))
    client.post(reverse("par_index:plan_task_status", args=[task.pk]), {"status": "in_progress"})
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert AuditEvent.objects.for_object(task).filter(from_state="not_started", to_state="in_progress").exists()
