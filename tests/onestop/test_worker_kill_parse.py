"""No poison loops for the parse of an upload (issue 10).

- A worker killed (SIGKILL, the whole process group) in the middle of a parse: the
  redelivered task parses the file again after the restart, well within two
  minutes, and the preview equals a clean run of the same file (needs PostgreSQL +
  Redis: skipped locally, failed on CI).
- A parse that keeps dying is retried ``ONESTOP_PARSE_RETRIES`` times, then the batch
  fails with the reason; a stuck batch is cancelled by its uploader or by staff
  above, never by another unit; a parse arriving after the cancellation leaves it.
"""

from __future__ import annotations

import marshal
import time
from typing import Any

import pytest

from audit.models import AuditEvent
from scoring.onestop import services
from scoring.onestop.models import Dossier, ImportBatch, ImportKind, ImportStatus
from scoring.onestop.xlsx import build_workbook
from tests.onestop.helpers import D, catalog, dossier_file, dossier_row, upload
from tests.worker_support import WorkerHandle

N_ROWS = 30_000


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker is another process: it must read and write the same media folder."""
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return settings.MEDIA_ROOT


def _staged(batch: ImportBatch) -> Any:
    """The staged rows (compared as values: marshal's bytes depend on object sharing)."""
    with batch.staging_file.open("rb") as f:
        return marshal.loads(f.read())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_kill_worker_mid_parse_then_redelivery_equals_a_clean_run(shared_media, celery_worker_process, tree, officer_a):
    worker: WorkerHandle = celery_worker_process
    commune = tree["commune_a"]
    catalog(commune)
    rows = [dossier_row(f"HS-{i:06d}", received=D(2023, 3, 1 + i % 28), due=D(2023, 3, 28)) for i in range(N_ROWS)]
    data = build_workbook(ImportKind.DOSSIERS, rows, write_only=True)

    # The clean run: the same file parsed in this process (the same code path as the worker's).
    clean = services.create_batch(commune, "dossiers", upload(data), actor=officer_a, enqueue=False)
    services.parse_batch(clean.pk)
    clean.refresh_from_db()
    assert clean.status == ImportStatus.READY, clean.errors

    batch = services.create_batch(commune, "dossiers", upload(data), actor=officer_a)  # enqueued on commit
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportStatus.UPLOADED:
            break
        time.sleep(0.02)
    assert batch.status == ImportStatus.PARSING, (batch.status, worker.output())
    worker.kill9()
    batch.refresh_from_db()
    assert (batch.status, batch.parse_attempts) == (ImportStatus.PARSING, 1), "the parse ended before the kill"

    killed_at = time.monotonic()
    worker.start()
    # kombu's own restore of a dead worker's unacknowledged message, brought forward
    # (settings: CELERY_VISIBILITY_TIMEOUT + CELERY_UNACKED_RESTORE_INTERVAL, ~70 s).
    worker.redeliver_unacked()
    while time.monotonic() - killed_at < 120:
        batch.refresh_from_db()
        if batch.status not in (ImportStatus.UPLOADED, ImportStatus.PARSING):
            break
        time.sleep(0.2)
    assert batch.status == ImportStatus.READY, (batch.status, batch.message, worker.output())
    assert time.monotonic() - killed_at < 120
    assert batch.parse_attempts == 2
    assert (batch.counts, batch.total_rows, batch.error_count, batch.reading) == (
        clean.counts, clean.total_rows, clean.error_count, clean.reading)
    assert batch.counts["new"] == N_ROWS
    assert _staged(batch) == _staged(clean)
    assert Dossier.objects.count() == 0  # a parse stores nothing


# --- retries, then failed with the reason ------------------------------------------------------------


@pytest.fixture
def stuck(commune, officer_a, django_capture_on_commit_callbacks):
    """A batch whose parse started and whose process died (status parsing, one attempt)."""
    batch = services.create_batch(commune, "dossiers", upload(dossier_file([dossier_row("H1")])), actor=officer_a,
                                  enqueue=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PARSING, parse_attempts=1, progress=10)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
def test_redelivered_parse_is_counted_and_completes(stuck):
    batch = services.parse_batch(stuck.pk)
    assert (batch.status, batch.parse_attempts) == (ImportStatus.READY, 2)
    assert AuditEvent.objects.filter(action="onestop.batch.parse", object_id=str(batch.pk), data__attempt=2).exists()


@pytest.mark.django_db
def test_parse_that_keeps_dying_fails_with_the_reason(stuck, settings):
    settings.ONESTOP_PARSE_RETRIES = 2
    ImportBatch.objects.filter(pk=stuck.pk).update(parse_attempts=3)  # the first start and two retries died
    batch = services.parse_batch(stuck.pk)
    assert batch.status == ImportStatus.FAILED
    assert batch.message.startswith("Tệp không đọc được: việc đọc tệp bị dừng đột ngột 3 lần")
    assert AuditEvent.objects.filter(action="onestop.batch.failed", object_id=str(batch.pk), data__attempts=3).exists()
    # A further redelivery changes nothing.
    assert services.parse_batch(stuck.pk).status == ImportStatus.FAILED
    assert Dossier.objects.count() == 0


# --- cancelling a stuck batch ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_a", "staff"])
def test_uploader_or_staff_above_cancel_a_stuck_parse(stuck, who, request):
    actor = request.getfixturevalue(who)
    batch = services.cancel_batch(stuck, actor=actor)
    assert batch.status == ImportStatus.CANCELLED
    assert batch.message == "Đã hủy khi tệp đang được đọc; không ghi nhận số liệu nào."
    event = AuditEvent.objects.get(action="onestop.batch.cancel", object_id=str(batch.pk))
    assert (event.from_state, event.to_state, event.actor_id) == ("parsing", "cancelled", actor.pk)
    # The task, redelivered or late, leaves a cancelled batch alone.
    assert services.parse_batch(stuck.pk).status == ImportStatus.CANCELLED
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_other_unit_cannot_cancel_a_stuck_parse(stuck, officer_b):
    with pytest.raises(services.ImportNotAllowed, match="Bạn không có quyền thao tác trên lượt tải này"):
        services.cancel_batch(stuck, actor=officer_b)
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.PARSING
    assert not AuditEvent.objects.filter(action="onestop.batch.cancel").exists()


@pytest.mark.django_db
def test_committed_batch_cannot_be_cancelled(commune, officer_a, submit, confirm):
    batch = confirm(submit(commune, "dossiers", dossier_file([dossier_row("H1")]), officer_a), officer_a)
    with pytest.raises(services.ImportRefused, match="Không thể chuyển lượt tải từ"):
        services.cancel_batch(batch, actor=officer_a)
