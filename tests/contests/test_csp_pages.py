"""The contest pages carry the portal's Content-Security-Policy and no inline script
(issue 12, acceptance 4: "a few detail pages")."""

from __future__ import annotations

from django.urls import reverse

from contests import services
from contests.choices import ContestStage, EntryFormat
from tests.test_sign_in import _check_csp

from .conftest import AUTHOR, article


def test_contest_detail_pages_carry_the_csp(client, contest, tree, officer_a, staff, judge):
    entry = services.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="Bài dự thi",
                                  fmt=EntryFormat.ARTICLE, upload=article(1200), authors=[AUTHOR])
    entry = services.submit_entry(entry, actor=officer_a)
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING)
    services.assign_judge(entry, actor=staff, judge=judge)
    code = contest.code
    pages = {
        staff: ["contests:detail", "contests:settings", "contests:results", ("contests:entry_detail", entry.pk),
                ("contests:entry_original", entry.pk), ("contests:entry_file", entry.pk)],
        officer_a: ["contests:detail", ("contests:entry_detail", entry.pk)],
        judge: ["contests:detail", ("contests:entry_detail", entry.pk), ("contests:score", entry.pk)],
        None: ["contests:public_results"],
    }
    for user, names in pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name in names:
            name, *extra = name if isinstance(name, tuple) else (name,)
            url = reverse(name, args=[code, *extra])
            response = client.get(url)
            assert response.status_code in (200, 403), (url, response.status_code)
            if response.streaming:  # a file: core.files' sandbox policy, not the page policy
                assert "sandbox" in response["Content-Security-Policy"]
                assert response["X-Content-Type-Options"] == "nosniff"
                assert response["Content-Disposition"].startswith("attachment")
                continue
            _check_csp(response, url)
