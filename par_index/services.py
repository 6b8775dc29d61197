"""State changes of PAR-index frameworks, assessments and improvement plans.

Views call these; they never assign fields themselves. Every change is checked
against the actor's permission (``par_index/rules.py``, fails closed), runs in a
transaction and writes an audit event; appraisal changes record the old and the
new values. Totals, ranking and the read side live in ``results.py``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from audit.services import record, transition
from core.errors import DomainError
from core.formats import number
from core.numbers import parse_decimal
from core.uploads import check_upload
from organization.models import Unit
from organization.rules import require

from . import xlsx
from .choices import (
    APPRAISABLE,
    ASSESSMENT_TRANSITIONS,
    TASK_TRANSITIONS,
    UNIT_EDITABLE,
    AssessmentStatus,
    TaskStatus,
)
from .models import (
    Answer,
    Assessment,
    ClassificationBand,
    Evidence,
    Framework,
    FrameworkItem,
    PlanTask,
)
from .results import ordered_answers, refresh_totals, rerank_framework

S = AssessmentStatus
DEFAULT_BANDS: list[tuple[Decimal, str]] = [
    (Decimal("80"), "Tốt"), (Decimal("65"), "Khá"), (Decimal("50"), "Trung bình"), (Decimal("0"), "Yếu"),
]
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".zip", ".txt", ".odt", ".ods"}


class ParIndexError(DomainError):
    """A refused operation; the message (Vietnamese) is shown to the user."""


def _move(assessment: Assessment, to: str, *, actor: Any, action: str, data: dict | None = None,
          update_fields: tuple[str, ...] = ()) -> None:
    """Change status along ``ASSESSMENT_TRANSITIONS`` and write the audit event."""
    transition(assessment, to, transitions=ASSESSMENT_TRANSITIONS, what="kết quả tự đánh giá", actor=actor, action=action, error=ParIndexError,
               labels=S, unit=assessment.unit, data=data, update_fields=update_fields)


def _locked(assessment: Assessment) -> Assessment:
    """Re-read under a row lock so that two appraisers never interleave."""
    return Assessment.objects.select_for_update().select_related("framework", "unit").get(pk=assessment.pk)


def parse_points(raw: Any, *, item: FrameworkItem, what: str = "Điểm tự chấm") -> Decimal | None:
    """Blank → None; otherwise a number within 0..max with at most 3 decimals.

    Raises ``ParIndexError`` naming the item otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = parse_decimal(raw)
    except ValueError as exc:
        raise ParIndexError(f"{what} của {item.label}: “{raw}” không phải là số điểm.") from exc
    if value < 0:
        raise ParIndexError(f"{what} của {item.label} không được âm.")
    if value > item.max_points:
        raise ParIndexError(
            f"{what} của {item.label} là {number(value)}, vượt điểm tối đa {number(item.max_points)}."
        )
    if value != value.quantize(Decimal("0.001")):
        raise ParIndexError(f"{what} của {item.label} chỉ lấy tối đa 3 chữ số thập phân.")
    return value


# --- frameworks ---------------------------------------------------------------------------


def leaves(items: list[FrameworkItem]) -> list[FrameworkItem]:
    """The items without children: the ones a unit scores."""
    parents = {i.parent_id for i in items if i.parent_id}
    return [i for i in items if i.pk not in parents]


def _add_bands(framework: Framework, bands: list[tuple[Decimal, str]]) -> None:
    ClassificationBand.objects.bulk_create(
        [ClassificationBand(framework=framework, min_score=minimum, label=label) for minimum, label in bands])


def _add_item(framework: Framework, parent: FrameworkItem | None, source: Any, order: int) -> FrameworkItem:
    """Create one item copied from ``source`` (a parsed row or another framework's item);
    a field (no parent) is its own field."""
    item = FrameworkItem.objects.create(
        framework=framework, parent=parent, field=parent.field if parent else None, kind=source.kind,
        code=source.code, order=order, title=source.title, max_points=source.max_points, guidance=source.guidance,
        evidence_required=source.evidence_required,
    )
    if parent is None:
        item.field = item
        item.save(update_fields=["field"])
    return item


