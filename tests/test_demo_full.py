"""The README's run command loads this demo: the whole of it, end to end.

A year of one-stop uploads for the seed units through the real import path, the
recomputation, and then the seed targets show computed values (met or not); a
second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Campaign
from scoring.models import CriterionResult, RecomputeRun
from scoring.onestop.models import Dossier, ImportBatch

TAM_NONG_TARGETS = ["online_procedure_rate", "online_dossier_rate", "online_payment_rate",
                    "e_certified_copies", "late_dossiers"]


@pytest.mark.django_db
def test_load_demo_computes_the_seed_targets_and_is_idempotent(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Tài khoản mẫu (mật khẩu chung: CchcDemo@2026)" in text
    assert Campaign.objects.filter(is_demo=True).count() == 6  # five plans + Hà Nam's provincial parent
    batches = ImportBatch.objects.filter(status="committed").count()
    assert batches >= 150 and Dossier.objects.count() > 5_000

    tam_nong = Campaign.objects.get(code="tam-nong-2023")
    first_round = tam_nong.rounds.order_by("order").first()
    results = CriterionResult.objects.filter(round=first_round, criterion__indicator_code__in=TAM_NONG_TARGETS,
                                             participant__unit__isnull=False)
    by_code: dict[str, list] = {}
    for r in results.select_related("criterion"):
        by_code.setdefault(r.criterion.indicator_code, []).append(r.met)
    assert sorted(by_code) == sorted(TAM_NONG_TARGETS)
    for code, mets in by_code.items():
        assert len(mets) == 10 and all(m is not None for m in mets), (code, mets)  # 4 offices + 6 communes
    assert {True, False} <= {m for mets in by_code.values() for m in mets}  # some met, some not

    ea_ly = CriterionResult.objects.filter(round__campaign__code="ea-ly-par-2022", criterion__kind="indicator")
    assert ea_ly.count() >= 5 and all(r.met is not None for r in ea_ly)

    # The dashboards a leader opens show them.
    client.login(username="tamnong.thidua", password="CchcDemo@2026")
    page = client.get(reverse("scoring:leaderboard", args=["tam-nong-2023", first_round.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Chưa đạt" in html and ">Đạt<" in html

    counts = (ImportBatch.objects.count(), Dossier.objects.count(), RecomputeRun.objects.count(),
              CriterionResult.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "0 lượt tải mới được ghi nhận" in out.getvalue()
    assert (ImportBatch.objects.count(), Dossier.objects.count(), RecomputeRun.objects.count(),
            CriterionResult.objects.count()) == counts
