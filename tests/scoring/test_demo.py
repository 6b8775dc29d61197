"""The demo: seed targets show computed values (met or not); a second run changes nothing."""

from __future__ import annotations

import datetime

import pytest

from campaigns.demo import load_base
from campaigns.models import Campaign
from organization.models import Unit
from scoring import demo
from scoring.models import CriterionResult, IndexResult, RecomputeRun

from .conftest import make_dossiers, procedure


@pytest.mark.django_db
def test_demo_computes_seed_targets_and_is_idempotent():
    load_base()
    # Facts stand in for the one-stop demo uploads (tested by the one-stop app).
    for code in ("DT-TAMNONG-TRAMCHIM", "DT-TAMNONG-PHUCUONG", "DT-TAMNONG-PNV", "PY-SONGHINH-EALY"):
        unit = Unit.objects.get(code=code)
        procedure(unit, "P1")
        for month in range(1, 13):
            make_dossiers(unit, datetime.date(2023 if "TAMNONG" in code else 2022, month, 1), online=3, direct=2,
                          postal=1, procedure="P1", resolved=datetime.date(2023 if "TAMNONG" in code else 2022, month, 20),
                          due=datetime.date(2023 if "TAMNONG" in code else 2022, month, 25), satisfaction=3,
                          paid_online=True, fee_bearing=True, electronic_result=True, returned_by_post=True)
    demo.load()
    tam_nong = Campaign.objects.get(code="tam-nong-2023")
    results = CriterionResult.objects.filter(round__campaign=tam_nong, participant__unit__code="DT-TAMNONG-PHUCUONG",
                                             criterion__kind="indicator")
    by_code = {r.criterion.indicator_code: r for r in results}
    for code in ("online_procedure_rate", "online_dossier_rate", "online_payment_rate", "e_certified_copies", "late_dossiers"):
        assert by_code[code].met is not None, (code, by_code[code].detail)
    assert by_code["staff_online_rate"].met is None  # attested: no staff data
    ea_ly = CriterionResult.objects.filter(round__campaign__code="ea-ly-par-2022", criterion__kind="indicator")
    measured = {r.criterion.indicator_code: r.met for r in ea_ly}
    assert measured["par_index"] is True  # 81,5 ≥ 80 (demo result)
    assert all(v is not None for v in measured.values()), measured
    assert IndexResult.objects.filter(is_demo=True).exists()
    counts = (RecomputeRun.objects.count(), IndexResult.objects.count(), CriterionResult.objects.count())
    demo.load()
    assert (RecomputeRun.objects.count(), IndexResult.objects.count(), CriterionResult.objects.count()) == counts