@transaction.atomic
def create_framework(
    *, actor: Any, year: int, level: str, issuing_unit: Unit, name: str, decision: str = "",
    bands: list[tuple[Decimal, str]] | None = None, is_demo: bool = False,
) -> Framework:
    """A new, empty framework with the default (or given) classification bands.

    Raises ``NotAllowed`` outside the actor's issuing scope, ``ParIndexError`` for a duplicate."""
    require(actor, "par_index.create_framework", issuing_unit, "Bạn không có quyền ban hành bộ chỉ số cho đơn vị này.")
    if Framework.objects.filter(year=year, level=level, issuing_unit=issuing_unit).exists():
        raise ParIndexError(f"{issuing_unit} đã có bộ chỉ số năm {year} cho cấp này.")
    framework = Framework.objects.create(
        year=year, level=level, issuing_unit=issuing_unit, name=name, decision=decision, is_demo=is_demo
    )
    _add_bands(framework, bands if bands is not None else DEFAULT_BANDS)
    record(actor=actor, action="par.framework.create", obj=framework, unit=issuing_unit, data={"year": year, "level": level})
    return framework


@transaction.atomic
def import_framework(framework: Framework, stream: IO[bytes], *, actor: Any) -> int:
    """Replace the framework's items (and bands, if the file has them) from xlsx.

    All or nothing: any bad row refuses the whole file with every error listed.
    Refused once units have started assessing against the framework."""
    require(actor, "par_index.manage_framework", framework)
    if framework.assessments.exists():
        raise ParIndexError("Bộ chỉ số đã có đơn vị tự đánh giá, không thể nhập lại. Hãy sao chép sang năm mới.")
    parsed = xlsx.parse_workbook(stream)
    if parsed.errors:
        raise ParIndexError("Tệp có lỗi, chưa nhập gì:\n" + "\n".join(parsed.errors))
    framework.items.all().delete()
    by_code: dict[str, FrameworkItem] = {}
    for order, p in enumerate(parsed.items, start=1):
        parent = by_code.get(p.code.rsplit(".", 1)[0]) if "." in p.code else None
        by_code[p.code] = _add_item(framework, parent, p, order)
    if parsed.bands:
        framework.bands.all().delete()
        _add_bands(framework, parsed.bands)
    count = len(parsed.items)
    record(actor=actor, action="par.framework.import", obj=framework, unit=framework.issuing_unit, data={"items": count})
    return count


def export_framework(framework: Framework) -> bytes:
    """The framework as the xlsx file ``import_framework`` reads back unchanged."""
    return xlsx.write_workbook(list(framework.items.order_by("order")), list(framework.bands.all()))


@transaction.atomic
def copy_framework(framework: Framework, *, actor: Any, year: int, name: str = "") -> Framework:
    """Copy a year's framework (items and bands) into another year, same level and issuer."""
    require(actor, "par_index.manage_framework", framework)
    if Framework.objects.filter(year=year, level=framework.level, issuing_unit=framework.issuing_unit).exists():
        raise ParIndexError(f"Đã có bộ chỉ số năm {year} cho cấp này của {framework.issuing_unit}.")
    new_name = name or framework.name.replace(str(framework.year), str(year))
    if new_name == framework.name:
        new_name = f"{framework.name} – năm {year}"
    copy = Framework.objects.create(
        year=year, level=framework.level, issuing_unit=framework.issuing_unit, name=new_name,
        copied_from=framework, is_demo=framework.is_demo,
    )
    _add_bands(copy, [(band.min_score, band.label) for band in framework.bands.all()])
    old_to_new: dict[int, FrameworkItem] = {}
    for item in framework.items.order_by("order"):
        parent = old_to_new.get(item.parent_id) if item.parent_id else None
        old_to_new[item.pk] = _add_item(copy, parent, item, item.order)
    record(actor=actor, action="par.framework.copy", obj=copy, unit=framework.issuing_unit,
           data={"from": framework.pk, "from_year": framework.year, "items": len(old_to_new)})
    return copy


# --- assessments --------------------------------------------------------------------------


