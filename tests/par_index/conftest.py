"""A small commune framework issued by the district of the shared ``tree``:

field 1 (60) → 1.1 (40: 1.1.1 = 20 with evidence required, 1.1.2 = 20) and 1.2 (20: 1.2.1 = 20);
field 2 (40) → 2.1 (40: 2.1.1 = 40). Default bands: ≥80 Tốt, ≥65 Khá, ≥50 Trung bình, else Yếu.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from organization.choices import UnitKind
from par_index import services
from par_index.choices import ItemKind
from par_index.models import FrameworkItem

SPEC = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "60", False),
    ("1.1", "Kế hoạch CCHC năm", "40", False),
    ("1.1.1", "Ban hành kế hoạch CCHC kịp thời", "20", True),
    ("1.1.2", "Mức độ hoàn thành kế hoạch", "20", False),
    ("1.2", "Báo cáo CCHC", "20", False),
    ("1.2.1", "Báo cáo đúng hạn", "20", False),
    ("2", "Cải cách thủ tục hành chính", "40", False),
    ("2.1", "Công khai thủ tục hành chính", "40", False),
    ("2.1.1", "Niêm yết công khai TTHC đầy đủ", "40", False),
]
KINDS = {1: ItemKind.FIELD, 2: ItemKind.CRITERION, 3: ItemKind.SUB_CRITERION}


def build(framework) -> None:
    by_code: dict[str, FrameworkItem] = {}
    for order, (code, title, max_points, evidence) in enumerate(SPEC, start=1):
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        item = FrameworkItem.objects.create(
            framework=framework, parent=parent, field=parent.field if parent else None, kind=KINDS[code.count(".") + 1],
            code=code, order=order, title=title, max_points=Decimal(max_points), evidence_required=evidence,
        )
        if parent is None:
            item.field = item
            item.save(update_fields=["field"])
        by_code[code] = item


@pytest.fixture
def framework(tree, staff):
    fw = services.create_framework(actor=staff, year=2021, level=UnitKind.COMMUNE, issuing_unit=tree["district"],
                                   name="Bộ chỉ số CCHC cấp xã năm 2021")
    build(fw)
    return fw


def answers_by_code(assessment) -> dict:
    return {a.item.code: a for a in assessment.answers.select_related("item")}


def fill(assessment, officer, points: dict[str, str], evidence: bool = True) -> None:
    """Self-assess with the given points per leaf code and attach evidence where required."""
    by_code = answers_by_code(assessment)
    services.save_self_assessment(assessment, actor=officer, values={
        by_code[c].pk: (p, f"Giải trình {c}") for c, p in points.items()
    })
    if evidence:
        for a in by_code.values():
            if a.item.evidence_required:
                services.add_evidence(a, actor=officer, file=ContentFile(b"%PDF-1.4\nbien ban", name=f"kiem-chung-{a.item.code}.pdf"))


FULL = {"1.1.1": "20", "1.1.2": "18,5", "1.2.1": "15", "2.1.1": "30"}  # 83,5


def finalize(assessment, officer, staff, points=FULL, appraised=None):
    fill(assessment, officer, points)
    services.submit_assessment(assessment, actor=officer)
    by_code = answers_by_code(assessment)
    appraised = appraised or points
    services.appraise_answers(assessment, actor=staff, values={by_code[c].pk: (p, "") for c, p in appraised.items()})
    return services.finalize_assessment(assessment, actor=staff)
