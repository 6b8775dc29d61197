"""Demo uploads for the seed units, loaded THROUGH the real import services.

For every unit a deterministic (seeded) generator makes a procedure catalogue and
a year of dossiers; each month's export (dossiers received that month, plus older
ones resolved that month, in their state at the month's end — so a dossier
appears in several files and is upserted) is written as an xlsx in memory and
goes through create_batch → parse_batch → confirm_batch like an officer's upload.

- Tam Nông (kế hoạch 2023): communes and offices, months 01–10/2023. Each unit has
  a profile so that some meet the plan's targets and some miss them (online
  dossiers ≥ 50 %, online procedures with an online dossier ≥ 90 %, online
  payment > 90 %, no late dossiers, e-certified copies).
- Ea Ly and its sibling communes (kế hoạch 2022): dossiers plus the monthly report
  II.06a derived from the same dossiers (so both agree), months 01–12/2022; Ea Ly
  meets its targets, Ea Bia misses several, Hai Riêng is in between.

Idempotent: a unit's file that was already committed (same name) is skipped.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from core.periods import month_end, next_month
from organization.models import Unit

from . import services
from .models import ImportBatch, ImportKind, ImportStatus, MonthLock
from .xlsx import build_workbook

D = datetime.date


@dataclass(frozen=True)
class Profile:
    dossiers_per_month: int
    online: float  # share of dossiers submitted online
    postal: float  # share received through the public postal service (BCCI)
    late: float  # share resolved after the due date
    paid_online: float  # share of fee-bearing dossiers paid online
    coverage: float  # share of online procedures that get online dossiers
    e_cert: float  # share of dossiers that are e-certified copies
    digitized: float  # share of results issued electronically
    returned_by_post: float
    satisfied: float  # share of rated dossiers that are satisfied
    procedures: int = 40


TAM_NONG: dict[str, tuple[str, Profile]] = {
    # code: (uploading account, profile)
    "DT-TAMNONG-PHUCUONG": ("tamnong.xa.phucuong", Profile(90, 0.66, 0.04, 0.0, 0.96, 1.0, 0.12, 0.5, 0.05, 0.95)),
    "DT-TAMNONG-ANLONG": ("tamnong.xa.anlong", Profile(80, 0.58, 0.03, 0.0, 0.93, 1.0, 0.08, 0.45, 0.04, 0.93)),
    "DT-TAMNONG-TRAMCHIM": ("tamnong.thidua", Profile(120, 0.41, 0.05, 0.0, 0.92, 0.95, 0.15, 0.4, 0.05, 0.9)),
    "DT-TAMNONG-PHUDUC": ("tamnong.thidua", Profile(70, 0.55, 0.03, 0.03, 0.91, 1.0, 0.05, 0.35, 0.03, 0.88)),
    "DT-TAMNONG-ANHOA": ("tamnong.thidua", Profile(60, 0.52, 0.02, 0.0, 0.70, 1.0, 0.04, 0.3, 0.02, 0.9)),
    "DT-TAMNONG-PHUTHANHA": ("tamnong.thidua", Profile(65, 0.57, 0.03, 0.01, 0.95, 0.75, 0.06, 0.3, 0.03, 0.92)),
    "DT-TAMNONG-PNV": ("tamnong.thidua", Profile(30, 0.72, 0.02, 0.0, 0.97, 1.0, 0.0, 0.6, 0.02, 0.96, 18)),
    "DT-TAMNONG-PVHTT": ("tamnong.phong.vhtt", Profile(25, 0.61, 0.02, 0.0, 0.94, 1.0, 0.0, 0.55, 0.02, 0.94, 15)),
    "DT-TAMNONG-PTP": ("tamnong.thidua", Profile(40, 0.53, 0.02, 0.04, 0.92, 0.9, 0.2, 0.5, 0.02, 0.9, 20)),
    "DT-TAMNONG-VP": ("tamnong.thidua", Profile(20, 0.35, 0.02, 0.0, 0.9, 0.8, 0.0, 0.4, 0.02, 0.9, 12)),
}
EA_LY: dict[str, tuple[str, Profile]] = {
    "PY-SONGHINH-EALY": ("ealy.canbo", Profile(45, 0.56, 0.17, 0.0, 0.9, 1.0, 0.05, 0.42, 0.18, 0.95, 30)),
    "PY-SONGHINH-EABIA": ("songhinh.thidua", Profile(40, 0.38, 0.08, 0.05, 0.7, 0.5, 0.03, 0.2, 0.07, 0.85, 30)),
    "PY-SONGHINH-HAIRIENG": ("songhinh.thidua", Profile(60, 0.52, 0.12, 0.02, 0.85, 0.7, 0.06, 0.36, 0.16, 0.91, 30)),
}

FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Kinh doanh", "Xây dựng", "Văn hóa", "Nuôi con nuôi"]
NAMES = [
    "Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch", "Chứng thực bản sao từ bản chính",
    "Chứng thực chữ ký", "Xác nhận tình trạng hôn nhân", "Đăng ký thường trú", "Đăng ký hộ kinh doanh", "Cấp giấy phép xây dựng",
    "Hỗ trợ người có công", "Trợ cấp xã hội hằng tháng", "Đăng ký biến động đất đai", "Chuyển mục đích sử dụng đất",
    "Công nhận gia đình văn hóa", "Đăng ký nuôi con nuôi", "Thay đổi, cải chính hộ tịch", "Đăng ký giám hộ",
]


def _catalogue(code: str, profile: Profile, rnd: random.Random) -> list[tuple[str, str, str, str, bool]]:
    """(code, name, field, online level, fee-bearing); about 60 % online, a third of them in full."""
    out = []
    prefix = "1" if Unit.objects.filter(code=code, kind="office").exists() else "2"
    for i in range(profile.procedures):
        level = rnd.choices(["full", "partial", "none"], (0.3, 0.35, 0.35))[0]
        name = f"{NAMES[i % len(NAMES)]}{'' if i < len(NAMES) else f' ({i // len(NAMES) + 1})'}"
        out.append((f"{prefix}.{i + 1:06d}", name, FIELDS[i % len(FIELDS)], level, rnd.random() < 0.35))
    return out


LEVEL_LABEL = {"full": "Toàn trình", "partial": "Một phần", "none": "Không"}


def _dossiers(code: str, profile: Profile, catalogue: list, months: list[D], rnd: random.Random) -> list[dict]:
    online_procs = [p for p in catalogue if p[3] != "none"]
    # The online procedures that get online dossiers: a share of them (the coverage target).
    covered = online_procs[: max(1, round(len(online_procs) * profile.coverage))]
    postal_pool = catalogue[: max(1, round(len(catalogue) * profile.coverage * 0.8))]
    out = []
    seq = 0
    for m in months:
        days = (next_month(m) - m).days
        n = max(1, int(profile.dossiers_per_month * rnd.uniform(0.85, 1.15)))
        # Make sure every covered procedure gets an online dossier within the year.
        forced = covered[(months.index(m) * 4) % max(len(covered), 1):][:4]
        for k in range(n):
            seq += 1
            received = m + datetime.timedelta(days=rnd.randrange(days))
            if k < len(forced):
                proc, channel = forced[k], "online"
            else:
                r = rnd.random()
                channel = "online" if r < profile.online else ("postal" if r < profile.online + profile.postal else "direct")
                pool = covered if channel == "online" else (postal_pool if channel == "postal" else catalogue)
                proc = pool[rnd.randrange(len(pool))]
            wait = rnd.choice((0, 1, 2, 3, 5, 7, 10))
            due = received + datetime.timedelta(days=wait)
            late = rnd.random() < profile.late
            resolved = due + datetime.timedelta(days=rnd.randint(1, 6)) if late else received + datetime.timedelta(days=rnd.randint(0, wait))
            returned = resolved + datetime.timedelta(days=rnd.choice((0, 0, 1)))
            fee = proc[4]
            out.append({
                "code": f"{code.split('-')[-1]}-{received:%y%m%d}-{seq:05d}", "proc": proc, "channel": channel,
                "level": proc[3] if channel == "online" else "", "received": received, "due": due, "resolved": resolved,
                "returned": returned, "fee": fee, "paid": fee and rnd.random() < profile.paid_online,
                "eres": rnd.random() < profile.digitized, "ecert": rnd.random() < profile.e_cert,
                "post": rnd.random() < profile.returned_by_post,
                "sat": (3 if rnd.random() < 0.6 else 2) if rnd.random() < profile.satisfied else 1,
            })
    return out


CHANNEL_LABEL = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính công ích"}


def _export_rows(dossiers: list[dict], month: D) -> list[list[Any]]:
    """The month's export: dossiers received in it or resolved in it, as of the month's end."""
    end = month_end(month)
    rows = []
    for d in dossiers:
        in_month = month <= d["received"] <= end or month <= d["resolved"] <= end
        if not in_month or d["received"] > end:
            continue
        done = d["resolved"] <= end
        returned = d["returned"] if d["returned"] <= end else None
        status = "Đã trả kết quả" if returned else ("Đã giải quyết" if done else "Đang giải quyết")
        p = d["proc"]
        rows.append([
            d["code"], p[0], p[1], p[2], "", CHANNEL_LABEL[d["channel"]], LEVEL_LABEL.get(d["level"], ""),
            d["received"], d["due"], d["resolved"] if done else None, returned, status,
            "Có" if d["fee"] else "Không", "Có" if d["paid"] else "Không",
            "Có" if done and d["eres"] else "Không", "Có" if done and d["ecert"] else "Không",
            "Có" if returned and d["post"] else "Không", d["sat"] if returned else None,
        ])
    return rows


def _report_row(dossiers: list[dict], month: D, *, optional: bool) -> list[Any]:
    """Form II.06a for the month, derived from the same dossiers (so both sources agree)."""
    end = month_end(month)
    new = [d for d in dossiers if month <= d["received"] <= end]
    carried = [d for d in dossiers if d["received"] < month and d["resolved"] >= month]
    resolved = [d for d in new + carried if d["resolved"] <= end]
    pending = [d for d in new + carried if d["resolved"] > end]
    online = sum(1 for d in new if d["channel"] == "online")
    row = [
        "", f"{month:%m/%Y}", len(new) + len(carried), online, len(new) - online, len(carried), len(resolved),
        sum(1 for d in resolved if d["resolved"] < d["due"]), sum(1 for d in resolved if d["resolved"] == d["due"]),
        sum(1 for d in resolved if d["resolved"] > d["due"]), len(pending),
        sum(1 for d in pending if d["due"] >= end), sum(1 for d in pending if d["due"] < end),
    ]
    if optional:
        rated = [d for d in resolved if d["sat"]]
        row += [
            sum(1 for d in new if d["paid"]), sum(1 for d in new if d["fee"]),
            sum(1 for d in resolved if d["eres"]), sum(1 for d in resolved if d["ecert"]),
            sum(1 for d in new if d["channel"] == "postal"), sum(1 for d in resolved if d["post"]),
            sum(1 for d in rated if d["sat"] >= 2), len(rated),
        ]
    else:
        row += [None] * 8  # this unit's software does not export the optional counts: blank, not zero
    return row


class _Uploader:
    def __init__(self, stdout: Any) -> None:
        self.stdout = stdout
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=self._usernames())}
        self.done = set(ImportBatch.objects.filter(status=ImportStatus.COMMITTED).values_list("unit__code", "file_name"))
        self.committed = 0
        self.skipped = 0

    @staticmethod
    def _usernames() -> set[str]:
        return {a for a, _ in TAM_NONG.values()} | {a for a, _ in EA_LY.values()} | {"tamnong.thidua", "songhinh.thidua"}

    def upload(self, unit: Unit, account: str, kind: str, name: str, data: bytes, month: D | None = None) -> None:
        if (unit.code, name) in self.done:
            self.skipped += 1
            return
        actor = self.users.get(account)
        if actor is None:
            return
        try:
            batch = services.create_batch(unit, kind, data, actor=actor, month=month, file_name=name, enqueue=False)
        except services.AlreadyImported:
            self.skipped += 1
            return
        batch = services.parse_batch(batch.pk)
        if batch.status != ImportStatus.READY:
            raise RuntimeError(f"Demo upload {name} for {unit.code} invalid: {batch.errors[:3]}")
        services.confirm_batch(batch, actor=actor)
        self.committed += 1


def _load_group(uploader: _Uploader, units: dict[str, Unit], group: dict, months: list[D], *, reports: bool, seed: int) -> None:
    for code, (account, profile) in group.items():
        unit = units.get(code)
        if unit is None:
            continue
        rnd = random.Random(f"{seed}:{code}")
        cat = _catalogue(code, profile, rnd)
        rows = [[c, n, f, LEVEL_LABEL[lv], "Có" if fee else "Không", "Có"] for c, n, f, lv, fee in cat]
        uploader.upload(unit, account, ImportKind.CATALOG, f"danh-muc-tthc-{code.lower()}.xlsx",
                        build_workbook(ImportKind.CATALOG, rows, with_help=False, write_only=True))
        dossiers = _dossiers(code, profile, cat, months, rnd)
        for m in months:
            data = build_workbook(ImportKind.DOSSIERS, _export_rows(dossiers, m), with_help=False, write_only=True)
            uploader.upload(unit, account, ImportKind.DOSSIERS, f"ho-so-{code.lower()}-{m:%Y-%m}.xlsx", data)
            if reports:
                row = _report_row(dossiers, m, optional=code != "PY-SONGHINH-EABIA")
                data = build_workbook(ImportKind.REPORT, [row], with_help=False, write_only=True)
                uploader.upload(unit, account, ImportKind.REPORT, f"bao-cao-II06a-{code.lower()}-{m:%Y-%m}.xlsx", data)


def load(stdout: Any = None) -> None:
    """A year of uploads for the seed units, through the real services (idempotent)."""
    codes = set(TAM_NONG) | set(EA_LY)
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    uploader = _Uploader(stdout)
    _load_group(uploader, units, TAM_NONG, [D(2023, m, 1) for m in range(1, 11)], reports=False, seed=2023)
    _load_group(uploader, units, EA_LY, [D(2022, m, 1) for m in range(1, 13)], reports=True, seed=2022)
    # After the 6-month review the district's staff approved Tam Nông's first half.
    staff = uploader.users.get("tamnong.thidua")
    locked = 0
    if staff is not None:
        for code in TAM_NONG:
            unit = units.get(code)
            for m in range(1, 7):
                if unit and not MonthLock.objects.filter(unit=unit, month=D(2023, m, 1)).exists():
                    services.lock_month(unit, D(2023, m, 1), actor=staff, reason="Đã thẩm định khi sơ kết 6 tháng")
                    locked += 1
    if stdout is not None:
        stdout.write(f"Số liệu một cửa: {uploader.committed} lượt tải mới được ghi nhận, {uploader.skipped} đã có; "
                     f"khóa {locked} tháng.\n")
