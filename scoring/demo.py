"""Demo data of the scoring app, called by ``load_demo`` after the one-stop demo
uploads: plausible yearly index results (PAR INDEX, DDCI) clearly marked as demo,
and a recomputation so that the seed campaigns' targets show computed values.
The default indicators are not demo data: the data migration
(``scoring/migrations/0003_default_indicators``) creates them on every install.
Idempotent: a second run changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Max

from campaigns.choices import RoundStatus
from campaigns.models import Participant, Round
from core.system import SYSTEM
from organization.models import Unit
from scoring.onestop.models import Dossier, MonthlyReport

from .choices import RunStatus
from .criteria import evaluate_participants
from .models import IndexResult, RecomputeRun
from .runs import recompute_now
from .services import set_index_result

DEMO_SOURCE = "Số liệu mẫu minh họa (không phải kết quả công bố chính thức)"

# (unit code, index, {year: (score, rank)}): chosen so that each "improve" rule
# of the seeds has examples that are met and not met.
DEMO_INDEX_RESULTS: list[tuple[str, str, dict[int, tuple[str, int | None]]]] = [
    # Hà Nam – Sở GTVT: "tăng điểm hoặc tăng bậc" and "từ 90 điểm trở lên".
    ("HNA-SGTVT", "par_index", {2022: ("88.41", 9), 2023: ("90.27", 6), 2024: ("91.05", 5)}),
    ("HNA-SGTVT-VP", "par_index", {2022: ("86.50", 3), 2023: ("90.40", 1), 2024: ("91.10", 1)}),
    ("HNA-SGTVT-QLVT", "par_index", {2022: ("84.10", 4), 2023: ("83.90", 2), 2024: ("85.00", 2)}),
    ("HNA-SGTVT-KHTC", "par_index", {2022: ("88.00", 1), 2023: ("87.20", 3), 2024: ("86.90", 4)}),
    ("HNA-SGTVT-TTDK", "par_index", {2022: ("87.30", 2), 2023: ("89.10", 4), 2024: ("90.20", 3)}),
    # Nguyên Bình: "tăng điểm so với năm trước" for PAR INDEX and DDCI.
    ("CB-NGUYENBINH-PNV", "par_index", {2022: ("82.15", 2), 2023: ("84.60", 1)}),
    ("CB-NGUYENBINH-PVHTT", "par_index", {2022: ("80.40", 3), 2023: ("79.95", 3)}),
    ("CB-NGUYENBINH-TTVH", "par_index", {2022: ("83.00", 1), 2023: ("83.75", 2)}),
    ("CB-NGUYENBINH-TTNB", "par_index", {2022: ("78.20", 1), 2023: ("80.10", 1)}),
    ("CB-NGUYENBINH-TINHTUC", "par_index", {2022: ("75.60", 2), 2023: ("77.05", 2)}),
    ("CB-NGUYENBINH-THANHCONG", "par_index", {2022: ("72.90", 3), 2023: ("72.40", 3)}),
    ("CB-NGUYENBINH-PNV", "ddci", {2022: ("68.20", 4), 2023: ("71.35", 2)}),
    ("CB-NGUYENBINH-PVHTT", "ddci", {2022: ("70.10", 2), 2023: ("72.00", 1)}),
    ("CB-NGUYENBINH-TTVH", "ddci", {2022: ("69.50", 3), 2023: ("68.80", 4)}),
    ("CB-NGUYENBINH-TTNB", "ddci", {2022: ("66.00", 2), 2023: ("67.40", 2)}),
    ("CB-NGUYENBINH-TINHTUC", "ddci", {2022: ("64.30", 3), 2023: ("63.90", 3)}),
    ("CB-NGUYENBINH-THANHCONG", "ddci", {2022: ("62.10", 4), 2023: ("65.25", 4)}),
    # Ea Ly: the 2022 plan aims at ≥ 80 points. The 2021 results come from the
    # PAR-index demo (the seed's appraised points); 2022 here is illustrative until
    # the demo's 2022 self-assessment is finalized, which replaces it.
    ("PY-SONGHINH-EALY", "par_index", {2022: ("81.50", 3)}),
    ("PY-SONGHINH-EABIA", "par_index", {2022: ("79.30", 5)}),
    ("PY-SONGHINH-HAIRIENG", "par_index", {2022: ("82.10", 2)}),
    # Tam Nông: previous and current year, for the year-over-year columns.
    *[(code, "par_index", {2022: (s22, None), 2023: (s23, None)}) for code, s22, s23 in (
        ("DT-TAMNONG-TRAMCHIM", "85.10", "87.45"), ("DT-TAMNONG-PHUCUONG", "80.25", "83.10"),
        ("DT-TAMNONG-PHUDUC", "81.40", "80.90"), ("DT-TAMNONG-ANLONG", "79.80", "82.35"),
        ("DT-TAMNONG-ANHOA", "78.60", "79.20"), ("DT-TAMNONG-PHUTHANHA", "77.90", "81.05"),
    )],
]


def _enter_index_results() -> int:
    units = {u.code: u for u in Unit.objects.filter(code__in={c for c, _, _ in DEMO_INDEX_RESULTS})}
    existing = set(IndexResult.objects.values_list("unit__code", "index_code", "year"))
    created = 0
    for code, index, years in DEMO_INDEX_RESULTS:
        unit = units.get(code)
        if unit is None:
            continue
        for year, (score, rank) in years.items():
            if (code, index, year) in existing:
                continue  # never overwrite what staff entered or corrected
            # No re-evaluation per row: the recomputation below evaluates everything.
            set_index_result(unit=unit, year=year, index_code=index, score=Decimal(score), rank=rank,
                             source=DEMO_SOURCE, actor=SYSTEM, is_demo=True, reevaluate=False)
            created += 1
    return created


def _facts_changed_since_last_run() -> bool:
    last = RecomputeRun.objects.filter(status=RunStatus.DONE).aggregate(m=Max("finished_at"))["m"]
    if last is None:
        return True
    stamps = [
        Dossier.objects.aggregate(m=Max("updated_at"))["m"],
        MonthlyReport.objects.aggregate(m=Max("updated_at"))["m"],
    ]  # index results re-evaluate the criteria themselves (set_index_result)
    return any(s is not None and s > last for s in stamps)


def load(stdout: Any = None) -> None:
    """Demo index results, then a full recomputation if facts changed."""
    created_idx = _enter_index_results()
    rows = None
    if created_idx or _facts_changed_since_last_run():
        rows = recompute_now(reason="Dữ liệu mẫu: tính lại toàn bộ chỉ số")
        # Every open round of the seed campaigns gets its criterion results, even
        # those whose period has no one-stop data (they show "chưa có số liệu").
        for round_ in Round.objects.filter(campaign__is_demo=True, status=RoundStatus.OPEN).select_related("campaign"):
            evaluate_participants(round_, list(Participant.objects.filter(campaign=round_.campaign)))
    if stdout is not None:
        stdout.write(
            f"Chấm điểm: {created_idx} kết quả chỉ số năm (mẫu) mới, "
            + (f"đã tính lại ({rows} dòng số liệu).\n" if rows is not None else "số liệu không đổi, không tính lại.\n")
        )
