"""What a page offers and what the service accepts cannot disagree: for every step
of the PAR-index workflows and every shared actor, ``allowed(user, perm, obj)`` is
True exactly when the service accepts the step (refused: ``NotAllowed``).

Each attempt runs in a savepoint that is rolled back (``service_accepts``); any
refusal other than ``NotAllowed`` fails the test (the state must let an allowed
actor through). A superuser counts as emulation staff everywhere.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile

from campaigns.choices import CampaignKind
from campaigns.models import Campaign
from organization.choices import UnitKind
from par_index import services
from par_index.models import Assessment, ImprovementPlan, PlanTask
from tests.conftest import RULE_ACTORS, assert_rules_agree

from .conftest import FULL, answers_by_code, fill


def _pdf() -> ContentFile:
    return ContentFile(b"%PDF-1.4\nbien ban", name="kiem-chung.pdf")


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_frameworks(request, actor, framework, tree):
    data = services.export_framework(framework)
    assert_rules_agree(request, actor, "par_index.create_framework", tree["district"], lambda u: services.create_framework(
        actor=u, year=2030, level=UnitKind.COMMUNE, issuing_unit=tree["district"], name="Bộ chỉ số 2030"), {"staff", "superuser"})
    assert_rules_agree(request, actor, "par_index.manage_framework", framework,
          lambda u: services.import_framework(framework, io.BytesIO(data), actor=u), {"staff", "superuser"})
    assert_rules_agree(request, actor, "par_index.manage_framework", framework,
          lambda u: services.copy_framework(framework, actor=u, year=2031), {"staff", "superuser"})
    assert_rules_agree(request, actor, "par_index.manage_framework", framework,
          lambda u: services.start_assessments(framework, actor=u), {"staff", "superuser"})
    assert_rules_agree(request, actor, "par_index.start_assessment", Assessment(framework=framework, unit=tree["commune_a"]),
          lambda u: services.start_assessment(framework, tree["commune_a"], actor=u), {"officer_a", "staff", "superuser"})


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_self_assessment(request, actor, assessment_a, officer_a):
    answer = answers_by_code(assessment_a)["1.1.1"]
    evidence = services.add_evidence(answer, actor=officer_a, file=_pdf())
    assert_rules_agree(request, actor, "par_index.self_assess", assessment_a,
          lambda u: services.save_self_assessment(assessment_a, actor=u, values={answer.pk: ("5", "")}), {"officer_a", "superuser"})
    assert_rules_agree(request, actor, "par_index.add_evidence", assessment_a,
          lambda u: services.add_evidence(answer, actor=u, file=_pdf()), {"officer_a", "superuser"})
    assert_rules_agree(request, actor, "par_index.remove_evidence", assessment_a,
          lambda u: services.remove_evidence(evidence, actor=u), {"officer_a", "superuser"})
    fill(assessment_a, officer_a, FULL)
    assert_rules_agree(request, actor, "par_index.submit_assessment", assessment_a,
          lambda u: services.submit_assessment(assessment_a, actor=u), {"officer_a", "superuser"})


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_appraisal_and_publication(request, actor, submitted, staff):
    assessment_a, answer = submitted, answers_by_code(submitted)["2.1.1"]
    assert_rules_agree(request, actor, "par_index.appraise_assessment", assessment_a,
          lambda u: services.appraise_answers(assessment_a, actor=u, values={answer.pk: ("30", "")}), {"staff", "superuser"})
    assert_rules_agree(request, actor, "par_index.appraise_assessment", assessment_a,
          lambda u: services.return_items(assessment_a, actor=u, reasons={answer.pk: "Thiếu tài liệu"}), {"staff", "superuser"})
    services.accept_self_points(assessment_a, actor=staff)
    assert_rules_agree(request, actor, "par_index.appraise_assessment", assessment_a,
          lambda u: services.finalize_assessment(assessment_a, actor=u), {"staff", "superuser"})
    services.finalize_assessment(assessment_a, actor=staff)
    framework = assessment_a.framework
    assert_rules_agree(request, actor, "par_index.publish_results", framework,
          lambda u: services.publish_results(framework, actor=u), {"staff", "superuser"})


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_resubmission(request, actor, submitted, officer_a, staff):
    assessment_a, answer = submitted, answers_by_code(submitted)["2.1.1"]
    services.return_items(assessment_a, actor=staff, reasons={answer.pk: "Thiếu tài liệu"})
    services.save_self_assessment(assessment_a, actor=officer_a, values={answer.pk: ("28", "Đã bổ sung")})
    assert_rules_agree(request, actor, "par_index.submit_assessment", assessment_a,
          lambda u: services.resubmit_assessment(assessment_a, actor=u), {"officer_a", "superuser"})


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_plan_tasks(request, actor, tree):
    campaign = Campaign.objects.create(code="ke-hoach-xa-a", title="Kế hoạch nâng cao chỉ số CCHC xã A",
                                       kind=CampaignKind.IMPROVEMENT, issuing_unit=tree["commune_a"],
                                       start_date=date(2022, 1, 1), end_date=date(2022, 12, 31))
    content = campaign.contents.create(order=1, title="Công tác chỉ đạo, điều hành")
    plan = ImprovementPlan.objects.create(campaign=campaign, unit=tree["commune_a"], year=2022)
    task = PlanTask.objects.create(plan=plan, content=content, text="Ban hành kế hoạch CCHC năm")
    # Officers, staff and leaders of the plan's unit or above; council and judges do not.
    assert_rules_agree(request, actor, "par_index.update_plan_task", plan,
          lambda u: services.set_task_status(task, actor=u, status="in_progress"), {"officer_a", "staff", "leader", "superuser"})


@pytest.fixture
def assessment_a(framework, tree, staff):
    return services.start_assessment(framework, tree["commune_a"], actor=staff)


@pytest.fixture
def submitted(assessment_a, officer_a):
    """Commune A's assessment, fully self-assessed and sent to the district."""
    fill(assessment_a, officer_a, FULL)
    return services.submit_assessment(assessment_a, actor=officer_a)
