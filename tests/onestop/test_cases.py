"""Real-shaped one-stop exports in, right numbers out (issue 15, acceptance 1).

Every case of ``tests/data/onestop_cases/cases.json`` (copied from the shared case
set so that CI does not depend on it) goes through the import service as an
officer's upload would: ``create_batch`` → parse (the task run on commit, in
process) → ``confirm_batch`` → the recomputation run on commit. The cases named
in ``pre`` are imported first and those in ``after`` afterwards. Then the
``expect`` field is checked:

- a dict of indicator figures: the numerator and denominator (or the value) of
  each named indicator for the case's ``ind_unit`` over its ``period``, read
  through the scoring engine (``scoring.engine.values_for`` / ``element_sums``);
- a dict of months (D08): data elements of each month;
- a sentence: the behaviour it states (``SENTENCES`` below, one checker per case).

The units are those of the demo registry (``campaigns.demo.UNITS``) for the two
districts the files name, built without the demo's campaigns or data.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.periods import Period, month_end
from organization.choices import Role
from organization.models import Unit
from scoring.defaults import ensure_default_indicators
from scoring.engine import element_sums, values_for
from scoring.onestop import services
from scoring.onestop.models import ImportBatch, ImportStatus, Procedure
from tests.conftest import make_user
from tests.onestop.helpers import upload

DATA = Path(__file__).resolve().parent.parent / "data" / "onestop_cases"
CASES: list[dict[str, Any]] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}

#: The case file's names for the figures → (kind, code) in the scoring engine:
#: ("indicator", code) compares numerator/denominator (or the value of a count),
#: ("element", expression) a data element (or a sum of them, "a+b"), ("ratio",
#: "numerator/denominator") a pair of element sums.
#: "on_time" is what the case file counts and the on_time_rate indicator computes:
#: dossiers resolved early or on time among those resolved (Biểu II.06a columns
#: 8+9 over 7).
FIGURES: dict[str, tuple[str, str]] = {
    "online_dossier_rate": ("indicator", "online_dossier_rate"),
    "on_time": ("indicator", "on_time_rate"),
    "online_payment_rate": ("indicator", "online_payment_rate"),
    "satisfaction": ("indicator", "satisfaction_rate"),
    "electronic": ("indicator", "digitized_result_rate"),
    "late_dossiers": ("indicator", "late_dossiers"),
    "late_resolved": ("element", "resolved_late"),
    # D08's per-month figures
    "received": ("element", "received_in_period"),
    "received_in_period": ("element", "received_in_period"),
    "pending_end": ("element", "pending_total"),
    "carried_over": ("element", "carried_over"),
    "resolved": ("element", "resolved_total"),
}
MONTH_KEYS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
              "nov": 11, "dec": 12}


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


@pytest.fixture
def world(db):
    """The two districts of the case files (units of the demo registry, no demo data),
    a staff member of each province to upload, and the default indicators."""
    from campaigns.demo import UNITS

    units: dict[str, Unit] = {}
    for code, name, kind, parent, place, _until in UNITS:
        if code.split("-")[0] not in ("QT", "CB"):
            continue
        units[code] = Unit.objects.create(code=code, name=name, kind=kind, parent=units.get(parent) if parent else None,
                                          place_name=place)
    actors = {prov: make_user(f"thidua_{prov.lower()}", units[prov], Role.STAFF) for prov in ("QT", "CB")}
    ensure_default_indicators()
    return units, actors


def run_import(case: dict[str, Any], world, capture) -> dict[str, Any]:
    """Upload the case's file for its unit, parse, and confirm when the file is ready.

    Returns {"batch": ImportBatch | None, "already": AlreadyImported | None}."""
    units, actors = world
    unit = units[case["unit"]]
    actor = actors[case["unit"].split("-")[0]]
    data = (DATA / case["file"]).read_bytes()
    month = _month(case["month"]) if case.get("month") else None
    try:
        with capture(execute=True):
            batch = services.create_batch(unit, case["kind"], upload(data, case["file"]), actor=actor, month=month)
    except services.AlreadyImported as exc:
        return {"batch": None, "already": exc}
    batch.refresh_from_db()
    if batch.status == ImportStatus.READY:
        # The officer ticks "I understand what the file cannot measure" when the
        # preview lists gaps (the cases are files that must go in).
        with capture(execute=True):
            services.confirm_batch(batch, actor=actor, accept_gaps=True)
        batch.refresh_from_db()
    return {"batch": batch, "already": None}


def _describe(batch: ImportBatch) -> str:
    errors = "; ".join(e["message"] for e in (batch.errors or [])[:5])
    return f"{batch.file_name}: {batch.get_status_display()} – {batch.message} {errors}"


def _committed(outcome: dict[str, Any]) -> ImportBatch:
    batch = outcome["batch"]
    assert batch is not None, "tệp bị coi là đã tải"
    assert batch.status == ImportStatus.COMMITTED, _describe(batch)
    return batch


def _figure(unit: Unit, period: Period, name: str) -> Any:
    kind, code = FIGURES[name]
    if kind == "indicator":
        value = values_for([unit.pk], period)[unit.pk][code]
        if value.denominator is None:
            return None if value.value is None else int(value.value)
        return [int(value.numerator), int(value.denominator)]
    sums = element_sums([unit.pk], period).get(unit.pk, {})

    def total(expr: str) -> int | None:
        parts = [sums.get(c) for c in expr.split("+")]
        return None if any(p is None for p in parts) else int(sum(parts, Decimal(0)))

    if kind == "ratio":
        num, den = code.split("/")
        return [total(num), total(den)]
    return total(code)


def check_figures(case: dict[str, Any], world) -> None:
    units, _ = world
    unit = units[case["ind_unit"]]
    start, end = (_month(m) for m in case["period"])
    expect = case["expect"]
    if set(expect) <= set(MONTH_KEYS):  # figures of single months
        got, want = {}, {}
        for key, figures in expect.items():
            month = next(m for m in Period.between(start, end).months() if m.month == MONTH_KEYS[key])
            for name, value in figures.items():
                # A count here ("on_time": 4) is the numerator of the figure.
                figure = _figure(unit, Period.month(month.year, month.month), name)
                got[f"{key}.{name}"] = figure[0] if isinstance(figure, list) and not isinstance(value, list) else figure
                want[f"{key}.{name}"] = value
        assert got == want
        return
    period = Period.between(start, end)
    got = {name: _figure(unit, period, name) for name in expect}
    assert got == expect, f"{case['id']} ({month_end(end)})"


# --- sentence expectations: the behaviour each states ---------------------------------------


def _standard_figures(case: dict[str, Any]) -> dict[str, Any]:
    """The figures the dossier baseline (D01) gives: what a readable D-file must give."""
    return BY_ID["D01"]["expect"]


def expect_c0(case, outcome, world):
    batch = _committed(outcome)
    assert Procedure.objects.filter(unit=batch.unit).count() == 5
    assert batch.counts["new"] == 5


def expect_c1(case, outcome, world):
    batch = _committed(outcome)
    levels = sorted(Procedure.objects.filter(unit=batch.unit).values_list("online_level", flat=True))
    assert levels == ["full", "full", "none", "partial", "partial"]


def expect_c2(case, outcome, world):
    batch = _committed(outcome)
    codes = set(Procedure.objects.filter(unit=batch.unit).values_list("code", flat=True))
    assert codes == {"1.001612", "2.000908", "1.004227", "1.000890", "2.001120"}
    warnings = " ".join(batch.reading.get("warnings", []))
    assert re.search(r"1\.00089\b.*1\.000890", warnings), warnings


def expect_d07(case, outcome, world):
    batch = outcome["batch"]
    assert batch.status == ImportStatus.INVALID
    row_errors = [e for e in batch.errors if e["row"]]
    assert row_errors and all("trước ngày tiếp nhận" in e["message"] for e in row_errors), batch.errors
    assert re.match(r"^Dòng \d+, cột 'Ngày giải quyết xong': ", row_errors[0]["message"])


def expect_readable(case, outcome, world):
    """"accepted, or refused naming the real format": this project reads them, so
    the file must give the baseline's figures."""
    _committed(outcome)
    check_figures({**case, "expect": _standard_figures(case)}, world)


