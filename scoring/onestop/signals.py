"""What the one-stop import announces to the layers above it (it imports none of them).

``facts_committed`` is sent inside the transaction that stored a batch's dossiers
or reports, or changed a month's facts (cancel, reopen), with:

- ``unit_months``: ``dict[int, set[datetime.date]]`` — unit id → first days of the
  months whose facts changed;
- ``actor``: the user (or ``None`` for the system);
- ``reason``: the run's reason as the import always wrote it: ``"import:<batch id>"``
  (tests and ``bench/import_bench.py`` find the runs of a batch by it);
- ``batch``: the ``ImportBatch`` or ``None``.

Only a confirmed batch sends it today (cancel, lock and reopen change no fact).
The receiver should keep what the import did before the signal: group the units
by identical month sets and request ONE run per distinct set
(``request_recompute(unit_ids=sorted(units), months=sorted(months), …)``), so a
district-wide file gives one run per distinct set, and no unit is recomputed for
months it did not touch (a union of all months would recompute every unit for
every month any unit touched). Units with an empty set are skipped.

Scoring's ``receivers.py`` turns it into a recompute run (enqueued on commit), the
same pattern as ``round_closed`` in ``campaigns/services.py``.
"""

from django.dispatch import Signal

facts_committed = Signal()