def eligible_units(framework: Framework):
    """Active units of the framework's level in its issuer's subtree (the issuer excluded)."""
    return Unit.objects.subtree(framework.issuing_unit).filter(kind=framework.level, is_active=True).exclude(
        pk=framework.issuing_unit_id
    )


def applies_to(framework: Framework, unit: Unit) -> bool:
    """Whether ``unit`` is assessed against ``framework``: of its level, under its issuer."""
    return unit.kind == framework.level and unit.is_within(framework.issuing_unit) and unit.pk != framework.issuing_unit_id


@transaction.atomic
def start_assessment(framework: Framework, unit: Unit, *, actor: Any) -> Assessment:
    """Open the self-assessment of one unit (by the unit itself or the appraising staff)."""
    require(actor, "par_index.start_assessment", Assessment(framework=framework, unit=unit),
            "Bạn không có quyền mở tự đánh giá cho đơn vị này.")
    if not applies_to(framework, unit):
        raise ParIndexError(f"{unit} không thuộc đối tượng áp dụng của bộ chỉ số {framework}.")
    items = list(framework.items.all())
    if not items:
        raise ParIndexError("Bộ chỉ số chưa có tiêu chí nào.")
    assessment, created = Assessment.objects.get_or_create(framework=framework, unit=unit)
    if created:
        Answer.objects.bulk_create([Answer(assessment=assessment, item=leaf) for leaf in leaves(items)])
        record(actor=actor, action="par.assessment.start", obj=assessment, unit=unit, to_state=assessment.status)
    return assessment


@transaction.atomic
def start_assessments(framework: Framework, *, actor: Any) -> int:
    """Open the self-assessment for every unit of the framework's level in its issuer's subtree."""
    require(actor, "par_index.manage_framework", framework)
    count = 0
    for unit in eligible_units(framework):
        if not Assessment.objects.filter(framework=framework, unit=unit).exists():
            start_assessment(framework, unit, actor=actor)
            count += 1
    return count


@transaction.atomic
def save_self_assessment(assessment: Assessment, *, actor: Any, values: dict[int, tuple[Any, str]]) -> int:
    """Store the unit's points and explanations: ``values`` maps answer id → (points, explanation).

    In draft every item may change; once returned, only the returned items. All
    or nothing: one value above its item's maximum refuses the whole form."""
    assessment = _locked(assessment)
    require(actor, "par_index.self_assess", assessment, "Chỉ đơn vị được đánh giá mới được tự chấm điểm.")
    if assessment.status not in UNIT_EDITABLE:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không sửa được điểm tự chấm.")
    changed = 0
    for answer in ordered_answers(assessment):
        if answer.pk not in values:
            continue
        raw, explanation = values[answer.pk]
        points = parse_points(raw, item=answer.item)
        explanation = (explanation or "").strip()
        if points == answer.self_points and explanation == answer.explanation:
            continue
        if assessment.status == S.RETURNED and not answer.is_returned:
            raise ParIndexError(f"{answer.item.label} không bị trả lại nên không được sửa.")
        old = answer.self_points
        answer.self_points, answer.explanation = points, explanation
        if answer.is_returned:
            answer.fixed_after_return = True
        answer.save(update_fields=["self_points", "explanation", "fixed_after_return"])
        record(actor=actor, action="par.self_assess", obj=answer, unit=assessment.unit,
               data={"item": answer.item.code, "old": number(old), "new": number(points)})
        changed += 1
    refresh_totals(assessment)
    return changed


def _check_evidence(file: UploadedFile) -> None:
    ext = os.path.splitext(file.name or "")[1].lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise ParIndexError(
            f"Tệp “{file.name}” không đúng định dạng (cho phép: {', '.join(sorted(EVIDENCE_EXTENSIONS))})."
        )
    if file.size and file.size > MAX_EVIDENCE_BYTES:
        raise ParIndexError(f"Tệp “{file.name}” lớn hơn 20 MB.")
    # By content, not name: an .html or .svg renamed .pdf must not be stored.
    check_upload(file, allowed={ext.lstrip(".") for ext in EVIDENCE_EXTENSIONS}, what="Tệp")


