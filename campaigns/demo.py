"""Demo data: the five source plans (shared/seeds) as campaigns, exactly as their
documents state them, with the issuing units, plausible member units and people
(all marked ``is_demo``) and one demo account per role.

Idempotent: everything is keyed by code and written with update_or_create, so
running it twice changes nothing.
"""

from __future__ import annotations

import functools
import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from organization.choices import Gender, PersonCategory, Role, UnitKind
from organization.models import PerformanceRating, Person, Unit, UserProfile

from .choices import (
    AwardAuthority,
    AwardLevel,
    AwardType,
    CampaignKind,
    CampaignStatus,
    Comparator,
    CriterionKind,
    DeadlineWording,
    MeasuredOn,
    MoneyKind,
    QuotaKind,
    Requirement,
    RoundKind,
    Subject,
)
from .models import (
    AwardForm,
    Campaign,
    ContentItem,
    Criterion,
    Participant,
    ParticipantGroup,
    Quota,
    Round,
)

DEMO_PASSWORD = "CchcDemo@2026"

ALL_PERSON_CATEGORIES = [c.value for c in PersonCategory]
# Who has a yearly performance rating (xếp loại mức độ hoàn thành nhiệm vụ): not post-office staff.
RATED_CATEGORIES = [c.value for c in PersonCategory if c != PersonCategory.POST_STAFF]

# (code, name, kind, parent code, place name, valid_until)
UNITS: list[tuple[str, str, str, str | None, str, date | None]] = [
    # Đồng Tháp – huyện Tam Nông (three levels until 30/06/2025)
    ("DT", "UBND tỉnh Đồng Tháp", UnitKind.PROVINCE, None, "Đồng Tháp", None),
    ("DT-TAMNONG", "UBND huyện Tam Nông", UnitKind.DISTRICT, "DT", "Tam Nông", date(2025, 6, 30)),
    ("DT-TAMNONG-PNV", "Phòng Nội vụ huyện Tam Nông", UnitKind.OFFICE, "DT-TAMNONG", "Tam Nông", date(2025, 6, 30)),
    ("DT-TAMNONG-PVHTT", "Phòng Văn hóa và Thông tin huyện Tam Nông", UnitKind.OFFICE, "DT-TAMNONG", "Tam Nông", date(2025, 6, 30)),
    ("DT-TAMNONG-PTP", "Phòng Tư pháp huyện Tam Nông", UnitKind.OFFICE, "DT-TAMNONG", "Tam Nông", date(2025, 6, 30)),
    ("DT-TAMNONG-VP", "Văn phòng HĐND và UBND huyện Tam Nông", UnitKind.OFFICE, "DT-TAMNONG", "Tam Nông", date(2025, 6, 30)),
    ("DT-TAMNONG-TRAMCHIM", "UBND thị trấn Tràm Chim", UnitKind.COMMUNE, "DT-TAMNONG", "Tràm Chim", date(2025, 6, 30)),
    ("DT-TAMNONG-PHUCUONG", "UBND xã Phú Cường", UnitKind.COMMUNE, "DT-TAMNONG", "Phú Cường", date(2025, 6, 30)),
    ("DT-TAMNONG-PHUDUC", "UBND xã Phú Đức", UnitKind.COMMUNE, "DT-TAMNONG", "Phú Đức", date(2025, 6, 30)),
    ("DT-TAMNONG-ANLONG", "UBND xã An Long", UnitKind.COMMUNE, "DT-TAMNONG", "An Long", date(2025, 6, 30)),
    ("DT-TAMNONG-ANHOA", "UBND xã An Hòa", UnitKind.COMMUNE, "DT-TAMNONG", "An Hòa", date(2025, 6, 30)),
    ("DT-TAMNONG-PHUTHANHA", "UBND xã Phú Thành A", UnitKind.COMMUNE, "DT-TAMNONG", "Phú Thành A", date(2025, 6, 30)),
    ("DT-TAMNONG-BUUDIEN", "Bưu điện huyện Tam Nông", UnitKind.POST_OFFICE, "DT-TAMNONG", "Tam Nông", None),
    # Two-level government from 01/07/2025: a commune directly under the province.
    ("DT-XA-TRAMCHIM", "UBND xã Tràm Chim", UnitKind.COMMUNE, "DT", "Tràm Chim", None),
    ("DT-XA-TRAMCHIM-VHXH", "Phòng Văn hóa – Xã hội xã Tràm Chim", UnitKind.OFFICE, "DT-XA-TRAMCHIM", "Tràm Chim", None),
    # Hà Nam – Sở Giao thông vận tải. Hà Nam was merged into Ninh Bình by NQ 202/2025/QH15
    # (12/06/2025); the merged province's government works from 01/07/2025, so the
    # province and its departments end on 30/06/2025. Their 2023–2025 campaign stays as history.
    ("HNA", "UBND tỉnh Hà Nam", UnitKind.PROVINCE, None, "Hà Nam", date(2025, 6, 30)),
    ("HNA-SGTVT", "Sở Giao thông vận tải Hà Nam", UnitKind.DEPARTMENT, "HNA", "Hà Nam", date(2025, 6, 30)),
    ("HNA-SGTVT-VP", "Văn phòng Sở Giao thông vận tải", UnitKind.OFFICE, "HNA-SGTVT", "Hà Nam", date(2025, 6, 30)),
    ("HNA-SGTVT-QLVT", "Phòng Quản lý vận tải, phương tiện và người lái", UnitKind.OFFICE, "HNA-SGTVT", "Hà Nam", date(2025, 6, 30)),
    ("HNA-SGTVT-KHTC", "Phòng Kế hoạch – Tài chính", UnitKind.OFFICE, "HNA-SGTVT", "Hà Nam", date(2025, 6, 30)),
    ("HNA-SGTVT-TTDK", "Trung tâm Đăng kiểm xe cơ giới Hà Nam", UnitKind.PUBLIC_SERVICE, "HNA-SGTVT", "Hà Nam", date(2025, 6, 30)),
    # Quảng Trị – huyện Đakrông
    ("QT", "UBND tỉnh Quảng Trị", UnitKind.PROVINCE, None, "Quảng Trị", None),
    ("QT-DAKRONG", "UBND huyện Đakrông", UnitKind.DISTRICT, "QT", "Đakrông", date(2025, 6, 30)),
    ("QT-DAKRONG-PNV", "Phòng Nội vụ huyện Đakrông", UnitKind.OFFICE, "QT-DAKRONG", "Đakrông", date(2025, 6, 30)),
    ("QT-DAKRONG-PTCKH", "Phòng Tài chính – Kế hoạch huyện Đakrông", UnitKind.OFFICE, "QT-DAKRONG", "Đakrông", date(2025, 6, 30)),
    ("QT-DAKRONG-KRONGKLANG", "UBND thị trấn Krông Klang", UnitKind.COMMUNE, "QT-DAKRONG", "Krông Klang", date(2025, 6, 30)),
    ("QT-DAKRONG-MOO", "UBND xã Mò Ó", UnitKind.COMMUNE, "QT-DAKRONG", "Mò Ó", date(2025, 6, 30)),
    ("QT-DAKRONG-HUONGHIEP", "UBND xã Hướng Hiệp", UnitKind.COMMUNE, "QT-DAKRONG", "Hướng Hiệp", date(2025, 6, 30)),
    # Cao Bằng – huyện Nguyên Bình
    ("CB", "UBND tỉnh Cao Bằng", UnitKind.PROVINCE, None, "Cao Bằng", None),
    ("CB-NGUYENBINH", "UBND huyện Nguyên Bình", UnitKind.DISTRICT, "CB", "Nguyên Bình", date(2025, 6, 30)),
    ("CB-NGUYENBINH-PNV", "Phòng Nội vụ huyện Nguyên Bình", UnitKind.OFFICE, "CB-NGUYENBINH", "Nguyên Bình", date(2025, 6, 30)),
    ("CB-NGUYENBINH-PVHTT", "Phòng Văn hóa và Thông tin huyện Nguyên Bình", UnitKind.OFFICE, "CB-NGUYENBINH", "Nguyên Bình", date(2025, 6, 30)),
    ("CB-NGUYENBINH-TTVH", "Trung tâm Văn hóa và Truyền thông huyện Nguyên Bình", UnitKind.PUBLIC_SERVICE, "CB-NGUYENBINH", "Nguyên Bình", date(2025, 6, 30)),
    ("CB-NGUYENBINH-TTNB", "UBND thị trấn Nguyên Bình", UnitKind.COMMUNE, "CB-NGUYENBINH", "Nguyên Bình", date(2025, 6, 30)),
    ("CB-NGUYENBINH-TINHTUC", "UBND thị trấn Tĩnh Túc", UnitKind.COMMUNE, "CB-NGUYENBINH", "Tĩnh Túc", date(2025, 6, 30)),
    ("CB-NGUYENBINH-THANHCONG", "UBND xã Thành Công", UnitKind.COMMUNE, "CB-NGUYENBINH", "Thành Công", date(2025, 6, 30)),
    # Phú Yên – huyện Sông Hinh – xã Ea Ly. Phú Yên was merged into Đắk Lắk by NQ 202/2025/QH15
    # (12/06/2025): the province ends on 30/06/2025 with its districts and their communes.
    ("PY", "UBND tỉnh Phú Yên", UnitKind.PROVINCE, None, "Phú Yên", date(2025, 6, 30)),
    ("PY-SONGHINH", "UBND huyện Sông Hinh", UnitKind.DISTRICT, "PY", "Sông Hinh", date(2025, 6, 30)),
    ("PY-SONGHINH-PNV", "Phòng Nội vụ huyện Sông Hinh", UnitKind.OFFICE, "PY-SONGHINH", "Sông Hinh", date(2025, 6, 30)),
    ("PY-SONGHINH-EALY", "UBND xã Ea Ly", UnitKind.COMMUNE, "PY-SONGHINH", "Ea Ly", date(2025, 6, 30)),
    ("PY-SONGHINH-EABIA", "UBND xã Ea Bia", UnitKind.COMMUNE, "PY-SONGHINH", "Ea Bia", date(2025, 6, 30)),
    ("PY-SONGHINH-HAIRIENG", "UBND thị trấn Hai Riêng", UnitKind.COMMUNE, "PY-SONGHINH", "Hai Riêng", date(2025, 6, 30)),
    ("PY-SONGHINH-EALY-VP", "Văn phòng UBND xã Ea Ly", UnitKind.SECTION, "PY-SONGHINH-EALY", "Ea Ly", date(2025, 6, 30)),
    ("PY-SONGHINH-EALY-VHTT", "Bộ phận Văn hóa – Thông tin xã Ea Ly", UnitKind.SECTION, "PY-SONGHINH-EALY", "Ea Ly", date(2025, 6, 30)),
    ("PY-SONGHINH-EALY-TP", "Bộ phận Tư pháp – Hộ tịch xã Ea Ly", UnitKind.SECTION, "PY-SONGHINH-EALY", "Ea Ly", date(2025, 6, 30)),
    ("PY-SONGHINH-EALY-TCKT", "Bộ phận Tài chính – Kế toán xã Ea Ly", UnitKind.SECTION, "PY-SONGHINH-EALY", "Ea Ly", date(2025, 6, 30)),
]

