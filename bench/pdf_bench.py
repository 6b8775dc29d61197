"""Benchmark: a Tờ trình with 100 nominees through the awards app's real rendering
path vs WeasyPrint alone on the same HTML, measured in one run.

    .venv/bin/python bench/pdf_bench.py [--nominees 100] [--repeat 3]

(a) real path: ``awards.documents.proposal_context`` (queries, amounts from the
    dated configuration) → Django template → ``html_to_pdf`` (bundled font via
    @font-face, static-only URL fetcher);
(b) WeasyPrint's own time: ``HTML(string=html, base_url=static/).write_pdf()`` for
    the very HTML produced by (a).

Two thirds of the nominees await the leader's approval after a council vote (their
latest tally decides whether the Tờ trình lists them), a third are approved already.
Prints the medians, the ratio (a)/(b) (budget ≤ 1.5), the queries of (a) and the peak RSS.
Database: a fresh SQLite file in a temporary directory unless DATABASE_URL is set
(then use a database of your own; the benchmark migrates it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominees", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="pdf-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("MEDIA_ROOT", f"{tmp}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from awards.choices import NominationStatus
    from awards.documents import BASE_URL, html_to_pdf, proposal_context, render_html
    from awards.models import CouncilMeeting, CouncilMember, Decision, Nomination, VoteTally
    from campaigns.demo import load_base
    from campaigns.models import Campaign, Participant
    from organization.models import Person, Unit

    load_base()
    campaign = Campaign.objects.get(code="tam-nong-2023")
    round_ = campaign.rounds.get(order=2)
    form = campaign.award_forms.get(order=1)
    group = campaign.groups.get(code="ca-nhan")
    communes = list(Unit.objects.filter(code__startswith="DT-TAMNONG-", kind="commune"))
    Nomination.objects.filter(round=round_).delete()
    meeting = CouncilMeeting.objects.create(round=round_, held_at=datetime(2023, 11, 18, 8, 0, tzinfo=UTC),
                                            number="3", location="Hội trường UBND huyện")
    for k in range(7):
        CouncilMember.objects.create(meeting=meeting, order=k + 1, name=f"Thành viên {k + 1}", is_chair=k == 0,
                                     is_secretary=k == 1, present=k < 6)
    # Setup only (not measured): nominees written directly; two in three passed the
    # council's vote and await the leader, the others are approved already.
    for i in range(args.nominees):
        unit = communes[i % len(communes)]
        person, _ = Person.objects.get_or_create(
            code=f"BENCH-{i:04d}",
            defaults={"full_name": f"Nguyễn Thị Bích Ngọc {i + 1:03d}", "gender": "female", "category": "cong_chuc",
                      "position": "Công chức Văn hóa – Xã hội", "unit": unit},
        )
        participant, _ = Participant.objects.get_or_create(campaign=campaign, person=person, defaults={"group": group})
        awaiting = i % 3 != 2
        n = Nomination.objects.create(round=round_, award_form=form, subject="individual", person=person,
                                      participant=participant, group=group, proposing_unit=unit,
                                      status=NominationStatus.TO_COUNCIL if awaiting else NominationStatus.APPROVED)
        VoteTally.objects.create(meeting=meeting, nomination=n, yes=6, absent_yes=1)
    decision = Decision.objects.create(round=round_, proposal_number="5", proposal_date=date(2023, 11, 20),
                                       proposal_unit=Unit.objects.get(code="DT-TAMNONG"),
                                       addressee="Chủ tịch Ủy ban nhân dân huyện Tam Nông")

    def real_path() -> tuple[bytes, str]:
        html = render_html("awards/print/proposal.html", proposal_context(decision))
        return html_to_pdf(html), html

    with CaptureQueriesContext(connection) as queries:
        pdf, html = real_path()  # warm-up: font loading, template compilation
    listed = html.count("Nguyễn Thị Bích Ngọc")
    if listed != args.nominees:
        sys.exit(f"the Tờ trình lists {listed} nominees of {args.nominees}")
    HTML(string=html, base_url=BASE_URL).write_pdf()
    real, bare = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        pdf, html = real_path()
        real.append(time.perf_counter() - t)
        t = time.perf_counter()
        HTML(string=html, base_url=BASE_URL).write_pdf()
        bare.append(time.perf_counter() - t)
    out = Path(tmp) / "to-trinh-100.pdf"
    out.write_bytes(pdf)
    a, b = statistics.median(real), statistics.median(bare)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from io import BytesIO

    from pypdf import PdfReader

    print(f"nominees: {args.nominees}, pages: {len(PdfReader(BytesIO(pdf)).pages)}, file: {out}")
    print(f"real path (context + template + PDF): {a:.3f} s (median of {args.repeat})")
    print(f"WeasyPrint alone, same HTML:         {b:.3f} s (median of {args.repeat})")
    print(f"ratio: {a / b:.2f} (budget ≤ 1.5)")
    print(f"queries of the real path: {len(queries)} ({sum(1 for i in range(args.nominees) if i % 3 != 2)} nominees "
          "awaiting approval after the council vote)")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
