"""Acceptance 2 of the foundation: the five plans load exactly as their documents state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from campaigns.demo import load_base
from campaigns.models import Campaign


@pytest.fixture
def seeds(db):
    load_base()
    return {c.code: c for c in Campaign.objects.all()}


def quota_map(round_):
    return {(q.group.code if q.group else None, q.subject): q.max_count for q in round_.quotas.all()}


def test_tam_nong_contents_targets_rounds_quotas_end_date(seeds):
    c = seeds["tam-nong-2023"]
    assert c.kind == "thematic"
    assert [i.title.split(":")[0] for i in c.contents.all()] == ["Nội dung 1", "Nội dung 2"]
    collective = c.criteria.filter(subject="collective")
    indicator_targets = {
        cr.indicator_code: (cr.comparator, cr.threshold) for cr in collective.filter(kind="indicator")
    }
    # The five collective targets of section III.1.1 (the first item is the plan itself).
    assert indicator_targets == {
        "online_procedure_rate": ("gte", Decimal("90")),
        "online_dossier_rate": ("gte", Decimal("50")),
        "online_payment_rate": ("gt", Decimal("90")),
        "e_certified_copies": ("max", None),
        "late_dossiers": ("lte", Decimal("0")),
        "staff_online_rate": ("gte", Decimal("100")),
    }
    assert collective.count() == 7
    six, year_end = c.rounds.order_by("order")
    assert six.name == "Sơ kết 6 tháng" and year_end.name == "Tổng kết cuối năm"
    assert quota_map(six) == {("phong", "collective"): 1, ("xa", "collective"): 1, (None, "individual"): 3}
    assert quota_map(year_end) == {("phong", "collective"): 2, ("xa", "collective"): 2, (None, "individual"): 7}
    assert c.end_date == date(2023, 10, 31)
    assert c.funding_source == "Từ nguồn CCHC năm 2023"
    assert "Mẫu số 07" in c.dossier_components
    assert c.award_forms.first().name == "Giấy khen của Chủ tịch UBND huyện"


def test_ha_nam_spans_period_under_provincial_plan_with_three_award_forms(seeds):
    c = seeds["ha-nam-sgtvt-2023-2025"]
    assert c.parent == seeds["ha-nam-ubnd-800-2023"]
    assert c.parent.doc_number == "800" and c.parent.issuing_unit.kind == "province"
    assert (c.start_date.year, c.end_date.year) == (2023, 2025)
    assert list(c.award_forms.values_list("name", flat=True)) == [
        "Bằng khen của Thủ tướng Chính phủ",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Giấy khen của Lãnh đạo Sở",
    ]
    assert c.contents.count() == 7
    assert c.rounds.filter(nomination_deadline=date(2024, 1, 10)).exists()
    assert c.criteria.filter(indicator_code="par_index", comparator="improve").exists()


def test_nguyen_binh_quota_five_collectives_ten_individuals(seeds):
    c = seeds["nguyen-binh-2023"]
    (round_,) = c.rounds.all()
    assert quota_map(round_) == {(None, "collective"): 5, (None, "individual"): 10}
    assert {q.label for q in round_.quotas.all()} == {"Tối đa 05 tập thể", "Tối đa 10 cá nhân"}
    assert "Bản tóm tắt thành tích" in c.dossier_components


def test_dakrong_contest_three_prizes(seeds):
    c = seeds["dakrong-cuoc-thi-2020"]
    assert c.kind == "contest"
    prizes = [(f.name, f.rank, f.fixed_amount) for f in c.award_forms.order_by("rank")]
    assert prizes == [("Giải nhất", 1, 2_000_000), ("Giải nhì", 2, 1_500_000), ("Giải ba", 3, 1_000_000)]
    (round_,) = c.rounds.all()
    assert round_.nomination_deadline == date(2020, 9, 15)


def test_ea_ly_eight_par_fields_with_maximum_points(seeds):
    c = seeds["ea-ly-par-2022"]
    maxima = [i.max_points for i in c.contents.order_by("order")]
    assert maxima == [Decimal(x) for x in ("22.5", "6", "17.5", "3", "10.5", "6", "25.5", "9")]
    assert sum(maxima) == 100
    assert c.criteria.get(code="mt-so-hoa").threshold == Decimal("35")


def test_loading_twice_changes_nothing(seeds):
    from campaigns.models import Participant, Quota
    from organization.models import Person, Unit

    before = (Unit.objects.count(), Person.objects.count(), Participant.objects.count(),
              sorted(Quota.objects.values_list("pk", flat=True)))
    load_base()
    after = (Unit.objects.count(), Person.objects.count(), Participant.objects.count(),
             sorted(Quota.objects.values_list("pk", flat=True)))
    assert before == after


def test_two_level_structure_lives_beside_three_level(seeds):
    from organization.models import Unit

    new_commune = Unit.objects.get(code="DT-XA-TRAMCHIM")
    old_commune = Unit.objects.get(code="DT-TAMNONG-TRAMCHIM")
    assert new_commune.parent.kind == "province" and new_commune.depth == 1
    assert old_commune.parent.kind == "district" and old_commune.depth == 2
    assert new_commune.is_within(Unit.objects.get(code="DT")) and old_commune.is_within(Unit.objects.get(code="DT"))
