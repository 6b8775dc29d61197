"""Fixtures of the one-stop upload tests."""

from __future__ import annotations

import pytest

from scoring.onestop import services
from tests.worker_support import celery_worker_process  # noqa: F401  (fixture of the worker tests)


@pytest.fixture
def commune(tree):
    """Commune A with a procedure catalogue (the dossiers' procedure codes resolve)."""
    from tests.onestop.helpers import catalog

    catalog(tree["commune_a"])
    return tree["commune_a"]


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Create a batch and run what is enqueued on commit (the parse task, in process)."""

    def _submit(unit, kind, data, actor, **kwargs):
        from tests.onestop.helpers import upload

        with django_capture_on_commit_callbacks(execute=True):
            batch = services.create_batch(unit, kind, upload(data, kwargs.pop("name", "so-lieu.xlsx")), actor=actor, **kwargs)
        batch.refresh_from_db()
        return batch

    return _submit


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm a batch (ticking "Tôi hiểu tệp thiếu các cột…" when it has gaps; the
    tick itself is tested in test_preview.py) and run the recomputation enqueued on commit."""

    def _confirm(batch, actor):
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_batch(batch, actor=actor, accept_gaps=True)
        batch.refresh_from_db()
        return batch

    return _confirm
