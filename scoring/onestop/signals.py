"""What the one-stop import announces to the layers above it (it imports none of them).

``facts_committed`` is sent by ``services.confirm_batch`` inside the transaction
that stored a batch's dossiers, reports or catalogue, with:

- ``unit_months``: ``dict[int, set[datetime.date]]`` — unit id → first days of the
  months whose facts changed (a unit may map to an empty set: nothing to redo);
- ``actor``: the user (or ``None`` for the system);
- ``reason``: ``"import:<batch id>"``, the runs' reason as the import always wrote
  it (the tests and ``bench/import_bench.py`` find a batch's runs by it);
- ``batch``: the ``ImportBatch``.

Only a confirmed batch sends it: cancelling a batch and locking or reopening a
month change no fact, and never asked for a recomputation.

Scoring's ``receivers.py`` turns it into recompute runs (enqueued on commit), the
same pattern as ``round_closed`` in ``campaigns/services.py``: the units are
grouped by identical month sets, ONE run per distinct set, so a district-wide file
gives one run per set and no unit is recomputed for months it did not touch.
"""

from django.dispatch import Signal

facts_committed = Signal()
