from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import NotAllowed
from core.ranking import competition_ranks
from organization.choices import Role, UnitKind
from organization.models import Unit
from par_index import results, services
from par_index.choices import AssessmentStatus
from par_index.models import Assessment
from scoring.models import IndexResult
from tests.conftest import make_user

from .conftest import FULL, answers_by_code, fill, finalize

S = AssessmentStatus


@pytest.fixture
def assessment_a(framework, tree, officer_a):
    return services.start_assessment(framework, tree["commune_a"], actor=officer_a)


def test_points_above_maximum_refused_and_nothing_saved(assessment_a, officer_a):
    by_code = answers_by_code(assessment_a)
    values = {by_code["1.1.2"].pk: ("10", ""), by_code["1.2.1"].pk: ("20,5", "")}
    with pytest.raises(services.ParIndexError, match="vượt điểm tối đa") as exc:
        services.save_self_assessment(assessment_a, actor=officer_a, values=values)
    assert "1.2.1" in str(exc.value) and "vượt điểm tối đa 20" in str(exc.value)
    # All or nothing: the valid value of 1.1.2 was not kept either.
    assert answers_by_code(assessment_a)["1.1.2"].self_points is None


def test_points_above_maximum_refused_on_the_page(client, assessment_a, officer_a):
    client.force_login(officer_a)
    answer = answers_by_code(assessment_a)["2.1.1"]
    response = client.post(reverse("par_index:assessment_detail", args=[assessment_a.pk]),
                           {f"points_{answer.pk}": "41", f"explanation_{answer.pk}": ""}, follow=True)
    assert "vượt điểm tối đa 40" in response.content.decode()
    answer.refresh_from_db()
    assert answer.self_points is None


def test_appraised_points_above_maximum_refused(assessment_a, officer_a, staff):
    fill(assessment_a, officer_a, FULL)
    services.submit_assessment(assessment_a, actor=officer_a)
    answer = answers_by_code(assessment_a)["1.2.1"]
    with pytest.raises(services.ParIndexError, match="Điểm thẩm định .*1.2.1.*vượt điểm tối đa"):
        services.appraise_answers(assessment_a, actor=staff, values={answer.pk: ("25", "")})


def test_missing_required_evidence_blocks_submission_naming_the_item(assessment_a, officer_a):
    fill(assessment_a, officer_a, FULL, evidence=False)
    with pytest.raises(services.ParIndexError, match="Chưa thể gửi thẩm định") as exc:
        services.submit_assessment(assessment_a, actor=officer_a)
    message = str(exc.value)
    assert "1.1.1" in message and "Ban hành kế hoạch CCHC kịp thời" in message and "tài liệu kiểm chứng" in message
    assessment_a.refresh_from_db()
    assert assessment_a.status == S.DRAFT