@transaction.atomic
def add_evidence(answer: Answer, *, actor: Any, file: UploadedFile, description: str = "") -> Evidence:
    """Attach a tài liệu kiểm chứng to an item the unit may still edit."""
    assessment = _locked(answer.assessment)
    require(actor, "par_index.add_evidence", assessment, "Chỉ đơn vị được đánh giá mới được tải tài liệu kiểm chứng.")
    if assessment.status not in UNIT_EDITABLE or (assessment.status == S.RETURNED and not answer.is_returned):
        raise ParIndexError(f"Không thể bổ sung tài liệu cho {answer.item.label} ở trạng thái hiện tại.")
    _check_evidence(file)
    evidence = Evidence.objects.create(
        answer=answer, file=file, original_name=(file.name or "tai-lieu")[:255], description=description[:300],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if answer.is_returned:
        answer.fixed_after_return = True
        answer.save(update_fields=["fixed_after_return"])
    record(actor=actor, action="par.evidence.add", obj=answer, unit=assessment.unit,
           data={"item": answer.item.code, "file": evidence.original_name})
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor: Any) -> None:
    """Delete a tài liệu kiểm chứng (record and file) from an item the unit may still edit.

    Raises ``NotAllowed`` for anyone but the assessed unit, ``ParIndexError`` once
    the item is no longer editable (submitted, or not among the returned items)."""
    answer = evidence.answer
    assessment = _locked(answer.assessment)
    require(actor, "par_index.remove_evidence", assessment, "Chỉ đơn vị được đánh giá mới được xóa tài liệu kiểm chứng.")
    if assessment.status not in UNIT_EDITABLE or (assessment.status == S.RETURNED and not answer.is_returned):
        raise ParIndexError("Không thể xóa tài liệu ở trạng thái hiện tại.")
    record(actor=actor, action="par.evidence.remove", obj=answer, unit=assessment.unit,
           data={"item": answer.item.code, "file": evidence.original_name})
    evidence.file.delete(save=False)
    evidence.delete()


def _submission_problems(assessment: Assessment, answers: list[Answer]) -> list[str]:
    with_files = set(Evidence.objects.filter(answer__assessment=assessment).values_list("answer_id", flat=True))
    problems: list[str] = []
    for answer in answers:
        if answer.self_points is None:
            problems.append(f"{answer.item.label} chưa có điểm tự chấm.")
        elif answer.item.evidence_required and answer.self_points > 0 and answer.pk not in with_files:
            # Claiming points needs proof; an item scored 0 needs none.
            problems.append(f"{answer.item.label} bắt buộc có tài liệu kiểm chứng nhưng chưa có tệp nào.")
    return problems


def _raise_problems(problems: list[str], verb: str) -> None:
    if problems:
        shown = problems[:10]
        more = f"\n… và {len(problems) - 10} mục khác." if len(problems) > 10 else ""
        raise ParIndexError(f"Chưa thể {verb}:\n" + "\n".join(shown) + more)


@transaction.atomic
def submit_assessment(assessment: Assessment, *, actor: Any) -> Assessment:
    """Send the self-assessment to the appraising level; every item scored, evidence present."""
    assessment = _locked(assessment)
    require(actor, "par_index.submit_assessment", assessment, "Chỉ đơn vị được đánh giá mới được gửi kết quả tự đánh giá.")
    answers = ordered_answers(assessment)
    if assessment.status == S.DRAFT:
        _raise_problems(_submission_problems(assessment, answers), "gửi thẩm định")
    refresh_totals(assessment, answers)
    assessment.submitted_at = timezone.now()
    _move(assessment, S.SUBMITTED, actor=actor, action="par.assessment.submit",
          data={"self_total": number(assessment.self_total)}, update_fields=("submitted_at",))
    return assessment


