"""Provenance of an indicator value ("Giải thích con số"): what a value a user sees
is made of, so that a council can trust a ranking.

For one unit's subtree, one indicator and one period: the definition and the text it
implements (``basis``), the formula with the numerator's and denominator's
expressions, each data element they use with its Σ over the period, the same per
month (for elements that add up month by month), the units and months that had data
and from which source, and the committed uploads (``ImportBatch``) whose rows the
value now stands on: the batches that last wrote the period's dossiers
(``Dossier.last_batch``), the monthly reports (``MonthlyReport.batch``), the
procedure catalogue (``Procedure.last_batch``) when the formula reads it, and any
other committed upload of those units for those months (superseded since).

A fixed number of SQL queries whatever the number of units, months or uploads
(asserted in ``tests/scoring/test_provenance.py``).
"""

from __future__ import annotations

import ast
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from core import formats
from core.periods import Period, as_date, month_key
from organization.models import Unit
from scoring.onestop.models import Dossier, ImportBatch, ImportStatus, MonthlyReport, Procedure

from .choices import Aggregation, FormulaKind
from .elements import BY_CODE
from .engine import (
    IndicatorValue,
    compute,
    definitions,
    element_sums,
    format_value,
    index_results,
    monthly_series,
)
from .expressions import evaluate
from .models import IndexResult, IndicatorDefinition, UnitMonthData

#: How many units the page lists by name (a province has thousands; the totals
#: still count them all).
UNIT_LIST_LIMIT = 200

SOURCE_LABELS = {
    "report": "Báo cáo II.06a",
    "dossiers": "Danh sách hồ sơ",
    "both": "Báo cáo II.06a (ưu tiên) và danh sách hồ sơ",
}


def element_names(expression: str) -> list[str]:
    """The data elements an expression uses, in order of first appearance
    (``"resolved_early + resolved_on_time"`` → ``["resolved_early", "resolved_on_time"]``)."""
    if not expression or not expression.strip():
        return []
    nodes = [n for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name) and n.id in BY_CODE]
    names: list[str] = []
    for node in sorted(nodes, key=lambda n: n.col_offset):  # ast.walk is breadth-first
        if node.id not in names:
            names.append(node.id)
    return names


