"""Criterion results, 1-2-2-4 ranking, frozen snapshots, year-over-year rules, QĐ 766 points."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from campaigns.choices import Comparator, RoundKind
from campaigns.models import Round
from campaigns.services import close_round
from core.periods import Period
from core.ranking import competition_rank
from organization.choices import UnitKind
from organization.models import Unit
from scoring.criteria import live_ranking
from scoring.engine import values_for
from scoring.models import CriterionResult, RankingEntry, RankingSnapshot
from scoring.runs import recompute_now
from scoring.services import ScoringError, evaluate_participant, set_index_result

from .conftest import make_campaign, make_dossiers, report

JAN = datetime.date(2023, 1, 1)


def test_competition_ranking_is_1_2_2_4():
    assert competition_rank([Decimal(9), Decimal(7), Decimal(7), Decimal(5)]) == [1, 2, 2, 4]
    assert competition_rank([Decimal(3), Decimal(3), Decimal(3)]) == [1, 1, 1]


@pytest.mark.django_db
def test_threshold_criterion_met_with_deciding_values(tree, indicators):
    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, JAN, online=6, direct=4)
    make_dossiers(b, JAN, online=2, direct=8)
    _, _, round_, (pa, pb) = make_campaign(tree, criteria=[
        {"code": "ho-so-truc-tuyen", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    [ra] = evaluate_participant(pa, round_)
    [rb] = evaluate_participant(pb, round_)
    assert ra.met is True and ra.value == Decimal("60.0000")
    assert ra.detail["numerator"] == 6 and ra.detail["denominator"] == 10
    assert "đạt" in ra.detail["explanation"] and "≥" in ra.detail["explanation"]
    assert rb.met is False
    assert CriterionResult.objects.filter(round=round_).count() == 2


@pytest.mark.django_db
def test_unmeasurable_criterion_is_none(tree, indicators):
    _, _, round_, (pa, _) = make_campaign(tree, criteria=[
        {"code": "can-bo", "indicator_code": "staff_online_rate", "comparator": Comparator.GTE, "threshold": Decimal(100),
         "evidence_required": True},
        {"code": "minh-chung", "kind": "attestation"},
    ])
    make_dossiers(tree["commune_a"], JAN, online=1)
    recompute_now()
    results = evaluate_participant(pa, round_)
    assert [r.met for r in results] == [None, None]
    assert "minh chứng" in results[0].detail["explanation"]


@pytest.mark.django_db
def test_ties_share_rank_and_next_rank_skips(tree, indicators):
    district = tree["district"]
    extra = [Unit.objects.create(code=f"XA-{c}", name=f"UBND xã {c}", kind=UnitKind.COMMUNE, parent=district) for c in "CD"]
    units = [tree["commune_a"], tree["commune_b"], *extra]
    for unit, online in zip(units, (9, 7, 7, 5), strict=True):
        make_dossiers(unit, JAN, online=online, direct=10 - online)
    _, group, round_, _ = make_campaign(tree, units=units, criteria=[
        {"code": f"t{t}", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(t)}
        for t in (50, 60, 70, 80)
    ])
    recompute_now()
    rows = live_ranking(round_, [group])[group.pk]
    assert [(r.name, r.rank, r.score) for r in rows] == [
        ("UBND xã A", 1, Decimal(4)), ("UBND xã B", 2, Decimal(3)), ("UBND xã C", 2, Decimal(3)), ("UBND xã D", 4, Decimal(1)),
    ]


@pytest.mark.django_db
def test_frozen_snapshot_unchanged_after_data_changes(tree, indicators, staff):
    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, JAN, online=6, direct=4)
    make_dossiers(b, JAN, online=1, direct=9)
    _, group, round_, (pa, _) = make_campaign(tree, criteria=[
        {"code": "ht", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    close_round(round_, actor=staff)
    snap = RankingSnapshot.objects.get(round=round_, group=group)
    before = list(RankingEntry.objects.filter(snapshot=snap).values_list("name", "rank", "score"))
    assert before == [("UBND xã A", 1, Decimal(1)), ("UBND xã B", 2, Decimal(0))]
    # Commune B uploads many online dossiers afterwards and data are recomputed.
    make_dossiers(b, JAN, online=50)
    recompute_now()
    assert list(RankingEntry.objects.filter(snapshot=snap).values_list("name", "rank", "score")) == before
    assert CriterionResult.objects.get(round=round_, participant__unit=b).met is False  # closed round not re-evaluated
    # The data themselves did change.
    assert values_for([b.pk], Period.year_of(2023))[b.pk]["online_dossier_rate"].value > 50


@pytest.mark.django_db
def test_year_over_year_change_from_previous_frozen_snapshot(tree, indicators, staff):
    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, datetime.date(2022, 3, 1), online=1, direct=9)
    make_dossiers(b, datetime.date(2022, 3, 1), online=9, direct=1)
    make_dossiers(a, JAN, online=9, direct=1)
    make_dossiers(b, JAN, online=1, direct=9)
    crit = [{"code": "ht", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)}]
    campaign22, group22, round22, _ = make_campaign(tree, code="thi-dua-2022", criteria=[dict(c) for c in crit], year=2022)
    _, group23, round23, _ = make_campaign(tree, code="thi-dua-2023", criteria=[dict(c) for c in crit], year=2023)
    recompute_now()
    close_round(round22, actor=staff)
    rows = {r.name: r for r in live_ranking(round23, [group23])[group23.pk]}
    assert (rows["UBND xã A"].previous_rank, rows["UBND xã A"].rank, rows["UBND xã A"].rank_change) == (2, 1, 1)
    assert rows["UBND xã B"].score_change == Decimal(-1)


@pytest.mark.django_db
def test_improve_rule_score_or_rank(tree, indicators, staff):
    a, b = tree["commune_a"], tree["commune_b"]
    set_index_result(unit=a, year=2022, index_code="par_index", score=Decimal("85.5"), rank=5, actor=staff)
    set_index_result(unit=a, year=2023, index_code="par_index", score=Decimal("84"), rank=3, actor=staff)  # rank up
    set_index_result(unit=b, year=2022, index_code="par_index", score=Decimal("80"), rank=2, actor=staff)
    set_index_result(unit=b, year=2023, index_code="par_index", score=Decimal("79"), rank=4, actor=staff)  # both down
    _, _, round_, (pa, pb) = make_campaign(tree, criteria=[
        {"code": "tang", "indicator_code": "par_index", "comparator": Comparator.IMPROVE},
        {"code": "tang-diem", "indicator_code": "par_index", "comparator": Comparator.IMPROVE_SCORE},
        {"code": "tren-90", "indicator_code": "par_index", "comparator": Comparator.GTE, "threshold": Decimal(90)},
    ])
    ra = {r.criterion.code: r for r in evaluate_participant(pa, round_)}
    rb = {r.criterion.code: r for r in evaluate_participant(pb, round_)}
    assert ra["tang"].met is True and "tăng điểm hoặc tăng bậc" in ra["tang"].detail["explanation"]
    assert ra["tang-diem"].met is False
    assert ra["tren-90"].met is False and ra["tren-90"].value == Decimal("84.0000")
    assert rb["tang"].met is False
    with pytest.raises(ScoringError, match="nằm ngoài khoảng 0 – 100"):
        set_index_result(unit=a, year=2023, index_code="par_index", score=Decimal("120"), actor=staff)


@pytest.mark.django_db
def test_qd766_group_points_with_caps(tree, indicators):
    a = tree["commune_a"]
    from .conftest import procedure

    for code in ("P1", "P2", "P3", "P4"):
        procedure(a, code, level="full" if code != "P4" else "none")
    make_dossiers(a, JAN, online=3, procedure="P1")
    make_dossiers(a, JAN, direct=7, procedure="P2")
    report_month = datetime.date(2023, 2, 1)
    report(a, report_month, received_total=0, received_online=0, received_direct_postal=0)
    recompute_now()
    g3 = values_for([a.pk], Period.quarter(2023, 1))[a.pk]["qd766_group3"]
    # A = 3/4 online procedures → min(2, 2×0.75/0.8) = 1.875; B = 1/3 with online dossier → 4×1/3 = 1.3333;
    # C = 3/10 online dossiers → min(6, 6×0.3/0.5) = 3.6. Total 6.81 (max 12).
    assert [c["points"] for c in g3.components] == [1.88, 1.33, 3.6]
    assert g3.value == Decimal("6.81")
    # Cap: all dossiers online → C is capped at its maximum 6.
    make_dossiers(a, datetime.date(2023, 3, 1), online=100, procedure="P1")
    recompute_now()
    g3 = values_for([a.pk], Period.quarter(2023, 1))[a.pk]["qd766_group3"]
    assert g3.components[2]["points"] == 6.0
    total = values_for([a.pk], Period.quarter(2023, 1))[a.pk]["qd766_total"]
    assert total.value is not None and total.value <= 100


@pytest.mark.django_db
def test_round_for_two_level_structure(indicators):
    """No district: province → commune works the same."""
    province = Unit.objects.create(code="T2", name="Tỉnh mới", kind=UnitKind.PROVINCE)
    commune = Unit.objects.create(code="X2", name="Xã mới", kind=UnitKind.COMMUNE, parent=province)
    make_dossiers(commune, datetime.date(2025, 8, 1), online=3, direct=1)
    recompute_now()
    assert values_for([province.pk], Period.year_of(2025))[province.pk]["online_dossier_rate"].value == Decimal("75.0000")
    assert RoundKind.YEAR_END and Round.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_new_index_result_reevaluates_open_rounds(tree, indicators, staff):
    a = tree["commune_a"]
    _, _, round_, (pa, _) = make_campaign(tree, criteria=[
        {"code": "tren-90", "indicator_code": "par_index", "comparator": Comparator.GTE, "threshold": Decimal(90)},
    ])
    evaluate_participant(pa, round_)
    assert CriterionResult.objects.get(participant=pa).met is None  # no result yet
    set_index_result(unit=a, year=2023, index_code="par_index", score=Decimal("91.2"), actor=staff)
    assert CriterionResult.objects.get(participant=pa).met is True


@pytest.mark.django_db
def test_highest_and_lowest_in_group_rank_1_2_2_4(tree, indicators):
    """A max/min criterion places each member among the group's known values once
    sorted (issue 14: it compared every member with the whole group, quadratic)."""
    a, b, office, dept = tree["commune_a"], tree["commune_b"], tree["office"], tree["department"]
    make_dossiers(a, JAN, online=1, direct=1)       # 50 %
    make_dossiers(b, JAN, online=2, direct=2)       # 50 %
    make_dossiers(office, JAN, online=9, direct=1)  # 90 %
    make_dossiers(dept, JAN, online=1, direct=4)    # 20 %
    _, _, round_, participants = make_campaign(tree, units=[a, b, office, dept], criteria=[
        {"code": "cao-nhat", "indicator_code": "online_dossier_rate", "comparator": Comparator.MAX},
        {"code": "thap-nhat", "indicator_code": "online_dossier_rate", "comparator": Comparator.MIN},
    ])
    recompute_now()
    places = {(r.criterion.code, r.participant.unit_id): (r.met, r.detail["rank_in_group"], r.detail["group_size"])
              for r in CriterionResult.objects.filter(round=round_).select_related("criterion", "participant")}
    assert [places[("cao-nhat", u.pk)] for u in (office, a, b, dept)] == [(True, 1, 4), (False, 2, 4), (False, 2, 4),
                                                                         (False, 4, 4)]
    assert [places[("thap-nhat", u.pk)] for u in (dept, a, b, office)] == [(True, 1, 4), (False, 2, 4), (False, 2, 4),
                                                                          (False, 4, 4)]
    [high, _] = evaluate_participant(participants[0], round_, save=False)
    assert "cao nhất nhóm: 90" in high.detail["explanation"] and "hạng 2/4" in high.detail["explanation"]


def _bound_copy(formset) -> dict:
    """The POST a browser sends for ``formset`` unchanged (its saved forms only)."""
    data: dict = {f"{formset.prefix}-TOTAL_FORMS": str(formset.initial_form_count()),
                  f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
                  f"{formset.prefix}-MIN_NUM_FORMS": "0", f"{formset.prefix}-MAX_NUM_FORMS": "1000"}
    for form in formset.initial_forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value.pk if hasattr(value, "pk") else value)
    return data


@pytest.mark.django_db
def test_edited_threshold_reevaluates_without_any_upload(tree, indicators, staff, django_capture_on_commit_callbacks):
    """Staff raise a threshold on the campaign page: the open round's stored results
    follow at once (a hand-off by the ``campaign_configured`` signal), not only at the
    next upload — a leaderboard must never show results of the old configuration."""
    from campaigns.forms import section_formset
    from campaigns.services import save_campaign_section

    make_dossiers(tree["commune_a"], JAN, online=6, direct=4)  # 60 %
    campaign, _, round_, (pa, _) = make_campaign(tree, criteria=[
        {"code": "ho-so-truc-tuyen", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    assert CriterionResult.objects.get(round=round_, participant=pa).met is True

    formset = section_formset("criteria", campaign)
    data = _bound_copy(formset)
    data[formset.initial_forms[0].add_prefix("threshold")] = "70"
    bound = section_formset("criteria", campaign, data)
    assert bound.is_valid(), bound.errors
    with django_capture_on_commit_callbacks(execute=True):
        save_campaign_section(campaign, bound, actor=staff, section="criteria")
    result = CriterionResult.objects.get(round=round_, participant=pa)
    assert result.met is False and result.value == Decimal("60.0000")
    assert "70" in result.detail["explanation"]
