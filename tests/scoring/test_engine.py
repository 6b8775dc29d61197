"""The indicator engine: Σnumerator/Σdenominator over periods and subtrees, zero vs blank."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from core.periods import Period
from scoring.engine import values_for
from scoring.models import UnitMonthData
from scoring.runs import recompute_now

from .conftest import make_dossiers, procedure, report

JAN, FEB, MAR = datetime.date(2023, 1, 1), datetime.date(2023, 2, 1), datetime.date(2023, 3, 1)


@pytest.mark.django_db
def test_yearly_rate_is_sum_over_sum_not_mean_of_monthly_rates(tree, indicators):
    a = tree["commune_a"]
    # January: 1 of 1 online (100%); February: 1 of 9 online (11.1%).
    make_dossiers(a, JAN, online=1)
    make_dossiers(a, FEB, online=1, direct=8)
    recompute_now()
    value = values_for([a.pk], Period.year_of(2023))[a.pk]["online_dossier_rate"]
    assert (value.numerator, value.denominator) == (2, 10)
    assert value.value == Decimal("20.0000")
    mean_of_months = (Decimal(100) + Decimal(100) / 9) / 2
    assert value.value != mean_of_months.quantize(Decimal("0.0001"))


@pytest.mark.django_db
def test_parent_aggregates_children_numerators_and_denominators(tree, indicators):
    a, b = tree["commune_a"], tree["commune_b"]
    make_dossiers(a, JAN, online=9, direct=1)      # 90%
    make_dossiers(b, JAN, online=10, direct=90)    # 10%
    recompute_now()
    values = values_for([tree["district"].pk, tree["province"].pk, a.pk], Period.month(2023, 1))
    district = values[tree["district"].pk]["online_dossier_rate"]
    assert (district.numerator, district.denominator, district.value) == (19, 110, Decimal("17.2727"))
    assert values[tree["province"].pk]["online_dossier_rate"].value == district.value
    assert values[a.pk]["online_dossier_rate"].value == Decimal("90.0000")


@pytest.mark.django_db
def test_zero_is_not_blank(tree, indicators):
    a, b = tree["commune_a"], tree["commune_b"]
    report(a, JAN, received_total=5, received_online=0, received_direct_postal=5, resolved_total=5, resolved_on_time=5)
    recompute_now()
    values = values_for([a.pk, b.pk], Period.month(2023, 1))
    late_a = values[a.pk]["late_dossiers"]
    assert late_a.value == 0 and late_a.measurable
    late_b = values[b.pk]["late_dossiers"]
    assert late_b.value is None and not late_b.measurable
    assert not UnitMonthData.objects.filter(unit=b).exists()
    # Optional report columns left blank stay blank: no payment rate, not 0 %.
    assert values[a.pk]["online_payment_rate"].value is None


@pytest.mark.django_db
def test_report_wins_over_dossiers_for_its_columns(tree, indicators):
    a = tree["commune_a"]
    make_dossiers(a, JAN, online=3, direct=1, resolved=datetime.date(2023, 1, 20), due=datetime.date(2023, 1, 15))
    report(a, JAN, received_total=40, received_online=30, received_direct_postal=10, resolved_total=4, resolved_late=4)
    recompute_now()
    row = UnitMonthData.objects.get(unit=a, month=JAN)
    assert row.source == "both"
    assert (row.received_in_period, row.received_online) == (40, 30)  # the report's
    assert row.received_online_full == 3  # only the dossiers know the full/partial split
    assert row.resolved_late == 4


@pytest.mark.django_db
def test_distinct_procedures_counted_once_over_the_period(tree, indicators):
    a = tree["commune_a"]
    procedure(a, "P1")
    procedure(a, "P2")
    procedure(a, "P3", level="none")
    make_dossiers(a, JAN, online=2, procedure="P1")
    make_dossiers(a, FEB, online=1, procedure="P1")
    make_dossiers(a, MAR, direct=1, procedure="P2")
    recompute_now()
    v = values_for([a.pk], Period.quarter(2023, 1))[a.pk]["online_procedure_rate"]
    # P1 had online dossiers in two months but counts once; P2 only direct ones.
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.0000"))


@pytest.mark.django_db
def test_late_and_pending_overdue(tree, indicators):
    a = tree["commune_a"]
    make_dossiers(a, JAN, direct=2, due=datetime.date(2023, 1, 15), resolved=datetime.date(2023, 1, 20))  # late
    make_dossiers(a, JAN, direct=1, due=datetime.date(2023, 1, 25))  # never resolved: overdue from 25/01
    make_dossiers(a, JAN, direct=1, due=datetime.date(2023, 1, 25), resolved=datetime.date(2023, 1, 24))  # early
    recompute_now()
    v = values_for([a.pk], Period.month(2023, 1))[a.pk]
    assert v["late_dossiers"].value == 3
    assert v["on_time_rate"].value == Decimal("33.3333")  # 1 early / 3 resolved (the overdue one is in late_dossiers)


@pytest.mark.django_db
def test_stocks_match_a_dossier_by_dossier_count(tree):
    """Carried over, pending and overdue at each month's end, set-based, equal a
    plain count over the dossiers (same-month, spanning, unresolved and undated-due
    dossiers mixed)."""
    import random

    from core.periods import month_end
    from scoring.onestop.models import Dossier

    from .conftest import dossier

    rnd = random.Random(20231)
    a = tree["commune_a"]
    rows = []
    for _ in range(300):
        received = datetime.date(2023, 1, 1) + datetime.timedelta(days=rnd.randrange(120))
        due = None if rnd.random() < 0.1 else received + datetime.timedelta(days=rnd.choice((0, 3, 10, 25, 40)))
        resolved = None if rnd.random() < 0.2 else received + datetime.timedelta(days=rnd.choice((0, 2, 12, 30, 65)))
        rows.append(dossier(a, received, due=due, resolved=resolved))
    Dossier.objects.bulk_create(rows)
    recompute_now()
    today = datetime.date.today()
    stored = {r.month: r for r in UnitMonthData.objects.filter(unit=a)}
    assert stored
    for m, row in stored.items():
        end = month_end(m)
        asof = min(end, today)
        open_at_end = [d for d in rows if d.received_on <= end and (d.resolved_on is None or d.resolved_on > end)]
        assert row.carried_over == sum(1 for d in rows if d.received_on < m and (d.resolved_on is None or d.resolved_on >= m)), m
        assert row.pending_total == len(open_at_end), m
        assert row.pending_overdue == sum(1 for d in open_at_end if d.due_on is not None and d.due_on < asof), m
        assert row.pending_in_time == row.pending_total - row.pending_overdue


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the scan hint is SQLite's (scripts/test.sh runs this on SQLite too)")
def test_sqlite_table_scan_and_index_give_the_same_rows(tree, monkeypatch):
    """On SQLite a chunk whose units hold most dossiers is read by a table scan
    instead of the index; both ways must store exactly the same derived rows."""
    import random

    from scoring import recompute
    from scoring.models import ProcedureMonth
    from scoring.onestop.models import Dossier

    from .conftest import dossier

    rnd = random.Random(7)
    rows = []
    for unit in (tree["commune_a"], tree["commune_b"], tree["office"]):
        for _ in range(200):
            received = datetime.date(2023, 1, 1) + datetime.timedelta(days=rnd.randrange(150))
            resolved = None if rnd.random() < 0.2 else received + datetime.timedelta(days=rnd.choice((0, 5, 20, 45)))
            rows.append(dossier(unit, received, channel=rnd.choice(("online", "direct", "postal")), level=rnd.choice(("full", "partial")),
                                resolved=resolved, due=received + datetime.timedelta(days=10), procedure=f"P{rnd.randrange(6)}",
                                paid_online=rnd.random() < 0.3, satisfaction=rnd.choice((None, 1, 2, 3))))
    Dossier.objects.bulk_create(rows)
    ids = [tree["commune_a"].pk, tree["commune_b"].pk]  # two thirds of the table
    months = [datetime.date(2023, m, 1) for m in range(1, 8)]

    def snapshot() -> tuple[list, list]:
        umd = sorted((r.pop("unit_id"), str(r.pop("month")), sorted(r.items()))
                     for r in UnitMonthData.objects.filter(unit_id__in=ids).values(*[
                         f.attname for f in UnitMonthData._meta.concrete_fields if f.attname not in ("id", "computed_at")]))
        pm = sorted(ProcedureMonth.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "month", "procedure_code", "dossiers", "online", "postal", "paid_online"))
        return umd, pm

    monkeypatch.setattr(recompute, "SQLITE_SCAN_SHARE", 0.25)
    assert recompute._dossier_source(ids).endswith("NOT INDEXED")
    recompute_now(unit_ids=ids, months=months)
    scanned = snapshot()
    monkeypatch.setattr(recompute, "SQLITE_SCAN_SHARE", 2.0)
    assert not recompute._dossier_source(ids).endswith("NOT INDEXED")
    recompute_now(unit_ids=ids, months=months)
    indexed = snapshot()
    assert scanned[0] and scanned[1]
    assert scanned == indexed


@pytest.mark.django_db
def test_subtree_sums_roll_units_up_with_each_units_last_month(tree, indicators, django_assert_num_queries):
    """Issue 14: subtrees are walked down the tree (not a path-prefix join of every
    target with every unit). A parent's stock ("last" element) is the sum of each
    unit's value in its own last month with data; the query count does not depend
    on the number of targets; each formula is parsed once per process."""
    from scoring.engine import element_sums
    from scoring.expressions import _compile

    a, b = tree["commune_a"], tree["commune_b"]
    report(a, JAN, received_total=4, received_online=1, received_direct_postal=3, pending_total=7)
    report(a, FEB, received_total=2, received_online=2, received_direct_postal=0, pending_total=5)
    report(b, JAN, received_total=6, received_online=3, received_direct_postal=3, pending_total=11)
    recompute_now()
    q1 = Period.quarter(2023, 1)
    with django_assert_num_queries(3):
        one = element_sums([a.pk], q1)
    targets = [tree[k].pk for k in ("province", "district", "commune_a", "commune_b", "office", "department")]
    with django_assert_num_queries(3):
        sums = element_sums(targets, q1)
    assert one[a.pk] == sums[a.pk]
    assert (sums[a.pk]["received_in_period"], sums[a.pk]["pending_total"], sums[a.pk]["_months"]) == (6, 5, 2)
    for parent in ("district", "province"):
        got = sums[tree[parent].pk]
        assert (got["received_in_period"], got["received_online"], got["pending_total"], got["_months"]) == (12, 6, 16, 3)
    assert tree["office"].pk not in sums and tree["department"].pk not in sums  # no data: blank, not zero
    values_for(targets, q1)
    parsed = _compile.cache_info().misses
    values_for(targets, q1)
    assert _compile.cache_info().misses == parsed and _compile.cache_info().hits > 0