@dataclass
class Provenance:
    """Everything the provenance page and its JSON show (see ``as_dict`` for the shape)."""

    unit: Unit
    period: Period
    definition: IndicatorDefinition
    value: IndicatorValue
    formula: str
    terms: list[dict] = field(default_factory=list)
    components: list[dict] = field(default_factory=list)
    monthly: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    units_total: int = 0
    months: list[datetime.date] = field(default_factory=list)
    uploads: list[dict] = field(default_factory=list)
    external: IndexResult | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def value_text(self) -> str:
        d = self.definition
        text = format_value(self.value.value, d.decimals)
        if self.value.value is not None and d.unit_label:
            text += d.unit_label if d.unit_label == "%" else f" {d.unit_label}"
        return text

    @property
    def external_entered_by(self) -> str:
        return _person(self.external.entered_by) if self.external else ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"unit", "unit_name", "from", "to", "indicator": {code, name,
        group, kind, numerator, denominator, factor, basis, note}, "value": IndicatorValue
        dict, "formula", "terms": [{"part", "code", "label", "aggregation", "value"}],
        "components", "monthly": [{"month": "YYYY-MM", "numerator", "denominator"}],
        "units": [{"code", "name", "months": ["YYYY-MM"], "sources"}], "units_total",
        "months": ["YYYY-MM"], "uploads": [{"id", "file_name", "kind", "unit", "month",
        "uploaded_by", "uploaded_at", "committed_at", "rows", "rows_used", "current"}],
        "external", "notes"}`` (numbers as floats, times ISO 8601)."""
        d = self.definition
        ext = self.external
        return {
            "unit": self.unit.code, "unit_name": self.unit.name,
            "from": month_key(self.period.start), "to": month_key(self.period.end),
            "indicator": {"code": d.code, "name": d.name, "group": d.group, "kind": d.formula_kind,
                          "numerator": d.numerator, "denominator": d.denominator, "factor": float(d.factor),
                          "basis": d.basis, "note": d.note},
            "value": self.value.as_dict(), "value_text": self.value_text, "formula": self.formula,
            "terms": [{**t, "value": _f(t["value"])} for t in self.terms],
            "components": self.components,
            "monthly": [{"month": month_key(m["month"]), "numerator": _f(m["numerator"]),
                         "denominator": _f(m["denominator"])} for m in self.monthly],
            "units": [{"code": u["code"], "name": u["name"], "months": [month_key(m) for m in u["months"]],
                       "sources": u["sources"]} for u in self.units],
            "units_total": self.units_total,
            "months": [month_key(m) for m in self.months],
            "uploads": [{k: (v.isoformat() if isinstance(v, datetime.datetime | datetime.date) else v)
                         for k, v in up.items()} for up in self.uploads],
            "external": None if ext is None else {
                "year": ext.year, "score": float(ext.score), "rank": ext.rank, "source": ext.source,
                "entered_by": self.external_entered_by, "updated_at": ext.updated_at.isoformat(),
            },
            "notes": self.notes,
        }


def _f(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.username).strip()


_IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")


def expression_text(expression: str) -> str:
    """An expression as a reader sees it: each data element by its Vietnamese label from
    ``data_elements.json`` ("resolved_early + resolved_on_time" → "Giải quyết trước hạn
    + Giải quyết đúng hạn"); operators and numbers kept. The stored code is not changed."""
    return _IDENTIFIER.sub(lambda m: BY_CODE[m.group(0)].label if m.group(0) in BY_CODE else m.group(0), expression)


def formula_text(defn: IndicatorDefinition) -> str:
    """The formula in words: "Giá trị = 100 × Σ(tử số) / Σ(mẫu số)" and the like, data
    elements and component indicators named in Vietnamese (codes stay in the JSON form)."""
    kind = defn.formula_kind
    factor = formats.number(defn.factor)
    if kind == FormulaKind.RATIO:
        numerator = expression_text(defn.numerator)
        if defn.denominator.strip():
            return (f"Giá trị = {factor} × Σ tử số / Σ mẫu số, tử số = {numerator}, "
                    f"mẫu số = {expression_text(defn.denominator)}; "
                    "cộng tử số và mẫu số trên mọi tháng của kỳ và mọi đơn vị trực thuộc rồi mới chia.")
        return f"Giá trị = {factor} × Σ ({numerator}) trên mọi tháng của kỳ và mọi đơn vị trực thuộc."
    if kind == FormulaKind.POINTS:
        return ("Điểm nhóm = Σ điểm các thành phần; mỗi thành phần = min(điểm tối đa, điểm tối đa × tỷ lệ / tỷ lệ đạt "
                "tối đa), tỷ lệ = Σ tử số / Σ mẫu số trên kỳ và đơn vị trực thuộc.")
    if kind == FormulaKind.SUM:
        codes = (defn.params or {}).get("indicators", [])
        names = dict(IndicatorDefinition.objects.filter(code__in=codes).values_list("code", "name"))
        return "Tổng điểm = Σ điểm các chỉ số thành phần đã có số liệu: " + ", ".join(names.get(c, c) for c in codes)
    return "Kết quả công bố hằng năm của cơ quan có thẩm quyền, nhập hoặc tải lên (không tính từ số liệu một cửa)."


def _terms(defn: IndicatorDefinition, sums: dict[str, Decimal | None]) -> list[dict]:
    parts: list[tuple[str, str]] = []
    if defn.formula_kind == FormulaKind.RATIO:
        parts = [("Tử số", defn.numerator), ("Mẫu số", defn.denominator)]
    elif defn.formula_kind == FormulaKind.POINTS:
        for comp in (defn.params or {}).get("components", []):
            for label, key in (("Tử số", "numerator"), ("Mẫu số", "denominator")):
                if comp.get(key):
                    parts.append((f"{comp.get('label', '')}: {label.lower()}", str(comp[key])))
    terms = []
    for part, expr in parts:
        for code in element_names(expr):
            element = BY_CODE[code]
            terms.append({"part": part, "code": code, "label": element.label,
                          "aggregation": Aggregation(element.aggregation).label, "value": sums.get(code)})
    return terms


def _monthly(defn: IndicatorDefinition, unit: Unit, period: Period) -> list[dict]:
    """Σ numerator and denominator of each month (ratios of monthly elements only: a
    count of distinct procedures or the catalogue is not a sum of months)."""
    if defn.formula_kind != FormulaKind.RATIO:
        return []
    names = element_names(defn.numerator) + element_names(defn.denominator)
    if not names or any(BY_CODE[n].aggregation not in (Aggregation.SUM, Aggregation.LAST) for n in names):
        return []
    rows = []
    for month, elements in sorted(monthly_series(unit.pk, period).items()):
        rows.append({
            "month": month,
            "numerator": evaluate(defn.numerator, elements),
            "denominator": evaluate(defn.denominator, elements) if defn.denominator.strip() else None,
        })
    return rows


def _reads_catalogue(defn: IndicatorDefinition) -> bool:
    exprs = [defn.numerator, defn.denominator]
    exprs += [str(c.get(k, "")) for c in (defn.params or {}).get("components", []) for k in ("numerator", "denominator")]
    names = {n for e in exprs for n in element_names(e)}
    return any(BY_CODE[n].aggregation in (Aggregation.DISTINCT, Aggregation.CATALOG) for n in names) or any(
        n.endswith("_bcci_procedures") for n in names)


def _units_and_months(unit: Unit, period: Period) -> tuple[list[dict], int, list[datetime.date]]:
    rows = (UnitMonthData.objects.filter(unit__path__startswith=unit.path, month__gte=period.start, month__lte=period.end)
            .values_list("unit_id", "unit__code", "unit__name", "month", "source").order_by("unit__path", "month"))
    by_unit: dict[int, dict] = {}
    months: set[datetime.date] = set()
    for unit_id, code, name, month, source in rows:
        entry = by_unit.setdefault(unit_id, {"code": code, "name": name, "months": [], "sources": []})
        entry["months"].append(as_date(month))
        label = SOURCE_LABELS.get(source, source)
        if label not in entry["sources"]:
            entry["sources"].append(label)
        months.add(as_date(month))
    units = list(by_unit.values())
    return units[:UNIT_LIST_LIMIT], len(units), sorted(months)


def _uploads(unit: Unit, period: Period, catalogue: bool) -> list[dict]:
    """The committed uploads behind the value: four queries whatever their number."""
    subtree = {"unit__path__startswith": unit.path}
    used: dict[int, int] = {}
    # Dossiers touching the period: received or resolved in it, or pending across it.
    dossiers = (Dossier.objects.filter(**subtree, received_on__lte=period.last_day, last_batch__isnull=False)
                .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=period.start))
                .values("last_batch_id").annotate(n=Count("id")).order_by())
    for row in dossiers:
        used[row["last_batch_id"]] = used.get(row["last_batch_id"], 0) + row["n"]
    reports = (MonthlyReport.objects.filter(**subtree, month__gte=period.start, month__lte=period.end, batch__isnull=False)
               .values("batch_id").annotate(n=Count("id")).order_by())
    for row in reports:
        used[row["batch_id"]] = used.get(row["batch_id"], 0) + row["n"]
    if catalogue:
        procedures = (Procedure.objects.filter(**subtree, last_batch__isnull=False)
                      .values("last_batch_id").annotate(n=Count("id")).order_by())
        for row in procedures:
            used[row["last_batch_id"]] = used.get(row["last_batch_id"], 0) + row["n"]
    batches = (ImportBatch.objects.filter(status=ImportStatus.COMMITTED)
               .filter(Q(pk__in=list(used)) | Q(**subtree, month__gte=period.start, month__lte=period.end))
               .select_related("unit", "uploaded_by").order_by("-committed_at", "-pk"))
    out = []
    for b in batches:
        out.append({
            "id": b.pk, "file_name": b.file_name, "kind": b.get_kind_display(), "unit": b.unit.name,
            "month": b.month, "uploaded_by": _person(b.uploaded_by), "uploaded_at": b.created_at,
            "committed_at": b.committed_at, "rows": b.total_rows, "rows_used": used.get(b.pk, 0),
            "current": b.pk in used,
        })
    return out