def expect_d08a(case, outcome, world):
    """The September file alone, before any catalogue: accepted; its procedures are
    registered into the unit's catalogue, unconfirmed, with one warning."""
    batch = _committed(outcome)
    assert Procedure.objects.filter(unit=batch.unit, is_confirmed=False).exists()
    warnings = [w for w in batch.reading.get("warnings", []) if "chưa có trong danh mục" in w]
    assert len(warnings) == 1, batch.reading.get("warnings")


def expect_no_online_split(case, outcome, world):
    batch = outcome["batch"]
    assert batch.status == ImportStatus.INVALID, _describe(batch)
    assert "trực tuyến" in " ".join(e["message"] for e in batch.errors).lower(), batch.errors


def expect_legacy_font(case, outcome, world):
    batch = outcome["batch"]
    if batch.status == ImportStatus.INVALID:
        text = " ".join(e["message"] for e in batch.errors)
        assert re.search(r"TCVN3|\.VnTime|phông chữ cũ", text), batch.errors
    else:
        _committed(outcome)
        check_figures({**case, "expect": BY_ID["R01"]["expect"]}, world)


def expect_csv(case, outcome, world):
    """"accepted, or refused with a message that says 'CSV: save as .xlsx'". This
    file's unquoted commas ("Có phí, lệ phí") shift its columns, so it is refused
    with that message; a well-formed CSV is read (``test_parsing``)."""
    batch = outcome["batch"]
    if batch.status == ImportStatus.INVALID:
        assert re.search(r"CSV: lưu thành \.xlsx", batch.errors[0]["message"]), batch.errors
    else:
        expect_readable(case, outcome, world)


SENTENCES = {
    "C0": expect_c0, "C1": expect_c1, "C2": expect_c2, "D07": expect_d07, "D08a": expect_d08a,
    "D14": expect_csv, "D15": expect_readable, "D16": expect_readable,
    "R08": expect_no_online_split, "R10": expect_no_online_split, "R16": expect_legacy_font,
}


def test_every_sentence_case_has_a_checker():
    sentences = {c["id"] for c in CASES if not isinstance(c["expect"], dict)}
    assert sentences == set(SENTENCES)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, world, django_capture_on_commit_callbacks):
    for pre in case["pre"]:
        outcome = run_import(BY_ID[pre], world, django_capture_on_commit_callbacks)
        _committed(outcome)
    outcome = run_import(case, world, django_capture_on_commit_callbacks)
    for after in case["after"]:
        later = run_import(BY_ID[after], world, django_capture_on_commit_callbacks)
        if later["batch"] is not None:
            _committed(later)
    if isinstance(case["expect"], dict):
        _committed(outcome)
        check_figures(case, world)
    else:
        SENTENCES[case["id"]](case, outcome, world)