def test_missing_evidence_message_on_the_page_then_upload_and_submit(client, assessment_a, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fill(assessment_a, officer_a, FULL, evidence=False)
    client.force_login(officer_a)
    submit = reverse("par_index:assessment_submit", args=[assessment_a.pk])
    page = client.post(submit, follow=True).content.decode()
    assert "1.1.1" in page and "bắt buộc có tài liệu kiểm chứng" in page
    answer = answers_by_code(assessment_a)["1.1.1"]
    client.post(reverse("par_index:evidence_upload", args=[assessment_a.pk, answer.pk]),
                {"file": SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 test")})
    client.post(submit)
    assessment_a.refresh_from_db()
    assert assessment_a.status == S.SUBMITTED
    evidence = answer.evidence.get()
    assert client.get(reverse("par_index:evidence_download", args=[evidence.pk])).status_code == 200


def test_unit_sees_only_its_own_assessments_until_published(client, framework, tree, officer_a, officer_b, staff):
    a = services.start_assessment(framework, tree["commune_a"], actor=staff)
    b = services.start_assessment(framework, tree["commune_b"], actor=staff)
    assert set(Assessment.objects.for_user(officer_a)) == {a}
    client.force_login(officer_b)
    assert client.get(reverse("par_index:assessment_detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("par_index:assessment_detail", args=[b.pk])).status_code == 200
    list_page = client.get(reverse("par_index:assessment_list")).content.decode()
    assert "UBND xã B" in list_page and "UBND xã A" not in list_page
    # Staff of the appraising level see the whole subtree.
    assert set(Assessment.objects.for_user(staff)) == {a, b}

    finalize(a, officer_a, staff)
    assert client.get(reverse("par_index:assessment_detail", args=[a.pk])).status_code == 404  # final, not published
    services.publish_results(framework, actor=staff)
    assert client.get(reverse("par_index:assessment_detail", args=[a.pk])).status_code == 200
    results = client.get(reverse("par_index:framework_results", args=[framework.pk])).content.decode()
    assert "UBND xã A" in results
    # Published is read-only for other units: no edit, no evidence of theirs to delete.
    with pytest.raises(NotAllowed, match="Chỉ đơn vị được đánh giá mới được tự chấm điểm"):
        services.save_self_assessment(a, actor=officer_b, values={})


def test_user_without_unit_sees_nothing(client, framework, tree, staff, no_unit_user):
    a = services.start_assessment(framework, tree["commune_a"], actor=staff)
    assert not Assessment.objects.for_user(no_unit_user).exists()
    client.force_login(no_unit_user)
    assert client.get(reverse("par_index:assessment_detail", args=[a.pk])).status_code == 404


def test_every_appraisal_change_is_audit_logged_with_old_and_new_values(assessment_a, officer_a, staff):
    fill(assessment_a, officer_a, FULL)
    services.submit_assessment(assessment_a, actor=officer_a)
    answer = answers_by_code(assessment_a)["2.1.1"]
    services.appraise_answers(assessment_a, actor=staff, values={answer.pk: ("28", "Thiếu niêm yết tại thôn")})
    services.appraise_answers(assessment_a, actor=staff, values={answer.pk: ("25,5", "Thiếu niêm yết tại 2 thôn")})
    services.appraise_answers(assessment_a, actor=staff, values={answer.pk: ("25,5", "Thiếu niêm yết tại 2 thôn")})  # no change
    events = list(AuditEvent.objects.for_object(answer).filter(action="par.appraise_item").order_by("id"))
    assert [(e.data["old_points"], e.data["new_points"]) for e in events] == [("", "28"), ("28", "25,5")]
    assert events[1].data["old_comment"] == "Thiếu niêm yết tại thôn"
    assert events[1].data["new_comment"] == "Thiếu niêm yết tại 2 thôn"
    assert all(e.actor == staff for e in events)
    # Returning and finalizing are logged too.
    services.return_items(assessment_a, actor=staff, reasons={answer.pk: "Bổ sung ảnh niêm yết"})
    assert AuditEvent.objects.for_object(answer).filter(action="par.return_item", comment="Bổ sung ảnh niêm yết").exists()
    assert AuditEvent.objects.for_object(assessment_a).filter(action="par.assessment.return", to_state=S.RETURNED).exists()


def test_appraisal_refused_for_the_unit_itself_and_for_another_district(assessment_a, officer_a, tree):
    fill(assessment_a, officer_a, FULL)
    services.submit_assessment(assessment_a, actor=officer_a)
    answer = answers_by_code(assessment_a)["2.1.1"]
    other_district = Unit.objects.create(code="H-KHAC", name="UBND huyện Khác", kind=UnitKind.DISTRICT, parent=tree["province"])
    outsider = make_user("thidua_huyen_khac", other_district, Role.STAFF)
    for actor in (officer_a, outsider):
        with pytest.raises(NotAllowed, match="cấp thẩm định mới được thẩm định"):
            services.appraise_answers(assessment_a, actor=actor, values={answer.pk: ("1", "")})
        with pytest.raises(NotAllowed, match="cấp thẩm định mới được hoàn tất thẩm định"):
            services.finalize_assessment(assessment_a, actor=actor)
    answer.refresh_from_db()
    assert answer.appraised_points is None
    assert not AuditEvent.objects.filter(action="par.appraise_item").exists()


def test_appraisal_page_wrong_unit_404_and_officer_403(client, assessment_a, officer_a, officer_b):
    url = reverse("par_index:assessment_appraise", args=[assessment_a.pk])
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    client.force_login(officer_a)
    assert client.get(url).status_code == 403


def test_self_assessment_by_another_unit_refused(assessment_a, officer_b):
    answer = answers_by_code(assessment_a)["2.1.1"]
    with pytest.raises(NotAllowed, match="Chỉ đơn vị được đánh giá mới được tự chấm điểm"):
        services.save_self_assessment(assessment_a, actor=officer_b, values={answer.pk: ("1", "")})


def test_returned_items_only_are_editable_then_resubmit_and_finalize(assessment_a, officer_a, staff):
    fill(assessment_a, officer_a, FULL)
    services.submit_assessment(assessment_a, actor=officer_a)
    services.accept_self_points(assessment_a, actor=staff)
    by_code = answers_by_code(assessment_a)
    returned = by_code["1.2.1"]
    services.return_items(assessment_a, actor=staff, reasons={returned.pk: "Thiếu báo cáo quý IV"})
    assessment_a.refresh_from_db()
    assert assessment_a.status == S.RETURNED
    with pytest.raises(services.ParIndexError, match="1.1.2 .*không bị trả lại"):
        services.save_self_assessment(assessment_a, actor=officer_a, values={by_code["1.1.2"].pk: ("1", "")})
    with pytest.raises(services.ParIndexError, match="chưa được bổ sung"):
        services.resubmit_assessment(assessment_a, actor=officer_a)
    services.save_self_assessment(assessment_a, actor=officer_a, values={returned.pk: ("12", "Đã bổ sung báo cáo")})
    services.resubmit_assessment(assessment_a, actor=officer_a)
    assessment_a.refresh_from_db()
    assert assessment_a.status == S.RESUBMITTED
    with pytest.raises(services.ParIndexError, match="1.2.1 .*chưa có điểm thẩm định"):
        services.finalize_assessment(assessment_a, actor=staff)
    services.appraise_answers(assessment_a, actor=staff, values={returned.pk: ("10", "")})
    final = services.finalize_assessment(assessment_a, actor=staff)
    assert final.status == S.FINALIZED
    assert final.appraised_total == Decimal("78.5")  # 20 + 18,5 + 10 + 30
    assert final.classification == "Khá"


def test_transitions_follow_the_map(assessment_a, officer_a, staff):
    with pytest.raises(services.ParIndexError, match="Chưa có kết quả nào đã hoàn tất thẩm định"):
        services.publish_results(assessment_a.framework, actor=staff)  # nothing finalized
    with pytest.raises(services.ParIndexError, match="Chỉ gửi lại được kết quả đang bị trả lại"):
        services.resubmit_assessment(assessment_a, actor=officer_a)  # not returned
    finalize(assessment_a, officer_a, staff)
    with pytest.raises(services.ParIndexError, match="Không thể chuyển kết quả tự đánh giá từ “Đã hoàn tất thẩm định” sang “Đã gửi thẩm định”"):
        services.submit_assessment(assessment_a, actor=officer_a)


def test_totals_per_field_and_classification(assessment_a, officer_a):
    fill(assessment_a, officer_a, FULL)
    items = list(assessment_a.framework.items.order_by("order"))
    totals = results.compute_totals(assessment_a, items, list(assessment_a.answers.select_related("item")))
    assert [(f.item.code, f.self_points) for f in totals.fields] == [("1", Decimal("53.5")), ("2", Decimal("30"))]
    assert totals.self_total == Decimal("83.5") and totals.max_total == Decimal("100")
    assert totals.self_classification == "Tốt"
    fw = assessment_a.framework
    assert [fw.classify(Decimal(x)) for x in ("80", "79.999", "65", "50", "49.9")] == ["Tốt", "Khá", "Khá", "Trung bình", "Yếu"]
    # Thresholds are configurable per framework.
    fw.bands.filter(label="Tốt").update(min_score=Decimal("85"))
    assert fw.classify(Decimal("83.5")) == "Khá"


def test_ranking_is_standard_competition_and_feeds_par_index(framework, tree, officer_a, officer_b, staff):
    assert competition_ranks([("a", Decimal(90)), ("b", Decimal(80)), ("c", Decimal(80)), ("d", Decimal(70))]) == \
        {"a": 1, "b": 2, "c": 2, "d": 4}
    commune_c = Unit.objects.create(code="XA-C", name="UBND xã C", kind=UnitKind.COMMUNE, parent=tree["district"])
    officer_c = make_user("canbo_xa_c", commune_c, Role.OFFICER)
    a = finalize(services.start_assessment(framework, tree["commune_a"], actor=staff), officer_a, staff)
    b = finalize(services.start_assessment(framework, tree["commune_b"], actor=staff), officer_b, staff)
    c = finalize(services.start_assessment(framework, commune_c, actor=staff), officer_c, staff,
                 points={"1.1.1": "20", "1.1.2": "20", "1.2.1": "20", "2.1.1": "40"})
    ranks = dict(Assessment.objects.filter(framework=framework).values_list("unit__code", "rank"))
    assert ranks == {"XA-C": 1, "XA-A": 2, "XA-B": 2}
    results = {r.unit.code: (r.score, r.rank, r.source) for r in IndexResult.objects.filter(index_code="par_index", year=2021)}
    assert results == {
        "XA-C": (Decimal("100.00"), 1, f"par_index:{c.pk}"),
        "XA-A": (Decimal("83.50"), 2, f"par_index:{a.pk}"),
        "XA-B": (Decimal("83.50"), 2, f"par_index:{b.pk}"),
    }


def test_year_over_year_change_of_score_and_rank(framework, tree, officer_a, officer_b, staff):
    finalize(services.start_assessment(framework, tree["commune_a"], actor=staff), officer_a, staff,
             points={"1.1.1": "20", "1.1.2": "10", "1.2.1": "10", "2.1.1": "30"})  # 70, rank 2
    finalize(services.start_assessment(framework, tree["commune_b"], actor=staff), officer_b, staff)  # 83,5, rank 1
    fw22 = services.copy_framework(framework, actor=staff, year=2022)
    a22 = finalize(services.start_assessment(fw22, tree["commune_a"], actor=staff), officer_a, staff,
                   points={"1.1.1": "20", "1.1.2": "20", "1.2.1": "20", "2.1.1": "35"})  # 95
    finalize(services.start_assessment(fw22, tree["commune_b"], actor=staff), officer_b, staff)  # 83,5
    change = results.year_over_year(a22)
    assert change.score_change == Decimal("25") and change.rank_change == 1



def test_results_page_constant_queries(client, framework, tree, officer_a, officer_b, staff, django_assert_max_num_queries):
    finalize(services.start_assessment(framework, tree["commune_a"], actor=staff), officer_a, staff)
    finalize(services.start_assessment(framework, tree["commune_b"], actor=staff), officer_b, staff)
    services.publish_results(framework, actor=staff)
    client.force_login(staff)
    url = reverse("par_index:framework_results", args=[framework.pk])
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "UBND xã A" in page and "UBND xã B" in page and "83,5" in page