# (username, full name, role, unit code)
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("tamnong.thidua", "Lê Thị Tuyền", Role.STAFF, "DT-TAMNONG"),
    ("tamnong.hoidong", "Nguyễn Minh Hiếu", Role.COUNCIL, "DT-TAMNONG"),
    ("tamnong.chutich", "Trần Thanh Nam", Role.LEADER, "DT-TAMNONG"),
    ("tamnong.xa.phucuong", "Võ Thị Mỹ Linh", Role.OFFICER, "DT-TAMNONG-PHUCUONG"),
    ("tamnong.xa.anlong", "Phan Văn Tài", Role.OFFICER, "DT-TAMNONG-ANLONG"),
    ("tamnong.phong.vhtt", "Đặng Thị Thu", Role.OFFICER, "DT-TAMNONG-PVHTT"),
    ("dakrong.thidua", "Hồ Văn Sơn", Role.STAFF, "QT-DAKRONG"),
    ("dakrong.giamkhao1", "Lê Văn Hùng", Role.JUDGE, "QT-DAKRONG-PNV"),
    ("dakrong.giamkhao2", "Nguyễn Thị Lan", Role.JUDGE, "QT-DAKRONG-KRONGKLANG"),
    ("dakrong.xa.krongklang", "Hồ Thị Mai", Role.OFFICER, "QT-DAKRONG-KRONGKLANG"),
    ("dakrong.xa.moo", "Pả Văn Kiên", Role.OFFICER, "QT-DAKRONG-MOO"),
    ("dakrong.phong.tckh", "Trần Quốc Việt", Role.OFFICER, "QT-DAKRONG-PTCKH"),
    ("songhinh.thidua", "Nguyễn Văn Phúc", Role.STAFF, "PY-SONGHINH"),
    ("ealy.canbo", "Ksor H'Nhi", Role.OFFICER, "PY-SONGHINH-EALY"),
    ("hanam.sgtvt.vanphong", "Đỗ Thị Hạnh", Role.STAFF, "HNA-SGTVT"),
    ("hanam.sgtvt.qlvt", "Phạm Văn Long", Role.OFFICER, "HNA-SGTVT-QLVT"),
    ("hanam.sgtvt.giamdoc", "Lương Văn Sơn", Role.LEADER, "HNA-SGTVT"),
    ("nguyenbinh.thidua", "Nông Thị Huế", Role.STAFF, "CB-NGUYENBINH"),
]

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
_MIDDLE_M = ["Văn", "Minh", "Hữu", "Quốc", "Thanh", "Công"]
_MIDDLE_F = ["Thị", "Ngọc", "Thu", "Mỹ", "Kim", "Thanh"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Nam", "Phong", "Quang", "Sơn", "Tâm", "Tuấn"]
_GIVEN_F = ["Anh", "Châu", "Diễm", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Yến"]
_POSITIONS = {
    UnitKind.COMMUNE: [("Chủ tịch UBND", PersonCategory.CADRE, True), ("Công chức Văn phòng – Thống kê", PersonCategory.CIVIL_SERVANT, False),
                       ("Công chức Tư pháp – Hộ tịch", PersonCategory.CIVIL_SERVANT, False), ("Công chức Văn hóa – Xã hội", PersonCategory.CIVIL_SERVANT, False),
                       ("Công chức Địa chính – Xây dựng", PersonCategory.CIVIL_SERVANT, False), ("Người hoạt động không chuyên trách (Bộ phận Một cửa)", PersonCategory.PART_TIME, False)],
    UnitKind.OFFICE: [("Trưởng phòng", PersonCategory.CIVIL_SERVANT, True), ("Phó Trưởng phòng", PersonCategory.CIVIL_SERVANT, False),
                      ("Chuyên viên", PersonCategory.CIVIL_SERVANT, False), ("Chuyên viên", PersonCategory.CIVIL_SERVANT, False)],
    UnitKind.PUBLIC_SERVICE: [("Giám đốc", PersonCategory.PUBLIC_EMPLOYEE, True), ("Viên chức", PersonCategory.PUBLIC_EMPLOYEE, False),
                              ("Viên chức", PersonCategory.PUBLIC_EMPLOYEE, False)],
    UnitKind.POST_OFFICE: [("Giám đốc Bưu điện huyện", PersonCategory.POST_STAFF, True), ("Nhân viên bưu điện tại Bộ phận Một cửa", PersonCategory.POST_STAFF, False)],
}


def _units() -> dict[str, Unit]:
    by_code: dict[str, Unit] = {}
    for order, (code, name, kind, parent, place, until) in enumerate(UNITS):
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "parent": by_code.get(parent) if parent else None, "place_name": place,
                      "valid_until": until, "valid_from": date(2025, 7, 1) if code.startswith("DT-XA-") else None,
                      "is_demo": True, "sort_order": order},
        )
        by_code[code] = unit
    return by_code


