"""The official list of administrative units, read from the packages that ship it.

* ``vietnam-provinces``: the 34 provinces and 3,321 commune-level units (xã,
  phường, đặc khu) in force since 01/07/2025, with the codes of the statistics
  office (Cục Thống kê: province "82", commune "28261").
* ``vietnamadminunits``: the 63 provinces, their districts and communes before
  the 2025 rearrangement, and which current commune took over each old one.

Dates: the rearrangement resolutions of the Standing Committee of the National
Assembly (one per province under NQ 76/2025/UBTVQH15; for Đồng Tháp NQ
1663/NQ-UBTVQH15, Điều 1 khoản 103: 102 units, 82 xã and 20 phường) make the new
communes operate from 01/07/2025 (Điều 2 khoản 2) and keep the old ones until
then (Điều 2 khoản 3); the district level ends the same day (Luật Tổ chức chính
quyền địa phương 72/2025/QH15).

Nothing here writes to the database: ``organization.services.load_province_units``
does, from the ``RegistryUnit`` rows these functions return.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import DomainError
from core.text import fold_words

from .choices import UnitKind

if TYPE_CHECKING:
    from vietnam_provinces import Province

# Both packages are imported where used, not here: vietnamadminunits pulls in numpy
# and shapely (0.6 s), too much for every web and worker process start.

#: First day of the two-level structure (per-province NQ of the UBTVQH, Điều 2 khoản 2).
CURRENT_FROM = date(2025, 7, 1)
#: Last day of the old districts and communes (same resolutions, Điều 2 khoản 3).
LEGACY_UNTIL = date(2025, 6, 30)
#: Appended to an old unit's official code to make its portal code: a new commune
#: often keeps the code of one of the communes merged into it ("28261").
LEGACY_SUFFIX = "-truoc-2025"

# vietnam_provinces.VietNamDivisionType values (a str enum) → the word in a unit's name.
_DIVISION_WORDS = {
    "tỉnh": "tỉnh",
    "thành phố trung ương": "thành phố",
    "xã": "xã",
    "phường": "phường",
    "đặc khu": "đặc khu",
}
# Every commune-level division is a UnitKind.COMMUNE ("UBND xã, phường, thị trấn, đặc
# khu"): campaigns and indicators select communes by that one kind.
_KIND = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.PROVINCE,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.COMMUNE,
    "đặc khu": UnitKind.COMMUNE,
}


def _provinces() -> Iterator[Province]:
    from vietnam_provinces import Province

    return Province.iter_all()


@dataclass(frozen=True)
class RegistryUnit:
    """One unit of the official list, shaped for ``organization.models.Unit``.

    ``official_code``: the statistics office's code ("82", "28261", old district "815");
    ``code``: the portal's unique code (the official code; old units get ``LEGACY_SUFFIX``);
    ``official_name``: as published ("Phường Mỹ Tho"); ``name``: the unit as an
    organisation ("UBND phường Mỹ Tho"); ``parent_code``/``successor_code``: portal codes.
    """

    official_code: str
    code: str
    official_name: str
    name: str
    place_name: str
    kind: str
    parent_code: str | None
    valid_from: date | None
    valid_until: date | None
    successor_code: str | None = None


def _strip_prefix(official_name: str, words: tuple[str, ...]) -> str:
    for word in words:
        if official_name.lower().startswith(word.lower() + " "):
            return official_name[len(word) + 1:]
    return official_name


def province_code(province: Province) -> str:
    return f"{int(province.code):02d}"


def ward_code(ward) -> str:
    return f"{int(ward.code):05d}"


def _province_place(province: Province) -> str:
    return _strip_prefix(province.name, ("Thành phố", "Tỉnh"))


def find_province(text: str) -> Province:
    """The current province named or coded by ``text`` ("Đồng Tháp", "dong thap",
    "Tỉnh Đồng Tháp", "82"); diacritics and case do not matter.

    Raises ``DomainError`` (Vietnamese) naming the known provinces when none matches.
    """
    wanted = fold_words(text)
    if wanted.isdigit():
        for province in _provinces():
            if int(province.code) == int(wanted):
                return province
    for province in _provinces():
        if wanted in {fold_words(province.name), fold_words(_province_place(province)),
                      fold_words(f"tỉnh {_province_place(province)}")}:
            return province
    names = ", ".join(sorted((_province_place(p) for p in _provinces()), key=fold_words))
    raise DomainError(f"Không có tỉnh, thành phố nào tên hoặc mã “{text}” trong danh mục từ 01/07/2025. "
                      f"Các tỉnh, thành phố: {names}.")


def provinces() -> list[tuple[str, str]]:
    """``[(code, name)]`` of the 34 current provinces, by name."""
    return sorted(((province_code(p), p.name) for p in _provinces()), key=lambda pair: fold_words(pair[1]))


def current_units(province: Province) -> list[RegistryUnit]:
    """The province and its commune-level units in force from ``CURRENT_FROM``, the
    province first, then the communes by official code."""
    pcode = province_code(province)
    place = _province_place(province)
    units = [RegistryUnit(
        official_code=pcode, code=pcode, official_name=province.name,
        name=f"UBND {_DIVISION_WORDS[province.division_type.value]} {place}", place_name=place,
        kind=_KIND[province.division_type.value], parent_code=None, valid_from=CURRENT_FROM, valid_until=None,
    )]
    from vietnam_provinces import Ward

    for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code)):
        word = _DIVISION_WORDS[ward.division_type.value]
        place_name = _strip_prefix(ward.name, (word,))
        units.append(RegistryUnit(
            official_code=ward_code(ward), code=ward_code(ward), official_name=ward.name,
            name=f"UBND {word} {place_name}", place_name=place_name, kind=_KIND[ward.division_type.value],
            parent_code=pcode, valid_from=CURRENT_FROM, valid_until=None,
        ))
    return units


# --- before 01/07/2025 (vietnamadminunits) -----------------------------------------------

# The package's own data files, found without importing the package.
_DATA = Path(importlib.util.find_spec("vietnamadminunits").origin).parent / "data"


@cache
def _converter() -> dict:
    return json.loads((_DATA / "converter_2025.json").read_text(encoding="utf-8"))


def _rows(sql: str, params: tuple) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{_DATA / 'dataset.db'}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def legacy_units(province: Province) -> list[RegistryUnit]:
    """The districts and communes that, until ``LEGACY_UNTIL``, made up the old
    provinces merged into ``province``: districts under the current province
    (the old provinces are not units of the portal), communes under their
    district, each commune with the current commune that took it over as
    ``successor_code``. A commune split between several new ones gets the one
    ``vietnamadminunits`` marks as its default; districts have no successor (the
    level was abolished)."""
    pcode = province_code(province)
    new_key = _rows("SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = ?", (pcode,))[0][0]
    new_codes = {r["wardKey"]: r["wardCode"] for r in _rows(
        "SELECT DISTINCT wardKey, wardCode FROM admin_units WHERE provinceKey = ?", (new_key,))}
    conv = _converter()
    successor: dict[str, str] = {}
    for new_ward, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}).items():
        for old in olds:
            successor[old] = new_codes[new_ward]
    for old, options in conv["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        default = next(o for o in options if o["isDefaultNewWard"])
        successor[old] = new_codes[default["newWardKey"]]
    old_keys = conv["DICT_PROVINCE"][new_key]
    marks = ",".join("?" * len(old_keys))
    rows = _rows(
        "SELECT DISTINCT provinceKey, districtKey, wardKey, district, ward, districtCode, wardCode, districtType, "
        f"wardType FROM admin_units_legacy WHERE provinceKey IN ({marks}) ORDER BY districtCode, wardCode",
        tuple(old_keys))
    districts: dict[str, RegistryUnit] = {}
    communes: list[RegistryUnit] = []
    for r in rows:
        dcode = r["districtCode"]
        if dcode not in districts:
            dtype = r["districtType"] or ""
            place = _strip_prefix(r["district"], (dtype,)) if dtype else r["district"]
            districts[dcode] = RegistryUnit(
                official_code=dcode, code=dcode + LEGACY_SUFFIX, official_name=r["district"],
                name=f"UBND {dtype.lower()} {place}".replace("  ", " "), place_name=place, kind=UnitKind.DISTRICT,
                parent_code=pcode, valid_from=None, valid_until=LEGACY_UNTIL)
        if not r["wardCode"]:  # a district without communes (an island district)
            continue
        wtype = r["wardType"] or ""
        place = _strip_prefix(r["ward"], (wtype,)) if wtype else r["ward"]
        old_key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        new = successor.get(old_key)
        communes.append(RegistryUnit(
            official_code=r["wardCode"], code=r["wardCode"] + LEGACY_SUFFIX, official_name=r["ward"],
            name=f"UBND {wtype.lower()} {place}", place_name=place, kind=UnitKind.COMMUNE,
            parent_code=dcode + LEGACY_SUFFIX, valid_from=None, valid_until=LEGACY_UNTIL, successor_code=new))
    return list(districts.values()) + communes


def current_commune_code(address: str) -> str | None:
    """The official code of the commune in force today that took over the unit an
    old address names ("Phường 1, Thành phố Mỹ Tho, Tỉnh Tiền Giang" → "28261"),
    or None when ``vietnamadminunits`` cannot place it. For uploads that still
    name a unit as it was before 01/07/2025 (``organization.services.unit_for_old_name``)."""
    from vietnamadminunits import convert_address

    # An address it cannot place comes back with empty fields, not an exception.
    return convert_address(address).ward_code or None
