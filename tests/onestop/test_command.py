"""manage.py import_onestop: the preview summary, the errors, exit codes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from scoring.onestop.models import Dossier, ImportBatch
from tests.onestop.helpers import catalog, dossier_file, dossier_row


@pytest.fixture
def files(tmp_path, tree, officer_a):
    catalog(tree["commune_a"])
    good = tmp_path / "dung.xlsx"
    good.write_bytes(dossier_file([dossier_row("C1"), dossier_row("C2")]))
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(dossier_file([dossier_row("C1", received="hôm qua")]))
    return good, bad


def _run(*args) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command("import_onestop", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.mark.django_db
def test_preview_without_commit_then_commit_then_no_op(files):
    good, _ = files
    code, out = _run(str(good), "--unit", "XA-A", "--user", "canbo_xa_a")
    assert code == 0 and "2 dòng: 2 mới, 0 cập nhật, 0 không đổi, 0 dòng lỗi." in out and "--commit" in out
    assert Dossier.objects.count() == 0
    code, out = _run(str(good), "--unit", "XA-A", "--user", "canbo_xa_a", "--commit")
    assert code == 0 and "Đã ghi nhận" in out and Dossier.objects.count() == 2
    code, out = _run(str(good), "--unit", "XA-A", "--user", "canbo_xa_a", "--commit")
    assert code == 0 and "Tệp này đã được ghi nhận ngày" in out


@pytest.mark.django_db
def test_invalid_file_exits_non_zero_with_errors(files):
    _, bad = files
    code, out = _run(str(bad), "--unit", "XA-A", "--user", "canbo_xa_a", "--commit")
    assert code == 1
    assert "Dòng 4, cột 'Ngày tiếp nhận': không đọc được ngày “hôm qua”" in out
    assert Dossier.objects.count() == 0 and ImportBatch.objects.get().status == "invalid"


@pytest.mark.django_db
def test_bad_arguments(files, officer_b):
    good, _ = files
    assert _run(str(good), "--unit", "KHONG-CO", "--user", "canbo_xa_a")[0] == 2
    assert _run("/khong/co/tep.xlsx", "--unit", "XA-A", "--user", "canbo_xa_a")[0] == 2
    code, out = _run(str(good), "--unit", "XA-A", "--user", "canbo_xa_b")  # out of the user's scope
    assert code == 1 and "không có quyền" in out