def _people(units: dict[str, Unit]) -> None:
    rng = random.Random(20231031)  # deterministic: the same names on every run
    for code, unit in units.items():
        for i, (position, category, is_head) in enumerate(_POSITIONS.get(unit.kind, [])):
            female = rng.random() < 0.5
            name = " ".join([rng.choice(_SURNAMES), rng.choice(_MIDDLE_F if female else _MIDDLE_M), rng.choice(_GIVEN_F if female else _GIVEN_M)])
            person, _ = Person.objects.update_or_create(
                code=f"{code}-{i + 1:02d}",
                defaults={
                    "full_name": name, "gender": Gender.FEMALE if female else Gender.MALE,
                    "birth_date": date(1970 + rng.randrange(28), rng.randrange(1, 13), rng.randrange(1, 28)),
                    "category": category, "position": position, "unit": unit, "is_head": is_head,
                    "rank": "Chuyên viên" if category == PersonCategory.CIVIL_SERVANT else "", "is_demo": True,
                    "ethnicity": "Kinh", "education": "Đại học", "residence": f"{unit.place_name}",
                },
            )
            for year in (2022, 2023, 2024):
                rating = rng.choices(["excellent", "good", "done"], weights=[2, 6, 1])[0]
                PerformanceRating.objects.update_or_create(person=person, year=year, defaults={"rating": rating})


