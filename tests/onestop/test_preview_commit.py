"""Preview = commit (issue 10): whatever the database would refuse is a row/column
error at the preview, never an HTTP 500 at the confirmation; and what the preview
accepts at the very limit, the confirmation stores. Meant for PostgreSQL (it refuses
NUL in text and integers above 2,147,483,647, SQLite does not); runs on both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportKind, ImportStatus, MonthlyReport, Procedure
from scoring.onestop.validation import PG_INT_MAX
from scoring.onestop.xlsx import build_workbook
from tests.conftest import DEMO_PASSWORD
from tests.onestop.helpers import dossier_file, dossier_row, report_file, report_row
from tests.onestop.test_hostile_files import _sheet_xml, _with_escaped

pytestmark = pytest.mark.django_db


def _name_row(code: str, name: str) -> list:
    row = dossier_row(code)
    row[2] = name
    return row


def _big_report(total: int) -> bytes:
    return report_file([report_row("XA-A", rt=total, ro=total, rdp=0, co=0, st=0, se=0, so=0, sl=0, pt=total,
                                   pi=total, po=0)])


#: (id, kind, file, expected error (exact text))
REFUSED = [
    ("nul", "dossiers", lambda: _sheet_xml(dossier_file([dossier_row("H1", status="XNULX")]), _with_escaped("XNULX", "Đã_x0000_xong")),
     "Dòng 4, cột 'Trạng thái hồ sơ': ô chứa ký tự điều khiển U+0000 (NUL), không được phép trong số liệu; hãy xóa ký tự "
     "này (thường do sao chép từ phần mềm khác)"),
    ("escape-char", "dossiers", lambda: _sheet_xml(dossier_file([_name_row("H1", "TENX")]), _with_escaped("TENX", "Thủ tục_x001B_[31m")),
     "Dòng 4, cột 'Tên TTHC': ô chứa ký tự điều khiển U+001B, không được phép trong số liệu; hãy xóa ký tự này (thường do "
     "sao chép từ phần mềm khác)"),
    ("long-name", "dossiers", lambda: dossier_file([_name_row("H1", "x" * 501)]),
     "Dòng 4, cột 'Tên TTHC': nội dung dài quá 500 ký tự, không ghi nhận được; hãy rút gọn"),
    ("long-status", "dossiers", lambda: dossier_file([dossier_row("H1", status="s" * 101)]),
     "Dòng 4, cột 'Trạng thái hồ sơ': nội dung dài quá 100 ký tự, không ghi nhận được; hãy rút gọn"),
    ("long-code", "dossiers", lambda: dossier_file([dossier_row("H" * 81)]),
     "Dòng 4, cột 'Mã hồ sơ': mã hồ sơ dài quá 80 ký tự"),
    ("long-catalogue-name", "catalog", lambda: build_workbook(ImportKind.CATALOG, [["1.009", "t" * 501, "", "Toàn trình", "Có", ""]]),
     "Dòng 4, cột 'Tên TTHC': nội dung dài quá 500 ký tự, không ghi nhận được; hãy rút gọn"),
    ("count-over-integer", "report", lambda: _big_report(PG_INT_MAX + 1),
     "Dòng 4, cột 'Tiếp nhận: Tổng số': số quá lớn (tối đa 2.147.483.647), không phải số hồ sơ thực tế"),
]


@pytest.mark.parametrize("name,kind,build,expected", REFUSED, ids=[r[0] for r in REFUSED])
def test_what_the_database_refuses_is_an_error_at_preview_not_at_confirm(name, kind, build, expected, officer_a, commune,
                                                                         submit, client):
    batch = submit(commune, kind, build(), officer_a)
    assert batch.status == ImportStatus.INVALID, (batch.status, batch.errors)
    assert expected in [e["message"] for e in batch.errors]
    with pytest.raises(services.ImportRefused, match="không thể ghi nhận"):
        services.confirm_batch(batch, actor=officer_a, accept_gaps=True)
    # The page's confirm answers with the refusal, not a 500.
    client.login(username=officer_a.username, password=DEMO_PASSWORD)
    response = client.post(reverse("onestop:batch_confirm", args=[batch.pk]), {"accept_gaps": "1"}, follow=True)
    assert response.status_code == 200
    assert "không thể ghi nhận" in response.content.decode()
    assert Dossier.objects.count() == MonthlyReport.objects.count() == 0
    assert not Procedure.objects.filter(code="1.009").exists()


def test_same_problem_on_many_rows_is_one_message_with_row_ranges(officer_a, commune, submit):
    rows = [dossier_row(f"H{i}", status="XNULX" if i not in (4, 5) else "") for i in range(8)]
    batch = submit(commune, "dossiers", _sheet_xml(dossier_file(rows), _with_escaped("XNULX", "a_x0000_")), officer_a)
    nul = [e["message"] for e in batch.errors if "U+0000" in e["message"]]
    assert len(nul) == 1
    assert nul[0].startswith("Dòng 4–7, 10–11, cột 'Trạng thái hồ sơ': ô chứa ký tự điều khiển U+0000 (NUL)")
    assert nul[0].endswith("(6 dòng)")
    assert batch.error_count == 6


def test_at_the_limit_preview_accepts_and_confirm_stores(officer_a, commune, submit, confirm):
    """The other half of preview = commit: what passes the preview is stored as it is."""
    batch = submit(commune, "dossiers", dossier_file([
        _name_row("C" * 80, "n" * 500), dossier_row("H2", status="s" * 100),
        dossier_row("H3", status="Tab\tvà xuống\ndòng được giữ"),
    ]), officer_a)
    assert batch.status == ImportStatus.READY, batch.errors
    assert confirm(batch, officer_a).status == ImportStatus.COMMITTED
    assert Dossier.objects.get(code="C" * 80).procedure_name == "n" * 500
    assert Dossier.objects.get(code="H2").status == "s" * 100
    report = submit(commune, "report", _big_report(PG_INT_MAX), officer_a)
    assert report.status == ImportStatus.READY, report.errors
    assert confirm(report, officer_a).status == ImportStatus.COMMITTED
    assert MonthlyReport.objects.get().received_total == PG_INT_MAX
