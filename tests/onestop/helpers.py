"""Builders of upload files for the one-stop tests (real xlsx written by openpyxl)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from scoring.onestop.models import ImportKind, OnlineLevel, Procedure
from scoring.onestop.xlsx import build_workbook

D = datetime.date
MARCH_1 = D(2023, 3, 1)
MARCH_5 = D(2023, 3, 5)


def xlsx(rows: list[list[Any]], merges: list[str] = (), sheet_title: str = "Sheet1") -> bytes:
    """A workbook with exactly these rows from A1 (None = empty cell)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def dossier_row(code: str, *, unit: str = "", procedure: str = "1.001", channel: str = "Trực tuyến",
                level: str = "", received: Any = MARCH_1, due: Any = MARCH_5, resolved: Any = None,
                returned: Any = None, status: str = "", fee: str = "Không", paid: str = "Không", eres: str = "Không",
                ecert: str = "Không", post: str = "Không", sat: Any = None) -> list[Any]:
    """A row in the template's column order (see parsing.DOSSIER_COLUMNS)."""
    return [code, procedure, "Thủ tục thử", "Hộ tịch", unit, channel, level, received, due, resolved, returned, status,
            fee, paid, eres, ecert, post, sat]


def dossier_file(rows: list[list[Any]]) -> bytes:
    return build_workbook(ImportKind.DOSSIERS, rows)


def report_row(unit: str = "", month: Any = "03/2023", *, rt=10, ro=6, rdp=4, co=0, st=8, se=3, so=4, sl=1, pt=2, pi=2, po=0,
               optional: list[Any] | None = None) -> list[Any]:
    return [unit, month, rt, ro, rdp, co, st, se, so, sl, pt, pi, po, *(optional or [None] * 8)]


def report_file(rows: list[list[Any]]) -> bytes:
    return build_workbook(ImportKind.REPORT, rows)


def catalog(unit, codes: dict[str, str] | None = None) -> None:
    """Give a unit a procedure catalogue (code → online level)."""
    codes = codes or {"1.001": OnlineLevel.FULL, "1.002": OnlineLevel.PARTIAL, "1.003": OnlineLevel.NONE}
    for code, level in codes.items():
        Procedure.objects.create(unit=unit, code=code, name=f"Thủ tục {code}", online_level=level, fee_bearing=code == "1.002")