@functools.lru_cache(maxsize=4)
def _password_hash(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def set_demo_password(user: Any) -> None:
    """Give a demo account ``DEMO_PASSWORD``, hashed once per load: the accounts share
    one published password, and PBKDF2's iterations per account were a third of
    the first run's time (issue 13 item 8)."""
    user.password = _password_hash(tuple(settings.PASSWORD_HASHERS))


def _accounts(units: dict[str, Unit]) -> list[tuple[str, str, str]]:
    User = get_user_model()
    printed = []
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị"})
    if created:
        set_demo_password(admin)
        admin.save()
    printed.append(("admin", "Quản trị hệ thống (toàn quyền)", "—"))
    for username, full_name, role, unit_code in ACCOUNTS:
        # Vietnamese names read family name first: keep the whole name in first_name
        # so that get_full_name() shows "Lê Thị Tuyền", not "Tuyền Lê Thị".
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        if created:
            set_demo_password(user)
            user.save()
        UserProfile.objects.update_or_create(user=user, defaults={"unit": units[unit_code], "role": role})
        printed.append((username, Role(role).label, units[unit_code].name))
    return printed


def demo_accounts() -> list[tuple[str, str, str]]:
    """The demo accounts (those of demo units; the app demos add some): admin first, then by unit."""
    profiles = (UserProfile.objects.select_related("user", "unit").filter(unit__is_demo=True)
                .order_by("unit__path", "user__username"))
    return [("admin", "Quản trị hệ thống (toàn quyền)", "—")] + [
        (p.user.username, Role(p.role).label, p.unit.name) for p in profiles
    ]


def _campaign(code: str, **fields: Any) -> Campaign:
    campaign, _ = Campaign.objects.update_or_create(code=code, defaults={**fields, "is_demo": True})
    return campaign


def _replace(campaign: Campaign, contents=(), groups=(), criteria=(), award_forms=(), rounds=()) -> dict[str, Any]:
    """Rewrite a campaign's configuration from the lists; keyed so re-runs are no-ops."""
    made: dict[str, Any] = {}
    for order, (title, description, max_points) in enumerate(contents, start=1):
        item, _ = ContentItem.objects.update_or_create(campaign=campaign, order=order,
                                                       defaults={"title": title, "description": description, "max_points": max_points})
        made[f"content{order}"] = item
    campaign.contents.filter(order__gt=len(contents)).delete()
    for order, (gcode, name, subject, kinds, categories) in enumerate(groups, start=1):
        made[gcode], _ = ParticipantGroup.objects.update_or_create(
            campaign=campaign, code=gcode,
            defaults={"name": name, "subject": subject, "unit_kinds": kinds, "person_categories": categories, "order": order})
    for order, spec in enumerate(criteria, start=1):
        spec = dict(spec)
        ccode = spec.pop("code")
        if "group" in spec:
            spec["group"] = made[spec["group"]]
        if "content" in spec:
            spec["content"] = made[spec["content"]]
        Criterion.objects.update_or_create(campaign=campaign, code=ccode, defaults={"order": order, **spec})
    for order, spec in enumerate(award_forms, start=1):
        AwardForm.objects.update_or_create(campaign=campaign, order=order, defaults=spec)
        made[f"award{order}"] = campaign.award_forms.get(order=order)
    for order, (name, kind, start, end, deadline, quotas) in enumerate(rounds, start=1):
        round_, _ = Round.objects.update_or_create(
            campaign=campaign, order=order,
            defaults={"name": name, "kind": kind, "period_start": start, "period_end": end, "nomination_deadline": deadline})
        made[f"round{order}"] = round_
        kept = []
        for q in quotas:
            q = dict(q)
            q["group"] = made[q["group"]] if q.get("group") else None
            q["award_form"] = made[q["award_form"]] if q.get("award_form") else None
            key = {k: q.pop(k) for k in ("group", "award_form", "subject")}
            quota, _ = Quota.objects.update_or_create(round=round_, **key, defaults=q)
            kept.append(quota.pk)
        round_.quotas.exclude(pk__in=kept).delete()
    return made


def _register(campaign: Campaign, group: ParticipantGroup, units: list[Unit] = (), people: list[Person] = ()) -> None:
    for unit in units:
        Participant.objects.update_or_create(campaign=campaign, unit=unit, defaults={"group": group})
    for person in people:
        Participant.objects.update_or_create(campaign=campaign, person=person, defaults={"group": group})


def _giay_khen(name: str, issuer: str, level: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "award_type": AwardType.GIAY_KHEN, "issuer_title": issuer, "level": level, "subject": "both",
            "money_kind": MoneyKind.COEFFICIENT, **extra}


def _tam_nong(u: dict[str, Unit]) -> Campaign:
    campaign = _campaign(
        "tam-nong-2023",
        title="Phát động phong trào thi đua Chuyên đề “Tăng cường thực hiện các giải pháp nhằm đảm bảo đạt và vượt "
              "các tiêu chí của Bộ Chỉ số CCHC năm 2023”",
        kind=CampaignKind.THEMATIC, issuing_unit=u["DT-TAMNONG"], doc_number="", doc_symbol="KH-UBND",
        # The plan reads "Tam Nông, ngày   tháng 3 năm 2023": the day is blank and stays blank.
        doc_date=date(2023, 3, 1), doc_day_blank=True, doc_place="Tam Nông",
        legal_basis="Căn cứ Kế hoạch số 03/KH-UBND ngày 09 tháng 01 năm 2023 của Ủy ban nhân dân huyện về Cải cách hành chính năm 2023.",
        purpose="Nâng cao trách nhiệm của người đứng đầu trong ứng dụng CNTT giải quyết TTHC; tăng tỷ lệ hồ sơ trực tuyến; "
                "giảm hồ sơ trễ hạn, quá hạn; biểu dương, khen thưởng tập thể, cá nhân có thành tích trong CCHC.",
        start_date=date(2023, 3, 1), end_date=date(2023, 10, 31), status=CampaignStatus.LAUNCHED,
        funding_source="Từ nguồn CCHC năm 2023",
        dossier_components="Tờ trình đề nghị khen thưởng.\nBiên bản họp xét của đơn vị, địa phương.\n"
                           "Thành tích của tập thể, cá nhân được khen thưởng (Mẫu số 07 kèm theo Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ).\n"
                           "Một số văn bản khác có liên quan đến nội dung khen thưởng.",
        signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", signer_name="Trần Thanh Nam",
        nomination_note="Sơ kết 6 tháng và tổng kết cuối năm (hết ngày 31/10/2023)",
    )
    made = _replace(
        campaign,
        contents=[
            ("Nội dung 1: Tăng tỷ lệ phát sinh hồ sơ các dịch vụ công trực tuyến (thanh toán trực tuyến, chứng thực bản sao điện tử từ bản chính, hồ sơ trực tuyến toàn trình và một phần)", "", None),
            ("Nội dung 2: Không để phát sinh hồ sơ trễ hạn, quá hạn trên phần mềm Một cửa điện tử và Cổng Dịch vụ công quốc gia", "", None),
        ],
        groups=[
            ("phong", "Các Phòng chuyên môn thuộc Huyện", Subject.COLLECTIVE, [UnitKind.OFFICE], []),
            ("xa", "UBND các xã, thị trấn", Subject.COLLECTIVE, [UnitKind.COMMUNE], []),
            ("ca-nhan", "Cán bộ, công chức, viên chức, nhân viên bưu điện", Subject.INDIVIDUAL, [], ALL_PERSON_CATEGORIES),
        ],
        criteria=[
            {"code": "tt-ke-hoach", "subject": Subject.COLLECTIVE, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Thực hiện tốt, hoàn thành đầy đủ các nội dung, chương trình theo Kế hoạch CCHC năm 2023 của Huyện và của đơn vị, địa phương.", "evidence_required": True},
            {"code": "tt-tthc-truc-tuyen", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET, "content": "content1",
             "text": "Đảm bảo từ 90% trở lên số TTHC cung cấp trực tuyến có phát sinh hồ sơ trực tuyến.",
             "indicator_code": "online_procedure_rate", "comparator": Comparator.GTE, "threshold": Decimal("90")},
            {"code": "tt-ho-so-truc-tuyen", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET, "content": "content1",
             "text": "Từ 50% trở lên số hồ sơ TTHC được tiếp nhận và xử lý trực tuyến toàn trình và một phần.",
             "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal("50")},
            {"code": "tt-thanh-toan", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.SCORED, "content": "content1",
             "text": "Có tỷ lệ hồ sơ TTHC thực hiện thanh toán trực tuyến cao (trên 90%).",
             "indicator_code": "online_payment_rate", "comparator": Comparator.GT, "threshold": Decimal("90")},
            {"code": "tt-chung-thuc", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.SCORED, "content": "content1",
             "text": "Số lượng phát sinh hồ sơ chứng thực bản sao từ bản chính nhiều (chọn đơn vị, địa phương có số lượng hồ sơ phát sinh nhiều nhất).",
             "indicator_code": "e_certified_copies", "comparator": Comparator.MAX},
            # "(hoặc tỷ lệ thấp)": the plan ranks units on late dossiers; it is not a must-meet zero.
            {"code": "tt-tre-han", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.SCORED, "content": "content2",
             "text": "Không phát sinh hồ sơ trễ hạn, quá hạn trên phần mềm Một cửa điện tử và Cổng dịch vụ công quốc gia (hoặc tỷ lệ thấp).",
             "indicator_code": "late_dossiers", "comparator": Comparator.LTE, "threshold": Decimal("0")},
            {"code": "tt-can-bo-truc-tuyen", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET, "content": "content1",
             "text": "100% cán bộ, công chức, viên chức, người hoạt động không chuyên trách thực hiện ít nhất 01 hồ sơ đối với các dịch vụ công trực tuyến.",
             "indicator_code": "staff_online_rate", "comparator": Comparator.GTE, "threshold": Decimal("100"), "evidence_required": True},
            {"code": "cn-ke-hoach", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Tham mưu thực hiện tốt, hoàn thành đầy đủ các nội dung, chương trình theo Kế hoạch CCHC năm 2023 của Huyện và của đơn vị, địa phương."},
            {"code": "cn-thanh-tich", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED,
             "text": "Có thành tích tiêu biểu, xuất sắc trong công tác chỉ đạo, tham mưu tổ chức triển khai, thực hiện hiệu quả các nội dung thi đua."},
            {"code": "cn-sang-kien", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED, "evidence_required": True,
             "text": "Có sáng kiến, cách làm hay, mô hình, giải pháp mới có hiệu quả trong công tác CCHC đã được vận dụng thực hiện tại cơ quan, đơn vị, địa phương."},
            {"code": "cn-guong-mau", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED,
             "text": "Gương mẫu thực hiện và vận động, hướng dẫn mọi người xung quanh thực hiện có hiệu quả các nội dung thi đua."},
        ],
        award_forms=[
            _giay_khen("Giấy khen của Chủ tịch UBND huyện", "Chủ tịch UBND huyện Tam Nông", AwardLevel.DISTRICT),
            _giay_khen("Giấy khen của Chủ tịch UBND các xã, thị trấn (số lượng, đối tượng do địa phương quy định)", "Chủ tịch UBND xã, thị trấn", AwardLevel.COMMUNE,
                       authority=AwardAuthority.PARTICIPANT),
        ],
        rounds=[
            ("Sơ kết 6 tháng", RoundKind.SIX_MONTH, date(2023, 3, 1), date(2023, 6, 30), date(2023, 7, 10), [
                {"award_form": "award1", "group": "phong", "subject": Subject.COLLECTIVE, "kind": QuotaKind.ABSOLUTE, "max_count": 1, "label": "Các Phòng chuyên môn thuộc Huyện: 01 tập thể"},
                {"award_form": "award1", "group": "xa", "subject": Subject.COLLECTIVE, "kind": QuotaKind.ABSOLUTE, "max_count": 1, "label": "UBND các xã, thị trấn: 01 tập thể"},
                {"award_form": "award1", "group": None, "subject": Subject.INDIVIDUAL, "kind": QuotaKind.ABSOLUTE, "max_count": 3, "label": "Không quá 03 cá nhân có thành tích tiêu biểu, xuất sắc", "note": "tùy tình hình thực tiễn"},
            ]),
            ("Tổng kết cuối năm", RoundKind.YEAR_END, date(2023, 3, 1), date(2023, 10, 31), date(2023, 11, 15), [
                {"award_form": "award1", "group": "phong", "subject": Subject.COLLECTIVE, "kind": QuotaKind.ABSOLUTE, "max_count": 2, "label": "Các cơ quan chuyên môn thuộc UBND huyện: 02 tập thể"},
                {"award_form": "award1", "group": "xa", "subject": Subject.COLLECTIVE, "kind": QuotaKind.ABSOLUTE, "max_count": 2, "label": "UBND các xã, thị trấn: 02 tập thể"},
                {"award_form": "award1", "group": None, "subject": Subject.INDIVIDUAL, "kind": QuotaKind.ABSOLUTE, "max_count": 7, "label": "Không quá 07 cá nhân có thành tích tiêu biểu, xuất sắc", "note": "tùy tình hình thực tiễn"},
            ]),
        ],
    )
    offices = [u[c] for c in ("DT-TAMNONG-PNV", "DT-TAMNONG-PVHTT", "DT-TAMNONG-PTP", "DT-TAMNONG-VP")]
    communes = [u[c] for c in ("DT-TAMNONG-TRAMCHIM", "DT-TAMNONG-PHUCUONG", "DT-TAMNONG-PHUDUC", "DT-TAMNONG-ANLONG", "DT-TAMNONG-ANHOA", "DT-TAMNONG-PHUTHANHA")]
    _register(campaign, made["phong"], units=offices)
    _register(campaign, made["xa"], units=communes)
    people = Person.objects.filter(unit__in=[*offices, *communes, u["DT-TAMNONG-BUUDIEN"]])
    _register(campaign, made["ca-nhan"], people=list(people))
    return campaign


def _ha_nam(u: dict[str, Unit]) -> Campaign:
    parent = _campaign(
        "ha-nam-ubnd-800-2023",
        title="Tổ chức thực hiện phong trào thi đua “Đẩy mạnh cải cách hành chính trên địa bàn tỉnh Hà Nam giai đoạn 2023 - 2025”",
        kind=CampaignKind.REGULAR, issuing_unit=u["HNA"], doc_number="800", doc_symbol="KH-UBND", doc_date=date(2023, 4, 25),
        doc_place="Hà Nam", start_date=date(2023, 4, 25), end_date=date(2025, 12, 31), status=CampaignStatus.LAUNCHED,
        signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    )
    campaign = _campaign(
        "ha-nam-sgtvt-2023-2025",
        title="Tổ chức thực hiện phong trào thi đua “Đẩy mạnh cải cách hành chính trên địa bàn tỉnh Hà Nam giai đoạn 2023 - 2025” của Sở Giao thông vận tải Hà Nam",
        kind=CampaignKind.REGULAR, issuing_unit=u["HNA-SGTVT"], parent=parent, doc_number="", doc_symbol="KH-SGTVT",
        # The plan reads "Hà Nam, ngày   tháng 5 năm 2023": the day is blank and stays blank.
        doc_date=date(2023, 5, 15), doc_day_blank=True, doc_place="Hà Nam",
        legal_basis="Căn cứ Kế hoạch số 800/KH-UBND ngày 25/4/2023 của Ủy ban nhân dân tỉnh Hà Nam về tổ chức thực hiện phong trào thi đua “Đẩy mạnh cải cách hành chính trên địa bàn tỉnh Hà Nam giai đoạn 2023 - 2025”.",
        start_date=date(2023, 5, 15), end_date=date(2025, 12, 31), status=CampaignStatus.LAUNCHED,
        dossier_components="Tờ trình đề nghị khen thưởng của phòng, đơn vị.\nBiên bản họp đề nghị khen thưởng của phòng, đơn vị.\n"
                           "Báo cáo thành tích của tập thể, cá nhân đề nghị khen thưởng (nêu rõ kết quả đạt được theo các nội dung cải cách hành chính của Sở và của tỉnh, Chính phủ).",
        nomination_note="Các đơn vị xét chọn, đề nghị khen thưởng trước ngày 10/01 hằng năm",
        signer_title="GIÁM ĐỐC", signer_name="Đặng Trọng Thắng",
    )
    contents = [
        "Thi đua trong công tác tuyên truyền các chủ trương của Đảng, chính sách, pháp luật của Nhà nước, Nghị quyết số 17-NQ/TU ngày 15/9/2021 của Tỉnh ủy về đẩy mạnh cải cách hành chính",
        "Thi đua nâng cao trách nhiệm của người đứng đầu, cán bộ, công chức, viên chức và người lao động trong công tác tham mưu, lãnh đạo, chỉ đạo triển khai các nhiệm vụ cải cách hành chính",
        "Thi đua hoàn thành xuất sắc các nhiệm vụ, mục tiêu cải cách hành chính: thể chế, thủ tục hành chính, tổ chức bộ máy, chế độ công vụ, tài chính công, chính quyền điện tử và chính quyền số",
        "Thi đua đẩy mạnh chuyển đổi số",
        "Thi đua nghiên cứu, đề xuất các sáng kiến, giải pháp, cách làm mới trong thực hiện nhiệm vụ cải cách hành chính",
        "Thi đua thực hiện tốt các tiêu chí trong bộ chỉ số theo dõi, đánh giá, xếp hạng kết quả cải cách hành chính trên địa bàn tỉnh",
        "Thi đua đẩy mạnh huy động và sử dụng có hiệu quả các nguồn lực để xây dựng chính quyền điện tử, chuyển đổi số đồng bộ, toàn diện trong ngành",
    ]
    made = _replace(
        campaign,
        contents=[(t, "", None) for t in contents],
        groups=[
            ("phong-dv", "Các phòng chuyên môn, các đơn vị sự nghiệp trực thuộc Sở", Subject.COLLECTIVE, [UnitKind.OFFICE, UnitKind.PUBLIC_SERVICE], []),
            ("ca-nhan", "Các cá nhân thuộc các phòng chuyên môn, các đơn vị sự nghiệp trực thuộc Sở", Subject.INDIVIDUAL, [], ALL_PERSON_CATEGORIES),
        ],
        criteria=[
            {"code": "tt-chap-hanh", "subject": Subject.COLLECTIVE, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; thực hiện nghiêm kỷ luật, kỷ cương hành chính."},
            {"code": "tt-nhiem-vu", "subject": Subject.COLLECTIVE, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Thực hiện tốt các nhiệm vụ được giao trong Kế hoạch cải cách hành chính hằng năm, giai đoạn của tỉnh và của cơ quan, đơn vị."},
            {"code": "tt-sang-kien", "subject": Subject.COLLECTIVE, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED, "evidence_required": True,
             "text": "Có sáng kiến hoặc giải pháp trong lĩnh vực cải cách hành chính được cơ quan, đơn vị, địa phương hoặc tỉnh công nhận."},
            {"code": "tt-khong-tre-hen", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
             "text": "Công bố, công khai kịp thời TTHC; đảm bảo thời hạn giải quyết TTHC đúng quy định, không có hồ sơ trễ hẹn, tồn đọng.",
             "indicator_code": "late_dossiers", "comparator": Comparator.LTE, "threshold": Decimal("0")},
            {"code": "tt-par-tang", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
             "text": "Kết quả đánh giá, xếp hạng chỉ số cải cách hành chính hằng năm phải tăng điểm hoặc tăng bậc so với năm trước liền kề.",
             "indicator_code": "par_index", "comparator": Comparator.IMPROVE},
            {"code": "tt-par-90", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
             "text": "Góp phần đảm bảo chỉ tiêu Sở được chấm đạt từ 90 điểm trở lên.",
             "indicator_code": "par_index", "comparator": Comparator.GTE, "threshold": Decimal("90"),
             "measured_on": MeasuredOn.ISSUER},  # the Sở's one score, to which each phòng contributes
            {"code": "cn-chap-hanh", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; thực hiện nghiêm kỷ luật, kỷ cương hành chính."},
            {"code": "cn-nhiem-vu", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Chỉ đạo, tham mưu, triển khai thực hiện tốt các nhiệm vụ được giao trong Kế hoạch cải cách hành chính hằng năm, giai đoạn của cơ quan, đơn vị."},
            {"code": "cn-van-ban", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED,
             "text": "Chỉ đạo, tham mưu, triển khai thực hiện đảm bảo chất lượng và đúng thời gian quy định các văn bản chỉ đạo của Trung ương, của UBND tỉnh; của cơ quan, đơn vị."},
            {"code": "cn-sang-kien", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED, "evidence_required": True,
             "text": "Có sáng kiến hoặc giải pháp trong lĩnh vực cải cách hành chính được cơ quan, đơn vị hoặc tỉnh công nhận."},
            {"code": "cn-tthc", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED,
             "text": "Tham mưu công bố, công khai kịp thời TTHC; cắt giảm, đơn giản hóa TTHC; đảm bảo thời hạn giải quyết, không có hồ sơ trễ hẹn, tồn đọng."},
            # The yearly rating exists only at year end, and only for staff who are rated.
            {"code": "cn-xep-loai", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.RATING, "requirement": Requirement.MUST_MEET,
             "round_kinds": [RoundKind.YEAR_END, RoundKind.PERIOD_END], "person_categories": RATED_CATEGORIES,
             "text": "Được đánh giá, xếp loại hoàn thành tốt nhiệm vụ trở lên."},
            {"code": "cn-nguoi-dung-dau", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Đối với cá nhân là người đứng đầu cơ quan, đơn vị: thành tích của cá nhân phải gắn với thành tích của tập thể."},
        ],
        award_forms=[
            {"name": "Bằng khen của Thủ tướng Chính phủ", "award_type": AwardType.BANG_KHEN_PM, "issuer_title": "Thủ tướng Chính phủ",
             "level": AwardLevel.NATIONAL, "subject": "both", "money_kind": MoneyKind.COEFFICIENT,
             # The Sở proposes upward; the Thủ tướng decides (the plan: "sở trình UBND tỉnh … đề nghị").
             "authority": AwardAuthority.HIGHER, "authority_unit": None},
            {"name": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "award_type": AwardType.BANG_KHEN_PROVINCE, "issuer_title": "Chủ tịch UBND tỉnh Hà Nam",
             "level": AwardLevel.PROVINCE, "subject": "both", "money_kind": MoneyKind.COEFFICIENT,
             "authority": AwardAuthority.HIGHER, "authority_unit": u["HNA"]},
            _giay_khen("Giấy khen của Lãnh đạo Sở", "Giám đốc Sở Giao thông vận tải", AwardLevel.DEPARTMENT),
        ],
        rounds=[
            ("Khen thưởng năm 2023", RoundKind.YEAR_END, date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 10), []),
            ("Khen thưởng năm 2024", RoundKind.YEAR_END, date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 10), []),
            ("Khen thưởng năm 2025", RoundKind.YEAR_END, date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 10), []),
            ("Tổng kết giai đoạn 2023 - 2025", RoundKind.PERIOD_END, date(2023, 1, 1), date(2025, 12, 31), date(2026, 1, 10), []),
        ],
    )
    # "xét chọn, đề nghị khen thưởng trước ngày 10/01 hằng năm": the last day is 09/01.
    campaign.rounds.update(deadline_wording=DeadlineWording.BEFORE)
    members = [u[c] for c in ("HNA-SGTVT-VP", "HNA-SGTVT-QLVT", "HNA-SGTVT-KHTC", "HNA-SGTVT-TTDK")]
    _register(campaign, made["phong-dv"], units=members)
    _register(campaign, made["ca-nhan"], people=list(Person.objects.filter(unit__in=members)))
    return campaign


def _dakrong(u: dict[str, Unit]) -> Campaign:
    campaign = _campaign(
        "dakrong-cuoc-thi-2020",
        title="Tổ chức cuộc thi tuyên truyền về cải cách hành chính trên địa bàn huyện Đakrông năm 2020",
        kind=CampaignKind.CONTEST, issuing_unit=u["QT-DAKRONG"], doc_number="179", doc_symbol="KH-UBND", doc_date=date(2020, 8, 24),
        doc_place="Đakrông",
        legal_basis="Thực hiện Công văn số 3202/UBND-NC ngày 16/7/2020 của UBND tỉnh Quảng Trị về việc tổ chức cuộc thi CCHC tại các cơ quan, đơn vị.",
        start_date=date(2020, 9, 1), end_date=date(2020, 9, 30), status=CampaignStatus.LAUNCHED,
        funding_source="Kinh phí tổ chức cuộc thi do Phòng Tài chính – Kế hoạch thẩm định, tham mưu UBND huyện quyết định",
        nomination_note="Nhận bài dự thi từ 01/9/2020 đến 15/9/2020; chấm trước 21/9/2020; công bố, trao giải trước 30/9/2020",
        signer_title="TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH", signer_name="Hồ Thị Kim Cúc",
    )
    topics = [
        "Sáng tạo, đổi mới trong công tác chỉ đạo, điều hành hoặc tham mưu chỉ đạo, điều hành về cải cách hành chính",
        "Sáng tạo, đổi mới trong thực hiện kế hoạch công tác CCHC 6 tháng cuối năm 2020",
        "Cải cách thủ tục hành chính",
        "Nâng cao hiệu quả hoạt động của Bộ phận tiếp nhận và trả kết quả cấp huyện, cấp xã",
        "Ứng dụng công nghệ thông tin vào xây dựng chính quyền điện tử; duy trì và cải tiến ISO",
        "Nâng cao tỷ lệ phát sinh hồ sơ dịch vụ công trực tuyến mức độ 3 và 4",
        "Nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức; tài chính công; tổ chức bộ máy",
        "Cải thiện môi trường kinh doanh nhằm thu hút đầu tư",
        "Nâng cao chỉ số PAR INDEX, SIPAS, PCI, PAPI",
    ]
    made = _replace(
        campaign,
        contents=[(t, "", None) for t in topics],
        groups=[
            ("don-vi", "Cơ quan chuyên môn, đơn vị sự nghiệp thuộc UBND huyện; UBND các xã, thị trấn (mỗi đơn vị ít nhất 01 bài dự thi)",
             Subject.COLLECTIVE, [UnitKind.OFFICE, UnitKind.PUBLIC_SERVICE, UnitKind.COMMUNE], []),
            ("tac-gia", "Cán bộ, công chức, viên chức, người lao động", Subject.INDIVIDUAL, [], ALL_PERSON_CATEGORIES),
        ],
        award_forms=[
            {"name": "Giải nhất", "award_type": AwardType.PRIZE, "issuer_title": "UBND huyện Đakrông", "level": AwardLevel.CONTEST,
             "subject": Subject.INDIVIDUAL, "money_kind": MoneyKind.FIXED, "fixed_amount": 2_000_000, "rank": 1},
            {"name": "Giải nhì", "award_type": AwardType.PRIZE, "issuer_title": "UBND huyện Đakrông", "level": AwardLevel.CONTEST,
             "subject": Subject.INDIVIDUAL, "money_kind": MoneyKind.FIXED, "fixed_amount": 1_500_000, "rank": 2},
            {"name": "Giải ba", "award_type": AwardType.PRIZE, "issuer_title": "UBND huyện Đakrông", "level": AwardLevel.CONTEST,
             "subject": Subject.INDIVIDUAL, "money_kind": MoneyKind.FIXED, "fixed_amount": 1_000_000, "rank": 3},
        ],
        rounds=[("Chấm thi và trao giải", RoundKind.CONTEST, date(2020, 9, 1), date(2020, 9, 30), date(2020, 9, 15), [
            {"award_form": f"award{i}", "subject": Subject.INDIVIDUAL, "kind": QuotaKind.ABSOLUTE, "max_count": 1, "label": f"01 {name}"}
            for i, name in ((1, "giải nhất"), (2, "giải nhì"), (3, "giải ba"))
        ])],
    )
    members = [u[c] for c in ("QT-DAKRONG-PNV", "QT-DAKRONG-PTCKH", "QT-DAKRONG-KRONGKLANG", "QT-DAKRONG-MOO", "QT-DAKRONG-HUONGHIEP")]
    _register(campaign, made["don-vi"], units=members)
    return campaign


def _nguyen_binh(u: dict[str, Unit]) -> Campaign:
    campaign = _campaign(
        "nguyen-binh-2023",
        title="Phát động phong trào thi đua cải cách hành chính nhà nước huyện Nguyên Bình năm 2023",
        kind=CampaignKind.REGULAR, issuing_unit=u["CB-NGUYENBINH"], doc_number="", doc_symbol="KH-UBND", doc_date=date(2023, 1, 5),
        doc_day_blank=True,  # the plan reads "ngày   tháng 01 năm 2023"
        doc_place="Nguyên Bình",
        legal_basis="Thực hiện Kế hoạch số 267/KH-UBND ngày 27/12/2022 của UBND huyện về Cải cách hành chính Nhà nước huyện Nguyên Bình năm 2023.",
        start_date=date(2023, 1, 5), end_date=date(2023, 12, 30), status=CampaignStatus.LAUNCHED,
        funding_source="Chi từ nguồn kinh phí khen thưởng hằng năm của huyện",
        dossier_components="Tờ trình đề nghị khen thưởng của cơ quan đơn vị.\nBiên bản họp Hội đồng Thi đua – Khen thưởng của cơ quan, đơn vị.\n"
                           "Báo cáo thành tích của tập thể, cá nhân đề nghị khen thưởng (nêu rõ kết quả đạt được trên từng tiêu chí).\n"
                           "Bản tóm tắt thành tích của tập thể, cá nhân.",
        nomination_note="Thông báo sau khi có kết quả đánh giá, chấm điểm chỉ số CCHC năm 2023; các đơn vị gửi kế hoạch của đơn vị trước ngày 10/01/2023",
        signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", signer_name="Đào Nguyên Phong",
    )
    made = _replace(
        campaign,
        contents=[("Thi đua đẩy mạnh cải cách hành chính năm 2023, xây dựng nền hành chính trong sạch, vững mạnh, hiện đại, hiệu lực, hiệu quả", "", None)],
        groups=[
            ("co-quan", "Tập thể các cơ quan chuyên môn, đơn vị sự nghiệp thuộc UBND huyện", Subject.COLLECTIVE, [UnitKind.OFFICE, UnitKind.PUBLIC_SERVICE], []),
            ("xa", "Ủy ban nhân dân các xã, thị trấn", Subject.COLLECTIVE, [UnitKind.COMMUNE], []),
            ("ca-nhan", "Cán bộ, công chức, viên chức và người hoạt động không chuyên trách cấp xã", Subject.INDIVIDUAL, [], ALL_PERSON_CATEGORIES),
        ],
        criteria=[
            {"code": "tt-hoan-thanh", "subject": Subject.COLLECTIVE, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Hoàn thành tốt các nhiệm vụ được giao trong Kế hoạch cải cách hành chính năm 2023 theo Kế hoạch của huyện."},
            {"code": "tt-100", "subject": Subject.COLLECTIVE, "kind": CriterionKind.POINTS, "requirement": Requirement.MUST_MEET, "max_points": Decimal("100"),
             "text": "Kết quả thực hiện nhiệm vụ cải cách hành chính năm 2023 của cơ quan, đơn vị hoàn thành 100%.", "evidence_required": True},
            {"code": "tt-par-tang", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
             "text": "Kết quả xếp hạng các chỉ số thành phần trong Bộ Chỉ số PAR INDEX được giao phụ trách tăng điểm so với kết quả của năm trước liền kề.",
             "indicator_code": "par_index", "comparator": Comparator.IMPROVE_SCORE},
            {"code": "tt-ddci-tang", "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
             "text": "Kết quả xếp hạng các chỉ số thành phần trong Bộ Chỉ số năng lực cạnh tranh (DDCI) được giao phụ trách tăng điểm so với năm trước liền kề.",
             "indicator_code": "ddci", "comparator": Comparator.IMPROVE_SCORE},
            {"code": "cn-hoan-thanh", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Hoàn thành tốt, thắng lợi các nhiệm vụ được giao trong năm 2023."},
            {"code": "cn-nhiem-vu", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Chỉ đạo, tham mưu, triển khai thực hiện tốt các nhiệm vụ được giao trong Kế hoạch cải cách hành chính năm 2023 của cơ quan, đơn vị."},
            {"code": "cn-van-ban", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.SCORED,
             "text": "Chỉ đạo, tham mưu, triển khai thực hiện đảm bảo chất lượng và đúng thời gian quy định các văn bản chỉ đạo của UBND tỉnh và UBND huyện."},
            {"code": "cn-ky-luat", "subject": Subject.INDIVIDUAL, "kind": CriterionKind.ATTESTATION, "requirement": Requirement.MUST_MEET,
             "text": "Thực hiện nghiêm kỷ luật, kỷ cương hành chính (không vi phạm kỷ luật, kỷ cương hành chính)."},
        ],
        award_forms=[
            _giay_khen("Giấy khen của Ủy ban nhân dân huyện", "Chủ tịch UBND huyện Nguyên Bình", AwardLevel.DISTRICT),
            _giay_khen("Khen thưởng tại cơ quan, đơn vị, xã, thị trấn (tiêu chí, số lượng do đơn vị xây dựng)", "Thủ trưởng cơ quan, Chủ tịch UBND xã, thị trấn", AwardLevel.COMMUNE,
                       authority=AwardAuthority.PARTICIPANT),
        ],
        rounds=[("Tổng kết năm 2023", RoundKind.YEAR_END, date(2023, 1, 5), date(2023, 12, 30), None, [
            {"award_form": "award1", "subject": Subject.COLLECTIVE, "kind": QuotaKind.ABSOLUTE, "max_count": 5, "label": "Tối đa 05 tập thể"},
            {"award_form": "award1", "subject": Subject.INDIVIDUAL, "kind": QuotaKind.ABSOLUTE, "max_count": 10, "label": "Tối đa 10 cá nhân"},
        ])],
    )
    offices = [u[c] for c in ("CB-NGUYENBINH-PNV", "CB-NGUYENBINH-PVHTT", "CB-NGUYENBINH-TTVH")]
    communes = [u[c] for c in ("CB-NGUYENBINH-TTNB", "CB-NGUYENBINH-TINHTUC", "CB-NGUYENBINH-THANHCONG")]
    _register(campaign, made["co-quan"], units=offices)
    _register(campaign, made["xa"], units=communes)
    _register(campaign, made["ca-nhan"], people=list(Person.objects.filter(unit__in=offices + communes)))
    return campaign


# The eight fields of the 2021 commune PAR index (seed 004): (title, max, criteria, sub-criteria).
EA_LY_FIELDS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", Decimal("22.5"), 12, 18),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", Decimal("6"), 3, 6),
    ("Cải cách thủ tục hành chính", Decimal("17.5"), 8, 14),
    ("Cải cách tổ chức bộ máy hành chính", Decimal("3"), None, None),
    ("Cải cách chế độ công vụ", Decimal("10.5"), 4, 7),
    ("Cải cách tài chính công", Decimal("6"), 4, 5),
    ("Xây dựng chính quyền điện tử, chính quyền số", Decimal("25.5"), 4, 11),
    ("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế – xã hội của xã", Decimal("9"), 2, 4),
]


def _ea_ly(u: dict[str, Unit]) -> Campaign:
    campaign = _campaign(
        "ea-ly-par-2022",
        title="Nâng cao chỉ số cải cách hành chính (PAR INDEX) xã Ea Ly năm 2022",
        kind=CampaignKind.IMPROVEMENT, issuing_unit=u["PY-SONGHINH-EALY"], doc_number="", doc_symbol="KH-UBND", doc_date=date(2022, 6, 20),
        doc_day_blank=True,  # the plan reads "ngày   tháng 6 năm 2022"
        doc_place="Ea Ly",
        legal_basis="Căn cứ Quyết định số 1622/QĐ-UBND ngày 17/6/2022 của Chủ tịch UBND huyện Sông Hinh về phê duyệt và công bố chỉ số CCHC năm 2021 của UBND các xã, thị trấn trên địa bàn huyện.",
        purpose="Tăng điểm chỉ số CCHC năm 2022, phấn đấu đạt từ 80 điểm trở lên (xếp loại tốt).",
        start_date=date(2022, 6, 20), end_date=date(2022, 12, 31), status=CampaignStatus.LAUNCHED,
        signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", signer_name="Huỳnh Văn Hùng",
    )
    contents = []
    for title, max_points, n_criteria, n_sub in EA_LY_FIELDS:
        detail = f"{n_criteria} tiêu chí, {n_sub} tiêu chí thành phần" if n_criteria else ""
        contents.append((title, detail, max_points))
    targets = [
        ("mt-par-80", "Điểm chỉ số CCHC năm 2022 đạt từ 80 điểm trở lên (xếp loại tốt).", "par_index", Comparator.GTE, "80", None),
        ("mt-tthc-truc-tuyen", "Tỷ lệ TTHC được cung cấp trực tuyến mức độ 3, mức độ 4 có phát sinh hồ sơ trong năm đạt 60% trở lên.", "online_procedure_active_rate", Comparator.GTE, "60", "content7"),
        ("mt-ho-so-truc-tuyen", "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3, mức độ 4 đạt 50% trở lên.", "online_dossier_rate", Comparator.GTE, "50", "content7"),
        ("mt-bcci-tthc", "Tỷ lệ số TTHC có phát sinh hồ sơ qua dịch vụ BCCI đạt từ 50% trở lên.", "bcci_procedure_rate", Comparator.GTE, "50", "content7"),
        ("mt-bcci-tiep-nhan", "Tỷ lệ hồ sơ được tiếp nhận qua dịch vụ BCCI đạt từ 15% trở lên.", "bcci_received_rate", Comparator.GTE, "15", "content7"),
        ("mt-bcci-tra", "Tỷ lệ hồ sơ được trả kết quả qua dịch vụ BCCI đạt từ 15% trở lên.", "bcci_returned_rate", Comparator.GTE, "15", "content7"),
        ("mt-so-hoa", "Thực hiện số hóa kết quả giải quyết TTHC đạt tối thiểu 35%.", "digitized_result_rate", Comparator.GTE, "35", "content7"),
        ("mt-hai-long", "Mức độ hài lòng của người dân, tổ chức trong giải quyết TTHC đạt từ 90% trở lên.", "satisfaction_rate", Comparator.GTE, "90", "content8"),
        ("mt-dung-han", "Tỷ lệ hồ sơ TTHC cấp xã tiếp nhận trong năm được giải quyết đúng hạn 100%.", "on_time_rate", Comparator.GTE, "100", "content3"),
    ]
    criteria = []
    for ccode, text, indicator, comparator, threshold, content in targets:
        spec = {"code": ccode, "subject": Subject.COLLECTIVE, "kind": CriterionKind.INDICATOR, "requirement": Requirement.MUST_MEET,
                "text": text, "indicator_code": indicator, "comparator": comparator, "threshold": Decimal(threshold)}
        if content:
            spec["content"] = content
        criteria.append(spec)
    made = _replace(
        campaign, contents=contents,
        groups=[("xa", "UBND xã và các bộ phận chuyên môn của xã", Subject.COLLECTIVE, [UnitKind.COMMUNE, UnitKind.SECTION], [])],
        criteria=criteria,
        rounds=[("Đánh giá năm 2022", RoundKind.YEAR_END, date(2022, 1, 1), date(2022, 12, 31), None, [])],
    )
    _register(campaign, made["xa"], units=[u["PY-SONGHINH-EALY"]])
    return campaign


@transaction.atomic
def load_base(stdout: Any = None) -> list[tuple[str, str, str]]:
    """Units, people, accounts and the five seed campaigns. Returns the accounts to print."""
    units = _units()
    _people(units)
    accounts = _accounts(units)
    _tam_nong(units)
    _ha_nam(units)
    _dakrong(units)
    _nguyen_binh(units)
    _ea_ly(units)
    if stdout is not None:
        stdout.write(f"Đã nạp {len(units)} đơn vị, {Person.objects.filter(is_demo=True).count()} cá nhân, "
                     f"{Campaign.objects.filter(is_demo=True).count()} phong trào mẫu.\n")
    return accounts
