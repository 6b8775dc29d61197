"""A real Celery worker for tests marked ``worker`` (PostgreSQL + Redis only).

Use the ``celery_worker_process`` fixture with ``transactional_db`` (the worker is
another process: it only sees committed rows). The fixture starts
``celery -A cchc_portal worker`` against the pytest test database, waits until it
answers a ping, yields a handle that can ``kill9()`` and ``restart()`` it, and
stops it at the end. Register it in a test module with
``from tests.worker_support import celery_worker_process  # noqa: F401``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _requirements_missing() -> str | None:
    from django.db import connection

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or connection.vendor != "postgresql":
        return "cần PostgreSQL (DATABASE_URL=postgres://…) để chạy Celery worker thật"
    if not os.environ.get("REDIS_URL", "").strip():
        return "cần Redis (REDIS_URL) để chạy Celery worker thật"
    return None


def _skip_or_fail(reason: str) -> None:
    # On CI a missing PostgreSQL/Redis is a broken set-up, never a silent skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Thiếu môi trường cho kiểm thử worker: {reason}")
    pytest.skip(reason)


def _test_database_url() -> str:
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class WorkerHandle:
    """A ``celery worker`` subprocess in its own process group (so that kill -9
    takes its pool children with it, like a machine dying)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
        self.name = ""

    def start(self, timeout: float = 60) -> None:
        from cchc_portal.celery import app

        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cchc_portal", "worker", "-l", "INFO", "-P", "prefork", "-c", "1",
             "-n", self.name, "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.output()}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        self.stop()
        raise RuntimeError(f"Celery worker did not answer a ping within {timeout}s:\n{self.output()}")

    def kill9(self) -> None:
        """SIGKILL the worker and its pool children, with no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def restart(self) -> None:
        self.kill9()
        self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    @staticmethod
    def redeliver_unacked() -> None:
        """Hand unacknowledged messages of dead workers back to the queue now.

        With acks_late the message of a killed worker stays in Redis' "unacked"
        set; kombu restores it once the broker visibility timeout has passed
        (settings: CELERY_VISIBILITY_TIMEOUT, 60 s, swept every 10 s). A test that
        must not wait for that runs kombu's own restore with a zero timeout: the
        same mechanism, brought forward."""
        from kombu import Connection

        with Connection(os.environ["REDIS_URL"], transport_options={"visibility_timeout": 0}) as conn:
            conn.default_channel.qos.restore_visible(start=0, num=10_000)


@pytest.fixture
def celery_worker_process(transactional_db):
    reason = _requirements_missing()
    if reason:
        _skip_or_fail(reason)
    from cchc_portal.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "cchc_portal.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier, aborted run
    handle = WorkerHandle(env)
    handle.start()
    try:
        yield handle
    finally:
        handle.stop()
        app.conf.task_always_eager = previous
