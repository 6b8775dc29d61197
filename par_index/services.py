"""State changes of PAR-index frameworks, assessments and improvement plans.

Views call these; they never assign fields themselves. Every change is checked
against the actor's scope (fails closed), runs in a transaction and writes an
audit event; appraisal changes record the old and the new values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from audit.services import record
from organization.choices import Role
from organization.models import Unit
from organization.scope import has_role, scope_unit, unit_in_scope

from . import xlsx
from .choices import (
    APPRAISABLE,
    ASSESSMENT_TRANSITIONS,
    FINAL,
    TASK_TRANSITIONS,
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
    ImprovementPlan,
    PlanTask,
)
from .xlsx import fmt

S = AssessmentStatus
DEFAULT_BANDS: list[tuple[Decimal, str]] = [
    (Decimal("80"), "Tốt"), (Decimal("65"), "Khá"), (Decimal("50"), "Trung bình"), (Decimal("0"), "Yếu"),
]
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".zip", ".txt", ".odt", ".ods"}
# The scoring app's code for the PAR INDEX (scoring.choices.ExternalIndex.PAR_INDEX);
# campaign criteria name the same code ("Điểm chỉ số CCHC ≥ 80").
INDEX_CODE = "par_index"


class ParIndexError(Exception):
    """A refused operation; the message (Vietnamese) is shown to the user."""


# --- permissions --------------------------------------------------------------------------


def can_manage_framework(user: Any, framework: Framework | None = None, issuing_unit: Unit | None = None) -> bool:
    """Emulation staff manage frameworks issued within their own subtree."""
    unit = issuing_unit if issuing_unit is not None else (framework.issuing_unit if framework else None)
    return has_role(user, Role.STAFF) and (unit is None or unit_in_scope(user, unit))


def can_self_assess(user: Any, assessment: Assessment) -> bool:
    """The assessed unit's own accounts (not its parent's, not its sections')."""
    if getattr(user, "is_superuser", False):
        return True
    root = scope_unit(user)
    return (
        root is not None and root.pk == assessment.unit_id
        and has_role(user, Role.OFFICER, Role.STAFF, Role.LEADER)
    )


def can_appraise(user: Any, assessment: Assessment) -> bool:
    """Emulation staff of a strict ancestor of the unit, at or above the framework's issuer."""
    if not has_role(user, Role.STAFF):
        return False
    if getattr(user, "is_superuser", False):
        return True
    root = scope_unit(user)
    return (
        root is not None and root.pk != assessment.unit_id
        and unit_in_scope(user, assessment.unit) and unit_in_scope(user, assessment.framework.issuing_unit)
    )


def can_edit_plan(user: Any, plan: ImprovementPlan) -> bool:
    return has_role(user, Role.OFFICER, Role.STAFF, Role.LEADER) and unit_in_scope(user, plan.unit)


