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
    # Hà Nam 2024: the Sở decided its Giấy khen; the province's Bằng khen waits upward.
    from awards.models import Decision
    hanam = Decision.objects.filter(round__campaign__code="ha-nam-sgtvt-2023-2025")
    assert {(d.upward, d.status, tuple(f.name for f in d.award_forms.all())) for d in hanam} == {
        (False, "issued", ("Giấy khen của Lãnh đạo Sở",)), (True, "draft", ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",))}
    counts = (Nomination.objects.count(), AuditEvent.objects.count(), GeneratedDocument.objects.count(), LegalRegime.objects.count())
    load_base()
    demo.load(StringIO())
    assert (Nomination.objects.count(), AuditEvent.objects.count(), GeneratedDocument.objects.count(),
            LegalRegime.objects.count()) == counts