def explain(unit: Unit, period: Period, code: str) -> Provenance:
    """The provenance of indicator ``code`` for ``unit``'s subtree over ``period``.
    ``IndicatorDefinition.DoesNotExist`` when no active definition has that code."""
    defs = definitions()
    by_code = {d.code: d for d in defs}
    if code not in by_code:
        raise IndicatorDefinition.DoesNotExist(code)
    defn = by_code[code]
    sums = element_sums([unit.pk], period).get(unit.pk, {})
    external = index_results([unit.pk], [period.year]) if defn.formula_kind == FormulaKind.EXTERNAL else {}
    value = compute(defn, sums, by_code=by_code, external=external, unit_id=unit.pk, year=period.year)
    prov = Provenance(unit=unit, period=period, definition=defn, value=value, formula=formula_text(defn))
    if defn.formula_kind == FormulaKind.EXTERNAL:
        prov.external = (IndexResult.objects.select_related("entered_by")
                         .filter(unit=unit, index_code=defn.code, year=period.year).first())
        if prov.external is None:
            prov.notes.append(f"Chưa có kết quả năm {period.year} của đơn vị này.")
        return prov
    prov.terms = _terms(defn, sums)
    prov.components = value.components
    prov.monthly = _monthly(defn, unit, period)
    prov.units, prov.units_total, prov.months = _units_and_months(unit, period)
    prov.uploads = _uploads(unit, period, _reads_catalogue(defn))
    if prov.units_total > UNIT_LIST_LIMIT:
        prov.notes.append(f"Chỉ liệt kê {UNIT_LIST_LIMIT} trong {prov.units_total} đơn vị có số liệu.")
    if not prov.months:
        prov.notes.append("Không đơn vị nào có số liệu trong kỳ: giá trị để trống, không phải 0.")
    missing = [m for m in period.months() if m not in set(prov.months)]
    if prov.months and missing:
        prov.notes.append("Các tháng không có số liệu (không tính, khác với 0): "
                          + ", ".join(formats.month(m) for m in missing) + ".")
    if any(not up["current"] for up in prov.uploads):
        prov.notes.append("Lượt tải “đã được thay” là tệp của cùng đơn vị và tháng mà các dòng đã được một lượt tải "
                          "sau ghi đè (mỗi hồ sơ chỉ tính một lần, theo trạng thái mới nhất).")
    return prov