def _guard(ok: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not ok:
        raise ParIndexError(message)


def _move(assessment: Assessment, to: str, *, actor: Any, action: str, comment: str = "", data: dict | None = None) -> None:
    """Change status along the transition map and write the audit event."""
    if to not in ASSESSMENT_TRANSITIONS[assessment.status]:
        raise ParIndexError(
            f"Không thể chuyển kết quả tự đánh giá từ “{assessment.get_status_display()}” sang “{S(to).label}”."
        )
    previous = assessment.status
    assessment.status = to
    assessment.save()
    record(actor=actor, action=action, obj=assessment, unit=assessment.unit, from_state=previous, to_state=to,
           comment=comment, data=data)


def _locked(assessment: Assessment) -> Assessment:
    """Re-read under a row lock so that two appraisers never interleave."""
    return Assessment.objects.select_for_update().select_related("framework", "unit").get(pk=assessment.pk)


def parse_points(raw: Any, *, item: FrameworkItem, what: str = "Điểm tự chấm") -> Decimal | None:
    """Blank → None; otherwise a number within 0..max with at most 3 decimals."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = xlsx.parse_decimal(raw)
    except ValueError as exc:
        raise ParIndexError(f"{what} của {item.label}: “{raw}” không phải là số điểm.") from exc
    if value < 0:
        raise ParIndexError(f"{what} của {item.label} không được âm.")
    if value > item.max_points:
        raise ParIndexError(
            f"{what} của {item.label} là {fmt(value)}, vượt điểm tối đa {fmt(item.max_points)}."
        )
    if value != value.quantize(Decimal("0.001")):
        raise ParIndexError(f"{what} của {item.label} chỉ lấy tối đa 3 chữ số thập phân.")
    return value


# --- frameworks ---------------------------------------------------------------------------


def leaves(items: list[FrameworkItem]) -> list[FrameworkItem]:
    parents = {i.parent_id for i in items if i.parent_id}
    return [i for i in items if i.pk not in parents]


@transaction.atomic
def create_framework(
    *, actor: Any, year: int, level: str, issuing_unit: Unit, name: str, decision: str = "",
    bands: list[tuple[Decimal, str]] | None = None, is_demo: bool = False,
) -> Framework:
    """A new, empty framework with the default (or given) classification bands."""
    _guard(can_manage_framework(actor, issuing_unit=issuing_unit), "Bạn không có quyền ban hành bộ chỉ số cho đơn vị này.")
    if Framework.objects.filter(year=year, level=level, issuing_unit=issuing_unit).exists():
        raise ParIndexError(f"{issuing_unit} đã có bộ chỉ số năm {year} cho cấp này.")
    framework = Framework.objects.create(
        year=year, level=level, issuing_unit=issuing_unit, name=name, decision=decision, is_demo=is_demo
    )
    for minimum, label in bands if bands is not None else DEFAULT_BANDS:
        ClassificationBand.objects.create(framework=framework, min_score=minimum, label=label)
    record(actor=actor, action="par.framework.create", obj=framework, unit=issuing_unit, data={"year": year, "level": level})
    return framework


def _write_items(framework: Framework, parsed: list[xlsx.ParsedItem]) -> int:
    """Insert parsed items (parents first) and set each one's parent and field."""
    by_code: dict[str, FrameworkItem] = {}
    for order, p in enumerate(parsed, start=1):
        parent = by_code.get(p.code.rsplit(".", 1)[0]) if "." in p.code else None
        item = FrameworkItem.objects.create(
            framework=framework, parent=parent, field=parent.field if parent else None, kind=p.kind, code=p.code,
            order=order, title=p.title, max_points=p.max_points, guidance=p.guidance,
            evidence_required=p.evidence_required,
        )
        if parent is None:
            item.field = item
            item.save(update_fields=["field"])
        by_code[p.code] = item
    return len(parsed)


@transaction.atomic
def import_framework(framework: Framework, stream: IO[bytes], *, actor: Any) -> int:
    """Replace the framework's items (and bands, if the file has them) from xlsx.

    All or nothing: any bad row refuses the whole file with every error listed.
    Refused once units have started assessing against the framework."""
    _guard(can_manage_framework(actor, framework))
    if framework.assessments.exists():
        raise ParIndexError("Bộ chỉ số đã có đơn vị tự đánh giá, không thể nhập lại. Hãy sao chép sang năm mới.")
    parsed = xlsx.parse_workbook(stream)
    if parsed.errors:
        raise ParIndexError("Tệp có lỗi, chưa nhập gì:\n" + "\n".join(parsed.errors))
    framework.items.all().delete()
    count = _write_items(framework, parsed.items)
    if parsed.bands:
        framework.bands.all().delete()
        for minimum, label in parsed.bands:
            ClassificationBand.objects.create(framework=framework, min_score=minimum, label=label)
    record(actor=actor, action="par.framework.import", obj=framework, unit=framework.issuing_unit, data={"items": count})
    return count


def export_framework(framework: Framework) -> bytes:
    return xlsx.write_workbook(list(framework.items.order_by("order")), list(framework.bands.all()))


@transaction.atomic
def copy_framework(framework: Framework, *, actor: Any, year: int, name: str = "") -> Framework:
    """Copy a year's framework (items and bands) into another year, same level and issuer."""
    _guard(can_manage_framework(actor, framework))
    if Framework.objects.filter(year=year, level=framework.level, issuing_unit=framework.issuing_unit).exists():
        raise ParIndexError(f"Đã có bộ chỉ số năm {year} cho cấp này của {framework.issuing_unit}.")
    new_name = name or framework.name.replace(str(framework.year), str(year))
    if new_name == framework.name:
        new_name = f"{framework.name} – năm {year}"
    copy = Framework.objects.create(
        year=year, level=framework.level, issuing_unit=framework.issuing_unit, name=new_name,
        copied_from=framework, is_demo=framework.is_demo,
    )
    for band in framework.bands.all():
        ClassificationBand.objects.create(framework=copy, min_score=band.min_score, label=band.label)
    old_to_new: dict[int, FrameworkItem] = {}
    for item in framework.items.order_by("order"):
        parent = old_to_new.get(item.parent_id) if item.parent_id else None
        new = FrameworkItem.objects.create(
            framework=copy, parent=parent, field=parent.field if parent else None, kind=item.kind, code=item.code,
            order=item.order, title=item.title, max_points=item.max_points, guidance=item.guidance,
            evidence_required=item.evidence_required,
        )
        if parent is None:
            new.field = new
            new.save(update_fields=["field"])
        old_to_new[item.pk] = new
    record(actor=actor, action="par.framework.copy", obj=copy, unit=framework.issuing_unit,
           data={"from": framework.pk, "from_year": framework.year, "items": len(old_to_new)})
    return copy


# --- assessments --------------------------------------------------------------------------


def eligible_units(framework: Framework):
    return Unit.objects.subtree(framework.issuing_unit).filter(kind=framework.level, is_active=True).exclude(
        pk=framework.issuing_unit_id
    )


@transaction.atomic
def start_assessment(framework: Framework, unit: Unit, *, actor: Any) -> Assessment:
    """Open the self-assessment of one unit (by the unit itself or the appraising staff)."""
    _guard(
        can_manage_framework(actor, framework) or (scope_unit(actor) is not None and scope_unit(actor).pk == unit.pk
                                                   and has_role(actor, Role.OFFICER, Role.STAFF, Role.LEADER)),
        "Bạn không có quyền mở tự đánh giá cho đơn vị này.",
    )
    if unit.kind != framework.level or not unit.is_within(framework.issuing_unit) or unit.pk == framework.issuing_unit_id:
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
    _guard(can_manage_framework(actor, framework))
    count = 0
    for unit in eligible_units(framework):
        if not Assessment.objects.filter(framework=framework, unit=unit).exists():
            start_assessment(framework, unit, actor=actor)
            count += 1
    return count


def _answers(assessment: Assessment) -> list[Answer]:
    return list(assessment.answers.select_related("item").order_by("item__order"))


@transaction.atomic
def save_self_assessment(assessment: Assessment, *, actor: Any, values: dict[int, tuple[Any, str]]) -> int:
    """Store the unit's points and explanations: ``values`` maps answer id → (points, explanation).

    In draft every item may change; once returned, only the returned items. All
    or nothing: one value above its item's maximum refuses the whole form."""
    assessment = _locked(assessment)
    _guard(can_self_assess(actor, assessment), "Chỉ đơn vị được đánh giá mới được tự chấm điểm.")
    if assessment.status not in (S.DRAFT, S.RETURNED):
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không sửa được điểm tự chấm.")
    changed = 0
    for answer in _answers(assessment):
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
        answer.save()
        record(actor=actor, action="par.self_assess", obj=answer, unit=assessment.unit,
               data={"item": answer.item.code, "old": fmt(old), "new": fmt(points)})
        changed += 1
    _refresh_totals(assessment)
    return changed


def _check_evidence(file: UploadedFile) -> None:
    import os

    ext = os.path.splitext(file.name or "")[1].lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise ParIndexError(
            f"Tệp “{file.name}” không đúng định dạng (cho phép: {', '.join(sorted(EVIDENCE_EXTENSIONS))})."
        )
    if file.size and file.size > MAX_EVIDENCE_BYTES:
        raise ParIndexError(f"Tệp “{file.name}” lớn hơn 20 MB.")


@transaction.atomic
def add_evidence(answer: Answer, *, actor: Any, file: UploadedFile, description: str = "") -> Evidence:
    """Attach a tài liệu kiểm chứng to an item the unit may still edit."""
    assessment = _locked(answer.assessment)
    _guard(can_self_assess(actor, assessment), "Chỉ đơn vị được đánh giá mới được tải tài liệu kiểm chứng.")
    if assessment.status not in (S.DRAFT, S.RETURNED) or (assessment.status == S.RETURNED and not answer.is_returned):
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
    answer = evidence.answer
    assessment = _locked(answer.assessment)
    _guard(can_self_assess(actor, assessment), "Chỉ đơn vị được đánh giá mới được xóa tài liệu kiểm chứng.")
    if assessment.status not in (S.DRAFT, S.RETURNED) or (assessment.status == S.RETURNED and not answer.is_returned):
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
    _guard(can_self_assess(actor, assessment), "Chỉ đơn vị được đánh giá mới được gửi kết quả tự đánh giá.")
    answers = _answers(assessment)
    if assessment.status == S.DRAFT:
        _raise_problems(_submission_problems(assessment, answers), "gửi thẩm định")
    _refresh_totals(assessment, answers)
    assessment.submitted_at = timezone.now()
    _move(assessment, S.SUBMITTED, actor=actor, action="par.assessment.submit",
          data={"self_total": fmt(assessment.self_total)})
    return assessment


@transaction.atomic
def resubmit_assessment(assessment: Assessment, *, actor: Any) -> Assessment:
    """Send back the returned items after fixing them; they await appraisal again."""
    assessment = _locked(assessment)
    _guard(can_self_assess(actor, assessment), "Chỉ đơn vị được đánh giá mới được gửi lại kết quả.")
    if assessment.status != S.RETURNED:
        raise ParIndexError("Chỉ gửi lại được kết quả đang bị trả lại.")
    answers = _answers(assessment)
    returned = [a for a in answers if a.is_returned]
    problems = [f"{a.item.label} bị trả lại nhưng chưa được bổ sung, sửa đổi." for a in returned if not a.fixed_after_return]
    problems += _submission_problems(assessment, returned)
    _raise_problems(problems, "gửi lại")
    for answer in returned:
        # The appraiser must look again at what the unit changed.
        answer.is_returned, answer.fixed_after_return, answer.appraised_points = False, False, None
        answer.save(update_fields=["is_returned", "fixed_after_return", "appraised_points"])
    _refresh_totals(assessment, answers)
    assessment.submitted_at = timezone.now()
    _move(assessment, S.RESUBMITTED, actor=actor, action="par.assessment.resubmit",
          data={"items": [a.item.code for a in returned]})
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
    _guard(can_appraise(actor, assessment), "Chỉ cán bộ thi đua của cấp thẩm định mới được thẩm định.")
    if assessment.status not in APPRAISABLE:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không thẩm định được.")
    _begin_appraisal(assessment, actor)
    answers = _answers(assessment)
    changed = 0
    for answer in answers:
        if answer.pk not in values:
            continue
        raw, comment = values[answer.pk]
        points = parse_points(raw, item=answer.item, what="Điểm thẩm định")
        comment = (comment or "").strip()
        if points == answer.appraised_points and comment == answer.appraisal_comment:
            continue
        data = {"item": answer.item.code, "old_points": fmt(answer.appraised_points), "new_points": fmt(points),
                "old_comment": answer.appraisal_comment, "new_comment": comment}
        answer.appraised_points, answer.appraisal_comment = points, comment
        answer.save(update_fields=["appraised_points", "appraisal_comment"])
        record(actor=actor, action="par.appraise_item", obj=answer, unit=assessment.unit, data=data)
        changed += 1
    _refresh_totals(assessment, answers)
    return changed


@transaction.atomic
def accept_self_points(assessment: Assessment, *, actor: Any) -> int:
    """Appraise every not-yet-appraised item at the unit's own points (audit-logged per item)."""
    answers = _answers(assessment)
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
    _guard(can_appraise(actor, assessment), "Chỉ cán bộ thi đua của cấp thẩm định mới được trả lại.")
    if not reasons:
        raise ParIndexError("Chọn ít nhất một tiêu chí cần trả lại.")
    if assessment.status not in APPRAISABLE:
        raise ParIndexError(f"Kết quả đang ở trạng thái “{assessment.get_status_display()}”, không trả lại được.")
    _begin_appraisal(assessment, actor)
    answers = {a.pk: a for a in _answers(assessment)}
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
               data={"item": answer.item.code, "self_points": fmt(answer.self_points),
                     "appraised_points": fmt(answer.appraised_points)})
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
    _guard(can_appraise(actor, assessment), "Chỉ cán bộ thi đua của cấp thẩm định mới được hoàn tất thẩm định.")
    if assessment.status in (S.SUBMITTED, S.RESUBMITTED):
        _begin_appraisal(assessment, actor)
    answers = _answers(assessment)
    _raise_problems([f"{a.item.label} chưa có điểm thẩm định." for a in answers if a.appraised_points is None],
                    "hoàn tất thẩm định")
    _refresh_totals(assessment, answers)
    assessment.finalized_at = timezone.now()
    assessment.classification = assessment.framework.classify(assessment.appraised_total)
    _move(assessment, S.FINALIZED, actor=actor, action="par.assessment.finalize",
          data={"self_total": fmt(assessment.self_total), "appraised_total": fmt(assessment.appraised_total),
                "classification": assessment.classification})
    rerank_framework(assessment.framework, actor=actor)
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def publish_results(framework: Framework, *, actor: Any) -> int:
    """Publish every finalized result of the framework: units then see each other's results."""
    _guard(can_manage_framework(actor, framework), "Chỉ cán bộ thi đua của cơ quan ban hành mới được công bố kết quả.")
    finalized = list(Assessment.objects.select_for_update().filter(framework=framework, status=S.FINALIZED))
    if not finalized:
        raise ParIndexError("Chưa có kết quả nào đã hoàn tất thẩm định để công bố.")
    now = timezone.now()
    for assessment in finalized:
        assessment.published_at = now
        _move(assessment, S.PUBLISHED, actor=actor, action="par.assessment.publish")
    framework.results_published_at = now
    framework.save(update_fields=["results_published_at"])
    record(actor=actor, action="par.framework.publish", obj=framework, unit=framework.issuing_unit,
           data={"assessments": len(finalized)})
    return len(finalized)