@transaction.atomic
def resubmit_assessment(assessment: Assessment, *, actor: Any) -> Assessment:
    """Send back the returned items after fixing them; they await appraisal again."""
    assessment = _locked(assessment)
    require(actor, "par_index.submit_assessment", assessment, "Chỉ đơn vị được đánh giá mới được gửi lại kết quả.")
    if assessment.status != S.RETURNED:
        raise ParIndexError("Chỉ gửi lại được kết quả đang bị trả lại.")
    answers = ordered_answers(assessment)
    returned = [a for a in answers if a.is_returned]
    problems = [f"{a.item.label} bị trả lại nhưng chưa được bổ sung, sửa đổi." for a in returned if not a.fixed_after_return]
    problems += _submission_problems(assessment, returned)
    _raise_problems(problems, "gửi lại")
    for answer in returned:
        # The appraiser must look again at what the unit changed.
        answer.is_returned, answer.fixed_after_return, answer.appraised_points = False, False, None
        answer.save(update_fields=["is_returned", "fixed_after_return", "appraised_points"])
    refresh_totals(assessment, answers)
    assessment.submitted_at = timezone.now()
    _move(assessment, S.RESUBMITTED, actor=actor, action="par.assessment.resubmit",
          data={"items": [a.item.code for a in returned]}, update_fields=("submitted_at",))
    return assessment


def _begin_appraisal(assessment: Assessment, actor: Any) -> None:
    if assessment.status in (S.SUBMITTED, S.RESUBMITTED):
        _move(assessment, S.UNDER_APPRAISAL, actor=actor, action="par.assessment.start_appraisal")
    elif assessment.status != S.UNDER_APPRAISAL:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không thẩm định được.")


@transaction.atomic
def appraise_answers(assessment: Assessment, *, actor: Any, values: dict[int, tuple[Any, str]]) -> int:
    """Enter appraised points and comments: ``values`` maps answer id → (points, comment).

    Each change is audit-logged with the old and the new points and comment."""
    assessment = _locked(assessment)
    require(actor, "par_index.appraise_assessment", assessment, "Chỉ cán bộ thi đua của cấp thẩm định mới được thẩm định.")
    if assessment.status not in APPRAISABLE:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không thẩm định được.")
    _begin_appraisal(assessment, actor)
    answers = ordered_answers(assessment)
    changed = 0
    for answer in answers:
        if answer.pk not in values:
            continue
        raw, comment = values[answer.pk]
        points = parse_points(raw, item=answer.item, what="Điểm thẩm định")
        comment = (comment or "").strip()
        if points == answer.appraised_points and comment == answer.appraisal_comment:
            continue
        data = {"item": answer.item.code, "old_points": number(answer.appraised_points), "new_points": number(points),
                "old_comment": answer.appraisal_comment, "new_comment": comment}
        answer.appraised_points, answer.appraisal_comment = points, comment
        answer.save(update_fields=["appraised_points", "appraisal_comment"])
        record(actor=actor, action="par.appraise_item", obj=answer, unit=assessment.unit, data=data)
        changed += 1
    refresh_totals(assessment, answers)
    return changed


@transaction.atomic
def accept_self_points(assessment: Assessment, *, actor: Any) -> int:
    """Appraise every not-yet-appraised item at the unit's own points (audit-logged per item)."""
    answers = ordered_answers(assessment)
    values = {a.pk: (a.self_points, a.appraisal_comment) for a in answers if a.appraised_points is None}
    return appraise_answers(assessment, actor=actor, values=values)


@transaction.atomic
def return_items(
    assessment: Assessment, *, actor: Any, reasons: dict[int, str], values: dict[int, tuple[Any, str]] | None = None
) -> Assessment:
    """Send selected items back to the unit, each with a reason; the others stay as appraised
    (``values``, if given, are appraised first in the same transaction)."""
    if values:
        appraise_answers(assessment, actor=actor, values=values)
    assessment = _locked(assessment)
    require(actor, "par_index.appraise_assessment", assessment, "Chỉ cán bộ thi đua của cấp thẩm định mới được trả lại.")
    if not reasons:
        raise ParIndexError("Chọn ít nhất một tiêu chí cần trả lại.")
    if assessment.status not in APPRAISABLE:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không trả lại được.")
    _begin_appraisal(assessment, actor)
    answers = {a.pk: a for a in ordered_answers(assessment)}
    codes = []
    for answer_id, reason in reasons.items():
        answer = answers.get(answer_id)
        if answer is None:
            raise ParIndexError("Tiêu chí được chọn không thuộc kết quả tự đánh giá này.")
        if not (reason or "").strip():
            raise ParIndexError(f"Cần ghi lý do trả lại {answer.item.label}.")
        answer.is_returned, answer.return_reason, answer.fixed_after_return = True, reason.strip(), False
        answer.save(update_fields=["is_returned", "return_reason", "fixed_after_return"])
        record(actor=actor, action="par.return_item", obj=answer, unit=assessment.unit, comment=reason.strip(),
               data={"item": answer.item.code, "self_points": number(answer.self_points),
                     "appraised_points": number(answer.appraised_points)})
        codes.append(answer.item.code)
    _move(assessment, S.RETURNED, actor=actor, action="par.assessment.return", data={"items": codes})
    return assessment


