"""Reading one-stop spreadsheets: guards, header recognition, cell conversion.

Everything here is plain Python over row tuples (no Django form per row) because a
100,000-row export must be parsed, validated and committed within 3× the time
python-calamine alone needs to read it.

Header recognition: a header cell is normalised (diacritics removed, đ → d,
lower case, everything but letters and digits dropped), so "Mã hồ sơ", "MÃ HỒ SƠ",
"ma ho so" and the national exchange's camelCase "maHoSo" all become ``mahoso``.
Two- and three-row headers (form II.06a: "Tiếp nhận" above "Trực tuyến") are read
by stacking the header rows of each column after filling merged cells.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from openpyxl.utils import get_column_letter

from core import formats
from core.periods import month_start
from core.text import fold, fold_words, plain

from . import headers, legacy_fonts, readers, reports, vocabularies
from .models import Channel, ImportKind, OnlineLevel
from .readers import Book, FileRejected

# --- limits ---------------------------------------------------------------------

MAX_ZIP_ENTRIES = 200
BOMB_PART_BYTES = 20 * 1024 * 1024
BOMB_RATIO = 100
HEADER_SCAN_ROWS = 30
MAX_ERRORS_KEPT = 500

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


# --- normalisation ----------------------------------------------------------------

# The folding helpers live in core.text; kept under these names for the callers here.
_plain_lower = plain
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# --- cell converters: return the value or raise ValueError(Vietnamese message) -----

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = [
    # d/m/y with / - . separators, optional time after it
    (re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})(?:[ T,]+\d{1,2}[:h]\d{1,2}(?::\d{1,2})?(?:\.\d+)?\s*(?:am|pm|sa|ch)?)?$", re.I), "dmy"),
    (re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]+\d{1,2}:\d{1,2}(?::\d{1,2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$"), "ymd"),
    # national exchange format yyyyMMdd or yyyyMMddHHmmss
    (re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{6})?$"), "ymd"),
]
DATE_HINT = "dạng hợp lệ: dd/mm/yyyy, d/m/yy, yyyy-mm-dd hoặc ô kiểu ngày của Excel"


def to_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{value}” không phải là ngày ({DATE_HINT})")
    if isinstance(value, int | float):
        # An Excel serial number stored as a plain number (1 = 01/01/1900).
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(f"số “{_fmt_num(value)}” không phải là ngày ({DATE_HINT})")
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        a, b, c = (int(x) for x in m.groups())
        if order == "dmy":
            day, month, year = a, b, c
            if year < 100:
                year += 2000
        else:
            year, month, day = a, b, c
        try:
            return datetime.date(year, month, day)
        except ValueError:
            if order == "dmy" and day <= 12 < month:
                raise ValueError(
                    f"“{text}” không phải là ngày hợp lệ (tháng {month} > 12; có phải tệp ghi theo kiểu tháng/ngày/năm? "
                    f"Hãy ghi ngày/tháng/năm)"
                ) from None
            raise ValueError(f"“{text}” không phải là ngày hợp lệ") from None
    if re.match(r"^\d+(\.\d+)?$", text):
        return to_date(float(text))
    raise ValueError(f"không đọc được ngày “{text}” ({DATE_HINT})")


def _fmt_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


#: Counts of dossiers: one converter for every report column (thousands separators,
#: percentages refused) — ``reports.to_count``.
to_count = reports.to_count


_TRUE = {"co", "x", "1", "true", "yes", "y", "dung", "da", "dat", "v", "c"}
_FALSE = {"khong", "0", "false", "no", "n", "k", "chua", "sai"}


def to_bool(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # Fee columns of some exports hold the amount: any positive amount means "có phí".
        return value > 0
    said = vocabularies.meaning("yes_no", value)
    if said is not None:
        return said == "1"
    text = fold_words(value)
    if not text:
        return False
    if text in _TRUE or text.startswith(("co ", "da ")):
        return True
    if text in _FALSE or text.startswith(("khong", "chua")):
        return False
    if "buu chinh" in text or "bcci" in text:
        return True
    if "truc tiep" in text:
        return False
    try:
        return float(text.replace(" ", "").replace(",", ".")) > 0
    except ValueError:
        raise ValueError(f"“{value}” không phải là Có/Không") from None


_CHANNELS = {
    "truc tuyen": Channel.ONLINE, "online": Channel.ONLINE, "qua mang": Channel.ONLINE,
    "dich vu cong truc tuyen": Channel.ONLINE, "nop truc tuyen": Channel.ONLINE, "dvctt": Channel.ONLINE,
    "truc tiep": Channel.DIRECT, "direct": Channel.DIRECT, "nop truc tiep": Channel.DIRECT,
    "tai bo phan mot cua": Channel.DIRECT,
    "buu chinh": Channel.POSTAL, "buu chinh cong ich": Channel.POSTAL, "dich vu buu chinh cong ich": Channel.POSTAL,
    "bcci": Channel.POSTAL, "postal": Channel.POSTAL, "qua buu chinh": Channel.POSTAL,
    # Codes of the national data exchange (KenhThucHien): 1 direct, 2 online, 3 postal.
    "1": Channel.DIRECT, "2": Channel.ONLINE, "3": Channel.POSTAL,
}


def _vocabulary(domain: str, value: Any) -> tuple[Any, str | None, str]:
    """(``value`` with a whole float read as an integer — "1.0" → 1 —, the staff
    vocabulary's meaning of it or None, its folded words)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value, vocabularies.meaning(domain, value), fold_words(value)


def to_channel(value: Any) -> str | None:
    if value is None or value == "":
        return None
    value, said, text = _vocabulary("channel", value)
    if said is not None:
        return said
    found = _CHANNELS.get(text)
    if found is None:
        if "truc tuyen" in text or "qua mang" in text:
            found = Channel.ONLINE
        elif "buu chinh" in text or "bcci" in text:
            found = Channel.POSTAL
        elif "truc tiep" in text:
            found = Channel.DIRECT
    if found is None:
        raise ValueError(f"“{value}” không phải là kênh hợp lệ (Trực tuyến, Trực tiếp, Bưu chính công ích)")
    return found.value


def to_online_level(value: Any) -> str:
    if value is None or value == "":
        return ""
    value, said, text = _vocabulary("online_level", value)
    if said is not None:
        return said
    if not text:
        return ""
    if "toan trinh" in text or text in ("4", "muc do 4", "md4", "full"):
        return OnlineLevel.FULL.value
    if "mot phan" in text or text in ("3", "muc do 3", "md3", "partial"):
        return OnlineLevel.PARTIAL.value
    if text.startswith("khong") or text in ("1", "2", "muc do 1", "muc do 2", "none", "thong tin truc tuyen"):
        return OnlineLevel.NONE.value
    raise ValueError(f"“{value}” không phải là mức độ hợp lệ (Toàn trình, Một phần, Không)")


_SATISFACTION = {
    "rat hai long": 3, "hai long": 2, "khong hai long": 1, "chua hai long": 1, "binh thuong": 2,
}


def to_satisfaction(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= int(value) <= 3:
            return int(value)
        raise ValueError(f"“{_fmt_num(value)}” nằm ngoài thang 1–3 (1 = không hài lòng, 3 = rất hài lòng)")
    said = vocabularies.meaning("satisfaction", value)
    if said is not None:
        return int(said) if said else None
    text = fold_words(value)
    if not text or text in ("chua danh gia", "khong danh gia"):
        return None
    if text in _SATISFACTION:
        return _SATISFACTION[text]
    if text.isdigit():
        return to_satisfaction(int(text))
    raise ValueError(f"“{value}” không phải là mức hài lòng (Rất hài lòng, Hài lòng, Không hài lòng hoặc 1–3)")


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def to_month(value: Any) -> datetime.date | None:
    """A report month: 03/2023, 3-2023, 2023-03, "Tháng 3/2023", or any date in it."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date | datetime.datetime | int | float) and not isinstance(value, bool):
        return month_start(to_date(value))
    text = str(value).strip()
    m = re.match(r"^(?:th[aá]ng\s*)?(\d{1,2})\s*[/\-.]\s*(\d{4})$", text, re.I)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
    else:
        m = re.match(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})$", text)
        if not m:
            return month_start(to_date(text))
        year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"“{text}” không phải là tháng hợp lệ (dạng mm/yyyy)")
    return datetime.date(year, month, 1)


# --- column schemas -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Vietnamese header of the template, used in every message
    convert: Callable[[Any], Any]
    aliases: tuple[str, ...]  # folded; the first ones are preferred when several columns match
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()  # data-validation list in the template
    example: Any = None

    @property
    def words(self) -> tuple[str, ...]:
        """The aliases as written ("Ngày hẹn trả kết quả"), for ``headers`` matching by meaning."""
        return tuple(_WORDS.get(a, a) for a in self.aliases)


#: folded alias → the wording as written (the header matcher compares words).
_WORDS: dict[str, str] = {}


def _a(*names: str) -> tuple[str, ...]:
    for n in names:
        _WORDS.setdefault(fold(n), n)
    return tuple(fold(n) for n in names)


DOSSIER_COLUMNS: list[Column] = [
    Column("code", "Mã hồ sơ", to_text, _a("Mã hồ sơ", "maHoSo", "Số hồ sơ", "Mã số hồ sơ", "Mã HS", "Số biên nhận", "dossier code"),
           True, "Mã duy nhất của hồ sơ trên phần mềm Một cửa; một hồ sơ xuất hiện ở nhiều tháng được cập nhật, không tính hai lần.",
           example="000.00.20.H18-230305-0001"),
    Column("procedure_code", "Mã TTHC", to_text, _a("Mã TTHC", "maTTHC", "Mã thủ tục", "Mã thủ tục hành chính", "procedure code"),
           True, "Mã thủ tục hành chính, phải có trong danh mục TTHC của đơn vị.", example="1.001612"),
    Column("procedure_name", "Tên TTHC", to_text, _a("Tên TTHC", "tenTTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Thủ tục hành chính"),
           help="Tên thủ tục hành chính.", example="Cấp bản sao trích lục hộ tịch"),
    Column("field", "Lĩnh vực", to_text, _a("Lĩnh vực", "tenLinhVuc", "Tên lĩnh vực", "Lĩnh vực chính"), example="Hộ tịch"),
    Column("unit", "Đơn vị tiếp nhận", to_text, _a("Đơn vị tiếp nhận", "Mã đơn vị", "donVi", "Đơn vị", "Cơ quan tiếp nhận", "Đơn vị xử lý"),
           help="Mã (hoặc tên) đơn vị tiếp nhận; bỏ trống = đơn vị đang tải lên."),
    Column("channel", "Kênh thực hiện", to_channel, _a("Kênh thực hiện", "kenhThucHien", "Hình thức nộp", "Hình thức tiếp nhận", "Kênh nộp", "Kênh"),
           True, "Trực tuyến / Trực tiếp / Bưu chính công ích.", ("Trực tuyến", "Trực tiếp", "Bưu chính công ích"), "Trực tuyến"),
    Column("online_level", "Mức độ trực tuyến", to_online_level, _a("Mức độ trực tuyến", "mucDo", "Mức độ", "Mức độ DVC", "Cấp độ DVC"),
           help="Toàn trình / Một phần / Không; bỏ trống = theo danh mục TTHC.", choices=("Toàn trình", "Một phần", "Không"), example="Toàn trình"),
    Column("received_on", "Ngày tiếp nhận", to_date, _a("Ngày tiếp nhận", "ngayTiepNhan", "Ngày nhận", "Ngày nộp hồ sơ", "ngayNopHoSo", "Ngày nộp"),
           True, "Ngày/tháng/năm (dd/mm/yyyy).", example=datetime.date(2023, 3, 5)),
    Column("due_on", "Ngày hẹn trả", to_date, _a("Ngày hẹn trả", "ngayHenTra", "Ngày hẹn trả kết quả", "Hạn giải quyết", "Hạn xử lý", "Hạn trả kết quả"),
           help="Ngày hẹn trả kết quả, không trước ngày tiếp nhận.", example=datetime.date(2023, 3, 8)),
    Column("resolved_on", "Ngày giải quyết xong", to_date,
           _a("Ngày giải quyết xong", "ngayKetThucXuLy", "Ngày kết thúc xử lý", "Ngày hoàn thành", "Ngày xử lý xong", "Ngày có kết quả"),
           help="Bỏ trống nếu đang giải quyết.", example=datetime.date(2023, 3, 7)),
    Column("returned_on", "Ngày trả kết quả", to_date, _a("Ngày trả kết quả", "ngayTra", "Ngày trả", "Ngày trả KQ"),
           help="Bỏ trống nếu chưa trả.", example=datetime.date(2023, 3, 8)),
    Column("status", "Trạng thái hồ sơ", to_text, _a("Trạng thái hồ sơ", "trangThaiHoSo", "Trạng thái", "Tình trạng", "Tình trạng hồ sơ"),
           example="Đã trả kết quả"),
    Column("fee_bearing", "Có phí, lệ phí", to_bool, _a("Có phí, lệ phí", "Có nghĩa vụ tài chính", "Nghĩa vụ tài chính", "Phí, lệ phí", "lePhi", "phi"),
           help="Có / Không.", choices=("Có", "Không"), example="Có"),
    Column("paid_online", "Thanh toán trực tuyến", to_bool, _a("Thanh toán trực tuyến", "duocThanhToanTrucTuyen", "Đã thanh toán trực tuyến", "TT trực tuyến"),
           help="Có / Không.", choices=("Có", "Không"), example="Có"),
    Column("electronic_result", "Kết quả điện tử", to_bool, _a("Kết quả điện tử", "Có kết quả điện tử", "Số hóa kết quả", "Đã số hóa kết quả"),
           help="Có / Không: kết quả giải quyết được số hóa, cấp bản điện tử.", choices=("Có", "Không"), example="Có"),
    Column("e_certified_copy", "Chứng thực bản sao điện tử", to_bool,
           _a("Chứng thực bản sao điện tử", "Chứng thực điện tử", "Chứng thực bản sao điện tử từ bản chính"),
           help="Có / Không.", choices=("Có", "Không"), example="Không"),
    Column("returned_by_post", "Trả kết quả qua bưu chính", to_bool,
           _a("Trả kết quả qua bưu chính", "Trả qua bưu chính", "Trả KQ qua BCCI", "Trả kết quả qua BCCI", "hinhThucTra", "Hình thức trả"),
           help="Có / Không.", choices=("Có", "Không"), example="Không"),
    Column("satisfaction", "Mức độ hài lòng", to_satisfaction, _a("Mức độ hài lòng", "danhGia", "Đánh giá", "Hài lòng", "Kết quả đánh giá"),
           help="Rất hài lòng / Hài lòng / Không hài lòng (hoặc 3/2/1); bỏ trống = chưa đánh giá.",
           choices=("Rất hài lòng", "Hài lòng", "Không hài lòng"), example="Rất hài lòng"),
]

REPORT_REQUIRED = [
    # Biểu II.06a columns (3)–(13), with the wordings of the form, of provincial
    # portals ("Số mới tiếp nhận", "Chưa đến hạn") and of vendors' statistics screens
    # ("Tồn kỳ trước", "Đã xử lý", "Đang xử lý") where they mean the same count.
    ("received_total", "Tiếp nhận: Tổng số", ("Tiếp nhận Tổng số", "Số hồ sơ nhận giải quyết Tổng số", "Nhận giải quyết Tổng số", "Tổng số tiếp nhận", "Tổng tiếp nhận", "Số hồ sơ tiếp nhận", "Cần xử lý", "Tổng số cần giải quyết", "receivedTotal")),
    ("received_online", "Tiếp nhận trong kỳ: Trực tuyến", ("Tiếp nhận Trong kỳ Trực tuyến", "Tiếp nhận Trực tuyến", "Trong kỳ Trực tuyến", "Tiếp nhận trực tuyến", "Số mới tiếp nhận Trực tuyến", "Mới tiếp nhận Trực tuyến",
        "Số hồ sơ nhận giải quyết Trực tuyến", "Trong đó Trực tuyến", "Tiếp nhận qua mạng", "Nộp trực tuyến", "receivedOnline")),
    ("received_direct_postal", "Tiếp nhận trong kỳ: Trực tiếp, bưu chính", (
        "Tiếp nhận Trong kỳ Trực tiếp, dịch vụ bưu chính", "Tiếp nhận Trong kỳ Trực tiếp, bưu chính", "Tiếp nhận Trực tiếp, bưu chính",
        "Trong kỳ Trực tiếp, dịch vụ bưu chính", "Trong kỳ Trực tiếp, bưu chính", "Tiếp nhận Trực tiếp và dịch vụ bưu chính",
        "Số mới tiếp nhận Trực tiếp, dịch vụ bưu chính", "Mới tiếp nhận Trực tiếp, dịch vụ bưu chính",
        "Số hồ sơ nhận giải quyết Trực tiếp, dịch vụ bưu chính", "Trong đó Trực tiếp, dịch vụ bưu chính", "Trong đó Trực tiếp, bưu chính",
        "Trực tiếp, dịch vụ bưu chính", "Trực tiếp, bưu chính", "Trực tiếp và bưu chính", "receivedDirectPostal")),
    ("carried_over", "Tiếp nhận: Từ kỳ trước chuyển sang", (
        "Tiếp nhận Từ kỳ trước", "Tiếp nhận Từ kỳ trước chuyển sang", "Từ kỳ trước chuyển sang", "Từ kỳ trước", "Kỳ trước chuyển sang", "Từ kỳ trước chuyển qua", "Số hồ sơ nhận giải quyết Từ kỳ trước chuyển qua",
        "Tồn kỳ trước", "Tồn kỳ trước chuyển sang", "carriedOver")),
    ("resolved_total", "Đã giải quyết: Tổng số", ("Đã giải quyết Tổng số", "Số hồ sơ đã giải quyết Tổng số", "Tổng số đã giải quyết", "Đã giải quyết", "Đã xử lý Tổng", "Đã xử lý Tổng số", "resolvedTotal")),
    ("resolved_early", "Đã giải quyết: Trước hạn", ("Đã giải quyết Trước hạn", "Số hồ sơ đã giải quyết Trước hạn", "Giải quyết trước hạn", "Số hồ sơ đã giải quyết Trả trước hạn", "Đã giải quyết Trả trước hạn", "Đã xử lý Trước hạn", "resolvedEarly")),
    ("resolved_on_time", "Đã giải quyết: Đúng hạn", ("Đã giải quyết Đúng hạn", "Số hồ sơ đã giải quyết Đúng hạn", "Giải quyết đúng hạn", "Số hồ sơ đã giải quyết Trả đúng thời hạn", "Đã giải quyết Trả đúng hạn", "Đã giải quyết Đúng thời hạn", "resolvedOnTime")),
    ("resolved_late", "Đã giải quyết: Quá hạn", ("Đã giải quyết Quá hạn", "Số hồ sơ đã giải quyết Quá hạn", "Giải quyết quá hạn", "Đã giải quyết Trễ hạn", "Số hồ sơ đã giải quyết Trả quá hạn", "Đã giải quyết Trả quá hạn", "Đã xử lý Quá hạn", "Đã xử lý Trễ hạn", "resolvedLate")),
    ("pending_total", "Đang giải quyết: Tổng số", ("Đang giải quyết Tổng số", "Số hồ sơ đang giải quyết Tổng số", "Tổng số đang giải quyết", "Đang giải quyết", "Đang xử lý Tổng", "Chưa xử lý Tổng", "pendingTotal")),
    ("pending_in_time", "Đang giải quyết: Trong hạn", ("Đang giải quyết Trong hạn", "Số hồ sơ đang giải quyết Trong hạn", "Đang giải quyết trong hạn", "Số hồ sơ đang giải quyết Chưa đến hạn", "Đang giải quyết Chưa đến hạn", "Đang xử lý Chưa đến hạn", "pendingInTime")),
    ("pending_overdue", "Đang giải quyết: Quá hạn", ("Đang giải quyết Quá hạn", "Số hồ sơ đang giải quyết Quá hạn", "Đang giải quyết quá hạn", "Đang xử lý Quá hạn", "Đang xử lý Trễ hạn", "pendingOverdue")),
]
REPORT_OPTIONAL = [
    ("paid_online", "Thanh toán trực tuyến", ("Thanh toán trực tuyến", "Số hồ sơ thanh toán trực tuyến", "Hồ sơ thanh toán trực tuyến")),
    ("fee_bearing", "Hồ sơ có nghĩa vụ tài chính", ("Hồ sơ có nghĩa vụ tài chính", "Có nghĩa vụ tài chính", "Hồ sơ có phí, lệ phí")),
    ("electronic_results", "Kết quả điện tử", ("Kết quả điện tử", "Số hóa kết quả", "Hồ sơ có kết quả điện tử", "Kết quả được số hóa")),
    ("e_certified_copies", "Chứng thực bản sao điện tử", ("Chứng thực bản sao điện tử", "Chứng thực điện tử", "Số bản sao chứng thực điện tử")),
    ("postal_received", "Tiếp nhận qua BCCI", ("Tiếp nhận qua BCCI", "Tiếp nhận qua bưu chính", "Tiếp nhận qua dịch vụ bưu chính công ích", "Tiếp nhận Trong kỳ Bưu chính", "Trong kỳ Dịch vụ bưu chính", "Qua dịch vụ bưu chính công ích")),
    ("postal_returned", "Trả kết quả qua BCCI", ("Trả kết quả qua BCCI", "Trả kết quả qua bưu chính", "Trả qua bưu chính")),
    ("satisfied", "Lượt đánh giá hài lòng", ("Lượt đánh giá hài lòng", "Số lượt hài lòng", "Hài lòng")),
    ("rated", "Lượt đánh giá", ("Lượt đánh giá", "Tổng lượt đánh giá", "Số lượt đánh giá")),
    # Columns that only stand in for a form column (``reports.STAND_INS``; not stored):
    # direct receipts when the file counts postal ones apart (the two are summed into
    # column (5)), and early and on-time resolutions counted together in one column.
    ("received_direct", "Tiếp nhận trong kỳ: Trực tiếp (tách riêng)", ("Tiếp nhận Trong kỳ Trực tiếp", "Tiếp nhận Trực tiếp", "Trong kỳ Trực tiếp", "Nộp trực tiếp", "Trực tiếp")),
    ("resolved_within_time", "Đã giải quyết: Trước hạn, đúng hạn (gộp)", (
        "Đã giải quyết Trước hạn, đúng hạn", "Trước hạn, đúng hạn", "Đúng hạn, trước hạn", "Trước và đúng hạn",
        "Đã giải quyết Đúng và trước hạn", "Đã giải quyết Trong hạn", "Đã xử lý Đúng hạn", "Đã xử lý Sớm, đúng hạn")),
]
REPORT_COLUMNS: list[Column] = [
    Column("unit", "Đơn vị", to_text, _a("Đơn vị", "Mã đơn vị", "Tên đơn vị", "Cơ quan, đơn vị", "donVi"),
           help="Mã (hoặc tên) đơn vị; bỏ trống = đơn vị đang tải lên.", example=""),
    Column("month", "Tháng báo cáo", to_month, _a("Tháng báo cáo", "Kỳ báo cáo", "Tháng", "thangBaoCao"),
           help="mm/yyyy; bỏ trống = tháng chọn khi tải lên (hoặc ghi ở dòng tiêu đề).", example="03/2023"),
    *[Column(k, label, to_count, _a(*aliases), True, "Số nguyên không âm; không có hồ sơ thì ghi 0.", example=0) for k, label, aliases in REPORT_REQUIRED],
    *[Column(k, label, to_count, _a(*aliases), False, "Không bắt buộc: bỏ trống = không báo cáo (khác với 0).") for k, label, aliases in REPORT_OPTIONAL],
]

CATALOG_COLUMNS: list[Column] = [
    Column("code", "Mã TTHC", to_text, _a("Mã TTHC", "maTTHC", "Mã thủ tục", "Mã thủ tục hành chính", "Mã số"), True, example="1.001612"),
    Column("name", "Tên TTHC", to_text, _a("Tên TTHC", "tenTTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Thủ tục hành chính"), True,
           example="Cấp bản sao trích lục hộ tịch"),
    Column("field", "Lĩnh vực", to_text, _a("Lĩnh vực", "tenLinhVuc", "Tên lĩnh vực"), example="Hộ tịch"),
    Column("online_level", "Mức độ trực tuyến", to_online_level, _a("Mức độ trực tuyến", "mucDo", "Mức độ", "Mức độ DVC", "Mức độ cung cấp DVCTT"),
           help="Toàn trình / Một phần / Không.", choices=("Toàn trình", "Một phần", "Không"), example="Toàn trình"),
    Column("fee_bearing", "Có phí, lệ phí", to_bool, _a("Có phí, lệ phí", "Phí, lệ phí", "Có phí", "Nghĩa vụ tài chính"),
           help="Có / Không.", choices=("Có", "Không"), example="Có"),
    Column("postal_enabled", "Triển khai qua BCCI", to_bool, _a("Triển khai qua BCCI", "Bưu chính công ích", "Thực hiện qua BCCI", "Qua BCCI"),
           help="Có / Không; bỏ trống = Có.", choices=("Có", "Không"), example="Có"),
]

SCHEMAS: dict[str, list[Column]] = {
    ImportKind.DOSSIERS: DOSSIER_COLUMNS,
    ImportKind.REPORT: REPORT_COLUMNS,
    ImportKind.CATALOG: CATALOG_COLUMNS,
}


# --- guards ---------------------------------------------------------------------------


ACCEPTED = "Chỉ nhận tệp bảng tính .xlsx, .xls hoặc .ods."


def too_large(size: int, limit: int) -> str:
    """The refusal of a file over the size limit: "Tệp quá lớn (12,3 MB); giới hạn 10 MB."."""
    mb = 1048576
    return f"Tệp quá lớn ({formats.number(size / mb, 1)} MB); giới hạn {formats.number(round(limit / mb), 0)} MB."


def check_container(data: bytes, max_bytes: int) -> str:
    """Refuse what must not be parsed; return the format ("xlsx", "xls", "ods").

    Sizes and entry counts are read from the zip directory before anything is
    decompressed, so a zip bomb is refused without inflating it."""
    size = len(data)
    if size == 0:
        raise FileRejected("Tệp rỗng (0 byte).")
    if size > max_bytes:
        raise FileRejected(too_large(size, max_bytes))
    head = data[:8]
    if head == OLE_MAGIC:
        # An OLE compound file: either a real .xls or an Office-encrypted .xlsx,
        # whose directory holds the "EncryptedPackage" stream (names in UTF-16LE).
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise FileRejected("Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
        return "xls"
    if head[:4] != ZIP_MAGIC:
        # What web "Xuất Excel" buttons send under a .xls name: an HTML table or an
        # Excel 2003 XML Spreadsheet; and CSV. ``readers`` reads them.
        text_format = readers.sniff_text(data)
        if text_format is not None:
            return text_format
        raise FileRejected(f"Tệp không phải là bảng tính. {ACCEPTED}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(f"Tệp bị hỏng, không đọc được ({exc.__class__.__name__}). {ACCEPTED}") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRejected(f"Tệp có {len(infos)} thành phần nén (tối đa {MAX_ZIP_ENTRIES}): không phải bảng tính thông thường.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > BOMB_PART_BYTES and info.file_size > BOMB_RATIO * max(info.compress_size, 1):
            raise FileRejected(
                f"Tệp có thành phần “{info.filename[:80]}” giải nén ra {info.file_size // 1048576} MB "
                f"(tỷ lệ nén trên {BOMB_RATIO}:1): nghi là tệp độc hại, không xử lý."
            )
    max_uncompressed = settings.ONESTOP_MAX_UNCOMPRESSED_MB * 1048576  # issue 14: a setting, was MAX_UNCOMPRESSED
    if total > max_uncompressed:
        raise FileRejected(f"Tệp giải nén ra {total // 1048576} MB (tối đa {max_uncompressed // 1048576} MB): không xử lý.")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if any(n.startswith("xl/") and n.endswith(".bin") and "workbook" in n for n in names):
            raise FileRejected(f"Tệp .xlsb chưa được hỗ trợ. {ACCEPTED}")
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            # No one-stop export carries macros: a workbook that does was made by hand or
            # to attack; refused whole rather than read around its code.
            raise FileRejected("Tệp có macro (VBA, tệp .xlsm): không nhận tệp chứa mã lệnh. Hãy mở bằng Excel, chọn "
                               "Lưu thành (Save As) định dạng .xlsx (không macro) rồi tải lên lại.")
        return "xlsx"
    if "mimetype" in names:
        try:
            mime = zf.read("mimetype")[:100]
        except Exception:  # noqa: BLE001 - a damaged member is just "not a spreadsheet"
            mime = b""
        if mime.startswith(ODS_MIME):
            return "ods"
    raise FileRejected(f"Tệp nén này không phải là bảng tính (có thể là tài liệu Word hoặc tệp nén khác). {ACCEPTED}")


# --- reading --------------------------------------------------------------------------


@dataclass
class Located:
    """Where the data sits in the workbook: sheet, header rows and column mapping,
    and what the reader found on the way (``ImportBatch.reading``'s parts)."""

    sheet_index: int
    sheet_name: str
    header_top: int  # 0-based row of the first header row
    header_bottom: int  # 0-based row of the last header row
    columns: dict[str, int]  # field key → 0-based column index
    missing: list[Column]
    title_text: str = ""  # text of the rows above the header (the report month may be there)
    score: float = 0
    matches: dict[int, headers.ColumnMatch] = field(default_factory=dict)  # column → what it resembles
    skipped_sheets: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    book: Book | None = None
    kind: str = ""
    legacy_font: bool = False  # header typed in TCVN3: the rows are converted too


class BookSheet:
    """The located sheet: ``to_python`` gives all its rows (what validation reads)
    and refuses formula cells saved without their results in the mapped columns."""

    def __init__(self, book: Book, loc: Located) -> None:
        self.book, self.loc = book, loc

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        rows = self.book.rows(self.loc.sheet_index)
        if self.loc.legacy_font:
            legacy_fonts.fix_rows(rows)
        if self.loc.kind != ImportKind.REPORT:  # a report's totals are checked against their parts, row by row
            refuse_unfilled_formulas(self.book, self.loc, rows)
        return rows


def open_workbook(data: bytes, fmt: str | None = None) -> Book:
    """The ``readers.Book`` of the file (``fmt`` as ``check_container`` found it; sniffed if None)."""
    if fmt is None:
        fmt = check_container(data, max(len(data), 1))
    return readers.open_book(data, fmt)


def _short(exc: Exception) -> str:
    return readers.short(exc)


def _fill_merged(rows: list[list[Any]], merged: Iterable, limit: int) -> None:
    """Copy the value of each merged range's first cell into the whole range (header rows only).

    Ranges are cut to the cells that exist (the rows given and their width): a merge
    declared over A1:XFD30 costs what the sheet holds, not 16,384 columns (issue 10:
    3,000 such merges took 6 minutes). A merge starting outside them fills nothing."""
    rows_n = min(limit, len(rows))
    width = max((len(r) for r in rows[:rows_n]), default=0)
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= rows_n or c0 >= width:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        if value in ("", None):
            continue
        c1 = min(c1, width - 1)
        for r in range(r0, min(r1, rows_n - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] in ("", None):
                    row[c] = value


def _match_columns(stack: list[list[str]], schema: list[Column]) -> dict[str, tuple[int, int]]:
    """For each field, the (column, alias rank) of its best matching column.

    ``stack`` holds, per column, the folded header parts from top to bottom. A
    column matches an alias when the alias equals the whole stack, its bottom part,
    the last two parts, or the top and bottom parts (skipping "Trong kỳ")."""
    found: dict[str, tuple[int, int]] = {}
    taken: set[int] = set()
    candidates_by_col: list[list[str]] = []
    for parts in stack:
        parts = [p for i, p in enumerate(parts) if p and (i == 0 or p != parts[i - 1])]
        if not parts:
            candidates_by_col.append([])
            continue
        cands = ["".join(parts), parts[-1]]
        if len(parts) >= 2:
            cands.append(parts[-2] + parts[-1])
            cands.append(parts[0] + parts[-1])
        candidates_by_col.append(cands)
    # Longest (most specific) candidate strings first, so "Đã giải quyết / Quá hạn"
    # goes to resolved_late before any looser alias could take it.
    for col in schema:
        best: tuple[int, int, int] | None = None  # (alias rank, -specificity, column)
        for ci, cands in enumerate(candidates_by_col):
            if ci in taken:
                continue
            for spec, cand in enumerate(cands):
                if cand in col.aliases:
                    rank = col.aliases.index(cand)
                    key = (spec, rank, ci)
                    if best is None or key < best:
                        best = key
        if best is not None:
            found[col.key] = (best[2], best[1])
            taken.add(best[2])
    return found


def _plain_text(v: Any) -> str:
    return " ".join(str(v).split()) if isinstance(v, str) else ""


def _band(head: list[list[Any]], folded: list[list[str]], top: int, depth: int) -> tuple[list[list[str]], list[list[str]]]:
    """The folded and the as-written header parts of each column for the rows
    ``top`` … ``top + depth - 1``. A header written once above a group of columns
    ("Tiếp nhận" then blanks: merged, or covered cells of an .ods without merge
    records) is carried to the right over the columns that have a header below it."""
    bottom = top + depth - 1
    width = max(len(folded[r]) for r in range(top, bottom + 1))
    stack, raw = [], []
    for c in range(width):
        stack.append([folded[r][c] if c < len(folded[r]) else "" for r in range(top, bottom + 1)])
        raw.append([_plain_text(head[r][c]) if c < len(head[r]) else "" for r in range(top, bottom + 1)])
    for level in range(depth - 1):
        carry = carry_raw = ""
        for c in range(width):
            if stack[c][level]:
                carry, carry_raw = stack[c][level], raw[c][level]
            elif any(stack[c][level + 1:]):
                stack[c][level], raw[c][level] = carry, carry_raw
            else:
                carry = carry_raw = ""
    return stack, raw


def _match_band(stack: list[list[str]], raw: list[list[str]], schema: list[Column], targets: list[headers.Target],
                ratio_free: bool = False) -> tuple[dict[str, int], dict[int, headers.ColumnMatch], float]:
    """Fields of a header band: exact wordings first (as the template and the known
    exports write them), then by meaning for the columns and fields left. Returns
    (field → column, column → match, band score). ``ratio_free``: a percentage
    column ("%", "Tỷ lệ …") is never a count (reports)."""
    if ratio_free:
        ratio = {c for c, parts in enumerate(raw) if parts and reports.is_ratio_header(parts[-1] or " ".join(parts))}
        if ratio:
            stack = [["" for _ in parts] if c in ratio else parts for c, parts in enumerate(stack)]
            raw = [["" for _ in parts] if c in ratio else parts for c, parts in enumerate(raw)]
    exact = _match_columns(stack, schema)
    fixed = {ci: key for key, (ci, _) in exact.items()}
    heads = {c: [p for p in parts if p] for c, parts in enumerate(raw) if any(parts)}
    matches = headers.assign(heads, targets, fixed=fixed)
    columns = {m.field: c for c, m in matches.items() if m.field}
    required = {col.key for col in schema if col.required}
    score = sum(m.score for m in matches.values() if m.field) * 10 + sum(100 for k in columns if k in required)
    return columns, matches, score


def locate(wb: Book, kind: str, mapping: dict[str, str] | None = None) -> tuple[Located, BookSheet]:
    """Find the sheet, the header rows and the column of every field.

    Visible sheets are read (hidden ones are listed in ``skipped_sheets``, and read
    only when no visible sheet has a header); the header band (1–4 rows within
    the first ``HEADER_SCAN_ROWS``) whose columns match the schema best wins.
    ``mapping`` (``ImportBatch.mapping``: column index → field key, "" = ignore)
    overrides the guess for the columns it names. Raises ``FileRejected`` when a
    required field has no column; the exception's ``located`` is then the band
    found (its ``matches`` list every column and what it resembles), so the
    preview can offer the mapping. Reports: columns that stand in for the form's
    (``reports.STAND_INS``) complete it, percentage columns are never counts, a
    header typed in TCVN3 is converted (``legacy_fonts``)."""
    if not isinstance(wb, Book):  # a bare calamine workbook (older callers)
        raise TypeError("locate() takes a readers.Book (parsing.open_workbook)")
    schema = SCHEMAS[kind]
    targets = headers.targets(schema)
    sheets = wb.sheets[:20]
    if not sheets:
        raise FileRejected("Tệp không có trang tính nào.")
    visible = [s for s in sheets if s.visible]
    hidden = [s for s in sheets if not s.visible]
    skipped: list[dict[str, str]] = [{"name": s.name, "reason": "trang tính ẩn"} for s in hidden]
    best = _best_band(wb, visible, schema, targets, kind)
    if best is None and hidden:
        best = _best_band(wb, hidden, schema, targets, kind)
        if best is not None:
            skipped = [x for x in skipped if x["name"] != best.sheet_name]
            best.warnings.append(f"Chỉ trang tính ẩn “{best.sheet_name}” có dòng tiêu đề phù hợp; đã đọc trang này.")
    if best is None:
        empty = not any(any(v not in ("", None) for r in wb.head(s.index, HEADER_SCAN_ROWS)[0] for v in r) for s in sheets)
        raise FileRejected(_missing_message(schema, [c for c in schema if c.required], empty=empty))
    for s in sheets:
        if s.visible and s.index != best.sheet_index:
            skipped.append({"name": s.name, "reason": "không có bảng số liệu phù hợp bằng trang “" + best.sheet_name + "”"})
    best.skipped_sheets = skipped
    best.book, best.kind = wb, kind
    if mapping:
        _apply_mapping(best, schema, mapping)
    _resemblance_warnings(best, schema)
    required = [col.key for col in schema if col.required]
    if kind == ImportKind.REPORT:  # columns that stand in for the form's (reports.STAND_INS) complete it
        missing_keys = reports.missing_after_stand_ins(best.columns, required)
    else:
        missing_keys = [k for k in required if k not in best.columns]
    best.missing = [col for col in schema if col.key in missing_keys]
    if not best.columns:
        raise FileRejected(_missing_message(schema, [c for c in schema if c.required]))
    if best.missing:
        if kind == ImportKind.REPORT:
            labels = {c.key: c.label for c in schema}
            exc = FileRejected(reports.missing_columns_message(missing_keys, labels, list(best.columns)))
        else:
            exc = FileRejected(_missing_message(schema, best.missing, matches=best.matches))
        exc.located = best
        raise exc
    return best, BookSheet(wb, best)


def _best_band(wb: Book, sheets: list, schema: list[Column], targets: list[headers.Target], kind: str,
               ) -> Located | None:
    best: Located | None = None
    for info in sheets:
        try:
            head, merged = wb.head(info.index, HEADER_SCAN_ROWS)
        except Exception:  # noqa: BLE001 - a chart sheet or a damaged one: look at the next
            continue
        changed = legacy_fonts.fix_rows(head)  # headers typed in the .VnTime font (TCVN3)
        _fill_merged(head, merged, HEADER_SCAN_ROWS)
        folded = [[fold(v) if isinstance(v, str) else "" for v in r] for r in head]
        # A header band starts on a row with at least two different texts: not a data
        # row, nor a title merged across the table (filled into every column above).
        texty = [len(set(r) - {""}) >= 2 for r in folded]
        complete_at: int | None = None  # bottom row of a band that has every required field
        for top in range(len(folded)):
            # Below a complete header the rows are data: a few more tops, no more
            # (a header has at most 4 rows), so the cost does not follow the data.
            if complete_at is not None and top > complete_at + 1:
                break
            if not texty[top]:
                continue
            for depth in (1, 2, 3, 4):
                bottom = top + depth - 1
                if bottom >= len(folded):
                    break
                stack, raw = _band(head, folded, top, depth)
                columns, matches, score = _match_band(stack, raw, schema, targets, ratio_free=kind == ImportKind.REPORT)
                score -= depth
                if complete_at is None and all(col.key in columns for col in schema if col.required):
                    complete_at = bottom
                if columns and (best is None or score > best.score):
                    title = " ".join(to_text(v) for r in head[:top] for v in r if v not in ("", None))
                    best = Located(info.index, info.name, top, bottom, columns, [], title, score, matches,
                                   legacy_font=bool(changed))
                    if changed:
                        best.warnings.append(legacy_fonts.warning(changed))
    return best


def _apply_mapping(loc: Located, schema: list[Column], mapping: dict[str, str]) -> None:
    """The officer's choice for the columns it names ("" = bỏ qua); unknown keys are
    reported as warnings, not guessed."""
    labels = {c.key: c.label for c in schema}
    chosen: dict[int, str] = {}
    for index, key in mapping.items():
        try:
            ci = int(index)
        except (TypeError, ValueError):
            loc.warnings.append(f"Cách ghép cột: “{index}” không phải là số thứ tự cột; bỏ qua.")
            continue
        if key and key not in labels:
            loc.warnings.append(f"Cách ghép cột: trường “{key}” không có trong loại số liệu này; bỏ qua.")
            continue
        chosen[ci] = key
    taken = {k for k in chosen.values() if k}
    columns = {k: i for k, i in loc.columns.items() if i not in chosen and k not in taken}
    columns.update({k: i for i, k in chosen.items() if k})
    loc.columns = columns
    by_index = {i: k for k, i in columns.items()}
    for ci, m in loc.matches.items():
        key = by_index.get(ci)
        if key != m.field:
            m.field, m.score = key, 1.0 if key else m.score
    for ci, key in chosen.items():
        if key and ci not in loc.matches:
            loc.matches[ci] = headers.ColumnMatch(ci, "", key, 1.0)


def _resemblance_warnings(loc: Located, schema: list[Column]) -> None:
    """A column left unmapped whose header resembles a field is named, never dropped silently."""
    labels = {c.key: c.label for c in schema}
    for ci, m in sorted(loc.matches.items()):
        if m.field is None and m.candidates:
            names = ", ".join(f"“{labels[k]}”" for k in m.candidates if k in labels)
            loc.warnings.append(
                f"Cột {column_letter(ci)} (“{m.header}”) giống {names} nhưng chưa chắc chắn nên chưa được ghép: "
                f"hãy chọn trường cho cột này nếu cần."
            )


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB" (the letters the officer sees in the spreadsheet)."""
    return get_column_letter(index + 1)


def header_signature(texts: Iterable[str]) -> str:
    """A stable hash of the header texts in column order, each normalised as the
    matcher compares it (diacritics, case, punctuation, spacing and word order do
    not change it); trailing empty columns dropped."""
    import hashlib

    norm = [headers.normalized(t) for t in texts]
    while norm and not norm[-1]:
        norm.pop()
    return hashlib.sha256("|".join(norm).encode()).hexdigest()[:32]


def enrich_reading(reading: dict[str, Any], loc: Located) -> None:
    """Add to ``ImportBatch.reading`` (as built from ``loc`` by the preview) what only
    the reader knows: each column's score and candidate fields, the skipped sheets
    and the reader's warnings."""
    labels = {}
    for schema in SCHEMAS.values():
        labels.update({c.key: c.label for c in schema})
    for col in reading.get("columns", []):
        m = loc.matches.get(col["index"])
        if m is None:
            continue
        if m.field == col.get("field"):
            col["score"] = m.score
        col["candidates"] = [k for k in m.candidates if k != col.get("field")]
    reading["skipped_sheets"] = list(loc.skipped_sheets)
    warnings = reading.setdefault("warnings", [])
    for w in loc.warnings:
        if w not in warnings:
            warnings.append(w)


def refuse_unfilled_formulas(book: Book, loc: Located, rows: list[list[Any]]) -> None:
    """Formula cells saved without their results, in a mapped column of a data row,
    refuse the file: calamine reads them blank, and a blank must not become 0."""
    cells = book.unfilled_formulas(loc.sheet_index)
    if not cells:
        return
    mapped = {c: k for k, c in loc.columns.items()}
    labels = {c.key: c.label for c in SCHEMAS.get(loc.kind, [])}
    hit: dict[str, list[int]] = {}
    for r, c in cells:
        if r <= loc.header_bottom or c not in mapped or r >= len(rows) or is_total_row(rows[r]):
            continue
        hit.setdefault(labels.get(mapped[c], column_letter(c)), []).append(r + 1)
    if hit:
        rows_all = sorted({n for ns in hit.values() for n in ns})
        cols = ", ".join(f"'{label}'" for label in hit)
        raise FileRejected(
            f"Dòng {readers.ranges(rows_all)}, cột {cols}: ô có công thức nhưng tệp không lưu kết quả tính "
            f"(tệp do phần mềm ghi ra, chưa được tính lại), nên không đọc được số liệu — không coi là 0. "
            f"Hãy mở bằng Excel/LibreOffice và lưu lại rồi tải lên."
        )


def _missing_message(schema: list[Column], missing: list[Column], empty: bool = False,
                     matches: dict[int, headers.ColumnMatch] | None = None) -> str:
    if empty:
        return "Tệp không có dữ liệu (trang tính trống)."
    names = ", ".join(f"“{c.label}”" for c in missing)
    hints = []
    for col in missing:
        like = [m for m in (matches or {}).values() if m.field is None and col.key in m.candidates]
        if like:
            hints.append(f"cột {', '.join(f'{column_letter(m.index)} (“{m.header}”)' for m in like)} giống “{col.label}”")
    hint = f" Có thể: {'; '.join(hints)} — hãy chọn trường cho cột đó ở trang xem trước." if hints else ""
    return (
        f"Dòng tiêu đề: không tìm thấy cột bắt buộc {names}.{hint} Hãy dùng mẫu tải về từ trang tải số liệu "
        f"hoặc đặt tên cột theo mẫu (không phân biệt hoa thường, có dấu hay không dấu)."
    )


_COLNUM = re.compile(r"^\(?\d{1,2}\)?$")


def is_total_row(row: list[Any], first_cells: int = 2) -> bool:
    """A trailing total line: "Tổng cộng", "Tổng số", "Cộng" in one of the first
    non-empty cells (the table may start in any column)."""
    seen = 0
    for v in row:
        if v == "" or v is None:
            continue
        seen += 1
        if is_total_cell(v):
            return True
        if seen >= first_cells:
            return False
    return False


def is_total_cell(v: Any) -> bool:
    """A non-empty cell that reads "Tổng cộng", "Tổng số", "Cộng", "Tổng" or "Total"."""
    # Cheap test first: this runs on every data row, whose first cells are codes.
    if v.__class__ is str and 0 < len(v) < 40 and v[0] in "TtCc":
        f = fold(v)
        return f in ("tongcong", "tongso", "cong", "tong", "total") or f.startswith("tongcong")
    return False


def is_column_number_row(row: list[Any]) -> bool:
    """The "(1) (2) (3) …" line printed under the header of statistical forms."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    for v in values:
        if isinstance(v, str):
            if not _COLNUM.match(v.strip()):
                return False
        elif isinstance(v, int | float) and not isinstance(v, bool):
            if not float(v).is_integer():
                return False
        else:
            return False
    nums = [int(str(v).strip("() ").split(".")[0]) for v in values]
    return nums == list(range(nums[0], nums[0] + len(nums)))


_MONTH_IN_TITLE = [
    re.compile(r"th[aá]ng\s*(\d{1,2})\s*(?:/|-|n[aă]m)\s*(\d{4})", re.I),
    re.compile(r"k[yỳ]\s*b[aá]o\s*c[aá]o\s*:?\s*(\d{1,2})\s*/\s*(\d{4})", re.I),
    re.compile(r"t[uừ]\s*ng[aà]y\s*\d{1,2}/(\d{1,2})/(\d{4})", re.I),
]


def month_from_title(text: str) -> datetime.date | None:
    for pattern in _MONTH_IN_TITLE:
        m = pattern.search(text or "")
        if m:
            month, year = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return datetime.date(year, month, 1)
    return None