# --- totals, ranking, year over year -----------------------------------------------------


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0")) if present else None


def _refresh_totals(assessment: Assessment, answers: list[Answer] | None = None) -> None:
    answers = answers if answers is not None else _answers(assessment)
    assessment.self_total = _sum([a.self_points for a in answers]) or Decimal("0")
    assessment.appraised_total = _sum([a.appraised_points for a in answers])
    assessment.save(update_fields=["self_total", "appraised_total", "updated_at"])


@dataclass
class FieldTotal:
    item: FrameworkItem
    self_points: Decimal | None
    appraised_points: Decimal | None


@dataclass
class Totals:
    fields: list[FieldTotal] = field(default_factory=list)
    max_total: Decimal = Decimal("0")
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None
    self_classification: str = ""
    appraised_classification: str = ""


def compute_totals(assessment: Assessment, items: list[FrameworkItem], answers: list[Answer]) -> Totals:
    """Per field and overall, self versus appraised, and the classes they reach."""
    framework = assessment.framework
    totals = Totals()
    for f in (i for i in items if i.parent_id is None):
        mine = [a for a in answers if a.item.field_id == f.pk]
        totals.fields.append(FieldTotal(f, _sum([a.self_points for a in mine]), _sum([a.appraised_points for a in mine])))
        totals.max_total += f.max_points
    totals.self_total = _sum([a.self_points for a in answers])
    totals.appraised_total = _sum([a.appraised_points for a in answers])
    totals.self_classification = framework.classify(totals.self_total)
    totals.appraised_classification = framework.classify(totals.appraised_total)
    return totals


