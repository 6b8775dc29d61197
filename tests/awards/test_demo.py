from __future__ import annotations

from io import StringIO

import pytest


@pytest.mark.django_db(transaction=True)
def test_demo_is_idempotent_and_covers_states():
    from audit.models import AuditEvent
    from awards import demo
    from awards.models import GeneratedDocument, LegalRegime, Nomination
    from campaigns.demo import load_base

    load_base()
    demo.load(StringIO())
    states = set(Nomination.objects.values_list("status", flat=True))
    assert {"decided", "to_council", "submitted", "returned", "draft"} <= states
    assert GeneratedDocument.objects.filter(status="done").count() >= 5
    assert not GeneratedDocument.objects.exclude(status="done").exists()
    counts = (Nomination.objects.count(), AuditEvent.objects.count(), GeneratedDocument.objects.count(), LegalRegime.objects.count())
    load_base()
    demo.load(StringIO())
    assert (Nomination.objects.count(), AuditEvent.objects.count(), GeneratedDocument.objects.count(),
            LegalRegime.objects.count()) == counts