@transaction.atomic
def finalize_assessment(
    assessment: Assessment, *, actor: Any, values: dict[int, tuple[Any, str]] | None = None
) -> Assessment:
    """Close the appraisal: every item appraised; totals, class and ranking are fixed
    and every final result of the framework is written as the units' PAR INDEX
    (``values``, if given, are appraised first in the same transaction)."""
    if values:
        appraise_answers(assessment, actor=actor, values=values)
    assessment = _locked(assessment)
    require(actor, "par_index.appraise_assessment", assessment, "Chỉ cán bộ thi đua của cấp thẩm định mới được hoàn tất thẩm định.")
    if assessment.status in (S.SUBMITTED, S.RESUBMITTED):
        _begin_appraisal(assessment, actor)
    answers = ordered_answers(assessment)
    _raise_problems([f"{a.item.label} chưa có điểm thẩm định." for a in answers if a.appraised_points is None],
                    "hoàn tất thẩm định")
    refresh_totals(assessment, answers)
    assessment.finalized_at = timezone.now()
    assessment.classification = assessment.framework.classify(assessment.appraised_total)
    _move(assessment, S.FINALIZED, actor=actor, action="par.assessment.finalize",
          data={"self_total": number(assessment.self_total), "appraised_total": number(assessment.appraised_total),
                "classification": assessment.classification},
          update_fields=("finalized_at", "classification"))
    rerank_framework(assessment.framework, actor=actor)
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def publish_results(framework: Framework, *, actor: Any) -> int:
    """Publish every finalized result of the framework: units then see each other's results."""
    require(actor, "par_index.publish_results", framework, "Chỉ cán bộ thi đua của cơ quan ban hành mới được công bố kết quả.")
    finalized = list(Assessment.objects.select_for_update().filter(framework=framework, status=S.FINALIZED))
    if not finalized:
        raise ParIndexError("Chưa có kết quả nào đã hoàn tất thẩm định để công bố.")
    now = timezone.now()
    for assessment in finalized:
        assessment.published_at = now
        _move(assessment, S.PUBLISHED, actor=actor, action="par.assessment.publish", update_fields=("published_at",))
    framework.results_published_at = now
    framework.save(update_fields=["results_published_at"])
    record(actor=actor, action="par.framework.publish", obj=framework, unit=framework.issuing_unit,
           data={"assessments": len(finalized)})
    return len(finalized)



# --- improvement plans ---------------------------------------------------------------------


@transaction.atomic
def set_task_status(task: PlanTask, *, actor: Any, status: str) -> PlanTask:
    """Move a plan task along ``TASK_TRANSITIONS`` (the plan's unit or its ancestors' staff)."""
    require(actor, "par_index.update_plan_task", task.plan, "Bạn không có quyền cập nhật nhiệm vụ của kế hoạch này.")
    task = PlanTask.objects.select_for_update().select_related("plan__unit").get(pk=task.pk)
    if status not in TaskStatus.values:
        raise ParIndexError(f"Không thể chuyển nhiệm vụ từ “{task.get_status_display()}” sang trạng thái này.")
    transition(task, status, transitions=TASK_TRANSITIONS, what="nhiệm vụ", actor=actor, action="par.plan_task.status",
               error=ParIndexError, labels=TaskStatus, unit=task.plan.unit)
    return task