def competition_ranks(scores: list[tuple[Any, Decimal]]) -> dict[Any, int]:
    """Standard competition ranking (1-2-2-4) by descending score."""
    ordered = sorted(scores, key=lambda pair: pair[1], reverse=True)
    ranks: dict[Any, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        ranks[key] = rank
    return ranks


def _set_index_result(assessment: Assessment, actor: Any) -> None:
    """Write the final result as the unit's yearly PAR INDEX (read by campaign criteria)."""
    from scoring.services import set_index_result

    set_index_result(
        unit=assessment.unit, year=assessment.framework.year, index_code=INDEX_CODE,
        score=assessment.appraised_total or Decimal("0"), rank=assessment.rank,
        source=f"par_index:{assessment.pk}", actor=actor, is_demo=assessment.framework.is_demo,
    )


def rerank_framework(framework: Framework, *, actor: Any) -> None:
    """Rank all final results of the framework (units of one level under one issuer) and
    (re)write each as the unit's PAR INDEX: a later finalization can move earlier ranks."""
    final = list(Assessment.objects.select_related("unit", "framework").filter(framework=framework, status__in=FINAL))
    ranks = competition_ranks([(a.pk, a.appraised_total or Decimal("0")) for a in final])
    for assessment in final:
        new_rank = ranks[assessment.pk]
        if assessment.rank != new_rank or assessment.rank_of != len(final):
            Assessment.objects.filter(pk=assessment.pk).update(rank=new_rank, rank_of=len(final))
            assessment.rank, assessment.rank_of = new_rank, len(final)
        _set_index_result(assessment, actor)


def previous_framework(framework: Framework) -> Framework | None:
    if framework.copied_from_id and framework.copied_from.year < framework.year:
        return framework.copied_from
    return Framework.objects.filter(
        year=framework.year - 1, level=framework.level, issuing_unit=framework.issuing_unit
    ).first()


@dataclass
class YearChange:
    previous: Assessment | None
    score_change: Decimal | None
    rank_change: int | None  # positive = moved up


def year_over_year(assessment: Assessment, previous: Assessment | None = None, *, lookup: bool = True) -> YearChange:
    """Change of appraised score and rank against the unit's final result of the previous year."""
    if previous is None and lookup:
        prev_fw = previous_framework(assessment.framework)
        if prev_fw is not None:
            previous = Assessment.objects.filter(framework=prev_fw, unit=assessment.unit, status__in=FINAL).first()
    if previous is None or previous.appraised_total is None or not assessment.is_final:
        return YearChange(previous, None, None)
    score_change = (assessment.appraised_total or Decimal("0")) - previous.appraised_total
    rank_change = previous.rank - assessment.rank if previous.rank and assessment.rank else None
    return YearChange(previous, score_change, rank_change)


# --- improvement plans ---------------------------------------------------------------------


@transaction.atomic
def set_task_status(task: PlanTask, *, actor: Any, status: str) -> PlanTask:
    """Move a plan task along its transition map (the plan's unit or its ancestors' staff)."""
    _guard(can_edit_plan(actor, task.plan), "Bạn không có quyền cập nhật nhiệm vụ của kế hoạch này.")
    task = PlanTask.objects.select_for_update().select_related("plan__unit").get(pk=task.pk)
    if status not in TaskStatus.values or status not in TASK_TRANSITIONS[task.status]:
        raise ParIndexError(f"Không thể chuyển nhiệm vụ từ “{task.get_status_display()}” sang trạng thái này.")
    previous = task.status
    task.status = status
    task.save(update_fields=["status"])
    record(actor=actor, action="par.plan_task.status", obj=task, unit=task.plan.unit, from_state=previous, to_state=status)
    return task


@dataclass
class TargetRow:
    criterion: Any
    value: Decimal | None
    met: bool | None
    note: str = ""


def indicator_values(codes: list[str], unit: Unit, year: int) -> dict[str, Decimal | None]:
    """Current values of indicators for the unit's subtree over the year, from the
    scoring app's one-stop data (one batch of queries). A code the scoring app does
    not define, or without data, maps to None ("chưa có số liệu")."""
    try:
        from scoring.engine import Period, values_for
    except ImportError:
        return dict.fromkeys(codes)
    values = values_for([unit.pk], Period.year_of(year)).get(unit.pk, {})
    return {code: (values[code].value if code in values else None) for code in codes}


def plan_targets(plan: ImprovementPlan) -> list[TargetRow]:
    """The campaign's measurable targets with their current values."""
    from campaigns.choices import Comparator

    criteria = [c for c in plan.campaign.criteria.select_related("content").order_by("order", "id") if c.indicator_code]
    current = indicator_values([c.indicator_code for c in criteria if c.indicator_code != INDEX_CODE], plan.unit, plan.year)
    rows: list[TargetRow] = []
    for criterion in criteria:
        if criterion.indicator_code == INDEX_CODE:
            final = Assessment.objects.filter(unit=plan.unit, framework__year=plan.year, status__in=FINAL).first()
            value = final.appraised_total if final else None
        else:
            value = current.get(criterion.indicator_code)
        met = None
        if value is not None and criterion.threshold is not None:
            ops = {
                Comparator.GTE: value >= criterion.threshold, Comparator.GT: value > criterion.threshold,
                Comparator.LTE: value <= criterion.threshold, Comparator.LT: value < criterion.threshold,
                Comparator.EQ: value == criterion.threshold,
            }
            met = ops.get(criterion.comparator)
        rows.append(TargetRow(criterion, value, met))
    return rows
