"""Lists page on the server (issue 13 item 4, issue 14 item 1): the first page of
a list costs the same number of queries and stays under a size bound whatever
the number of rows or units; search folds diacritics; the filter stays in links."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.choices import CampaignKind, Subject
from campaigns.models import AwardForm, Campaign, Round
from core.listing import PER_PAGE
from organization.choices import UnitKind
from organization.models import Unit
from scoring.onestop.models import ImportBatch, ImportKind, ImportStatus

#: The most a list page may weigh (issue 14: no HTML response above 200 KB).
MAX_BYTES = 200_000


def _batches(unit: Unit, user, start: int, count: int) -> None:
    ImportBatch.objects.bulk_create([
        ImportBatch(unit=unit, kind=ImportKind.DOSSIERS, status=ImportStatus.COMMITTED,
                    file=f"imports/x/{i}.xlsx", file_name=f"so-lieu-thang-{i:04d}.xlsx",
                    file_sha256=hashlib.sha256(str(i).encode()).hexdigest(), uploaded_by=user)
        for i in range(start, start + count)
    ])


def _communes(parent: Unit, start: int, count: int) -> list[Unit]:
    """``count`` more communes under ``parent`` (a registry grown by a merger or a load)."""
    return [Unit.objects.create(code=f"XA-{i:04d}", name=f"UBND xã Số {i:04d}", kind=UnitKind.COMMUNE, parent=parent)
            for i in range(start, start + count)]


def _get(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert len(response.content) < MAX_BYTES, f"{url}: {len(response.content)} byte"
    return len(queries), body


@pytest.mark.django_db
def test_upload_history_pages_in_constant_queries_and_searches_file_names(client, staff, tree):
    client.force_login(staff)
    url = reverse("onestop:upload_list")
    _batches(tree["commune_a"], staff, 0, 60)
    small, _ = _get(client, url)
    _batches(tree["commune_b"], staff, 60, 940)
    large, body = _get(client, url)
    assert large == small
    assert body.count("so-lieu-thang-") == PER_PAGE and "Trang 1 / 20" in body and "1.000" in body

    # Search by part of the file name, diacritics and case ignored; the filter stays in the links.
    n, body = _get(client, url + "?q=THANG-099")
    assert n <= small and body.count("so-lieu-thang-099") == 10 and "so-lieu-thang-0100" not in body
    n, body = _get(client, url + "?q=xa-b&status=committed&page=2")  # the unit code, folded
    assert "Trang 2 / 19" in body and "?q=xa-b&amp;status=committed&amp;page=3" in body
    assert "51–100 / 940" in body
    assert _get(client, url + "?q=không-có-tệp-này")[1].count("so-lieu-thang-") == 0
    # An out-of-range page gives the last one rather than an error.
    assert "Trang 20 / 20" in _get(client, url + "?page=999")[1]


@pytest.mark.django_db
def test_upload_history_of_another_unit_stays_out_of_the_search(client, officer_b, staff, tree):
    _batches(tree["commune_a"], staff, 0, 5)
    client.force_login(officer_b)
    assert _get(client, reverse("onestop:upload_list") + "?q=so-lieu")[1].count("so-lieu-thang-") == 0


@pytest.mark.django_db
def test_search_ignores_diacritics_and_case(client, officer_a, tree):
    ImportBatch.objects.create(unit=tree["commune_a"], kind=ImportKind.REPORT, file="imports/x/a.xlsx",
                               file_name="Báo cáo ĐẮK Mò Ó.xlsx", file_sha256="0" * 64)
    client.force_login(officer_a)
    url = reverse("onestop:upload_list")
    for text in ("bao cao dak", "MÒ Ó", "đắk"):
        assert "Báo cáo ĐẮK Mò Ó.xlsx" in _get(client, f"{url}?q={text}")[1], text
    assert "Mò Ó.xlsx" not in _get(client, f"{url}?q=bao+cao+dac")[1]


@pytest.mark.django_db
def test_nomination_list_pages_at_two_registry_sizes(client, staff, tree):
    from model_bakery import baker

    from awards.models import Nomination

    campaign = baker.make(Campaign, kind=CampaignKind.REGULAR, issuing_unit=tree["district"], code="tt-2026")
    round_ = baker.make(Round, campaign=campaign, name="Năm 2026")
    form = baker.make(AwardForm, campaign=campaign, name="Giấy khen của Chủ tịch UBND")

    def nominate(units: list[Unit]) -> None:
        Nomination.objects.bulk_create([Nomination(round=round_, award_form=form, subject=Subject.COLLECTIVE, unit=u,
                                                   proposing_unit=u, amount=1_520_000) for u in units])

    client.force_login(staff)
    url = reverse("awards:nomination_list") + f"?round={round_.pk}"
    nominate(_communes(tree["district"], 0, 60))
    small, _ = _get(client, url)
    nominate(_communes(tree["district"], 60, 240))
    large, body = _get(client, url)
    assert large == small
    assert body.count('data-label="Đơn vị đề nghị"') == PER_PAGE and "1.520.000" in body and "Trang 1 / 6" in body
    body = _get(client, url + "&q=so+0299")[1]
    assert body.count('data-label="Đơn vị đề nghị"') == 1 and "UBND xã Số 0299" in body


@pytest.mark.django_db
def test_unit_list_pages_and_searches_names(client, staff, officer_a, tree):
    client.force_login(staff)
    url = reverse("organization:unit_list")
    _communes(tree["district"], 0, 20)
    small, _ = _get(client, url)
    _communes(tree["district"], 20, 200)
    large, body = _get(client, url)
    assert large == small and "Trang 1 / 5" in body and body.count("UBND xã Số ") == PER_PAGE - 4  # district, A, B, office first
    assert "UBND xã Số 0150" in _get(client, url + "?q=xa+so+0150")[1]
    client.force_login(officer_a)  # an officer's search stays in their own subtree
    assert "UBND xã Số 0150" not in _get(client, url + "?q=xa+so+0150")[1]


@pytest.mark.django_db
def test_completeness_grid_pages_by_unit_at_two_registry_sizes(client, staff, tree):
    client.force_login(staff)
    url = reverse("completeness") + "?year=2023"
    _communes(tree["district"], 0, 20)
    small, _ = _get(client, url)
    _communes(tree["district"], 20, 300)
    large, body = _get(client, url)
    assert large == small and "Trang 1 / 7" in body
    assert body.count('<tr><th style="padding-left:') == PER_PAGE
    body = _get(client, url + "&q=so+0299")[1]
    assert body.count('<tr><th style="padding-left:') == 1 and "UBND xã Số 0299" in body
    # Drill-down: a unit with units under it opens its own grid; the way back up is shown.
    Unit.objects.create(code="XA-A-BP", name="Bộ phận một cửa xã A", kind=UnitKind.OFFICE, parent=tree["commune_a"])
    body = _get(client, reverse("completeness") + "?year=2023&unit=H-DEMO&q=ubnd+xa+a")[1]
    assert "?year=2023&amp;unit=XA-A" in body
    body = _get(client, reverse("completeness") + "?year=2023&unit=XA-A")[1]
    assert "UBND huyện Thử Nghiệm</a> ›" in body and "UBND tỉnh Thử Nghiệm" not in body  # staff's scope is the district


@pytest.mark.django_db
def test_leaderboard_pages_by_group_and_pins_the_users_own_unit(client, staff, tree):
    from scoring.defaults import ensure_default_indicators
    from scoring.runs import recompute_now
    from scoring.views import LEADERBOARD_PER_PAGE
    from tests.scoring.conftest import make_campaign

    ensure_default_indicators()
    district = tree["district"]
    district.name = "Văn phòng HĐND và UBND huyện"  # sorts after every "UBND xã …" when scores tie
    district.save()
    units = _communes(district, 0, 30)
    campaign, group, round_, _ = make_campaign(tree, units=[*units, district])
    recompute_now()
    client.force_login(staff)
    url = reverse("scoring:leaderboard", args=[campaign.code, round_.pk])
    small, _ = _get(client, url)
    campaign.participants.model.objects.bulk_create([
        campaign.participants.model(campaign=campaign, group=group, unit=u) for u in _communes(district, 30, 150)])
    recompute_now()
    large, body = _get(client, url)
    assert large == small
    assert body.count('<tr id="don-vi-') == LEADERBOARD_PER_PAGE + 1 and "Trang 1 / 8" in body
    own = f'id="don-vi-{district.pk}" class="own-row"'
    assert own in body and f"?nhom=xa&amp;page=8#don-vi-{district.pk}" in body
    body = _get(client, url + "?nhom=xa&page=8")[1]
    assert f'id="don-vi-{district.pk}"' in body and own not in body  # on its own page: not pinned again


@pytest.mark.django_db
def test_unit_dashboard_pages_child_units_at_two_registry_sizes(client, staff, tree):
    from scoring.defaults import ensure_default_indicators

    ensure_default_indicators()
    client.force_login(staff)
    url = reverse("scoring:unit_dashboard", args=[tree["district"].pk]) + "?year=2023"
    _communes(tree["district"], 0, 20)
    small, _ = _get(client, url)
    _communes(tree["district"], 20, 300)
    large, body = _get(client, url)
    assert large == small and "Trang 1 / 7" in body and body.count(">UBND xã Số ") == PER_PAGE - 3  # A, B, office first
    body = _get(client, url + "&q=so+0299")[1]
    assert body.count(">UBND xã Số ") == 1 and "?year=2023" in body


def test_documents_rendered_again_are_numbered_latest_first():
    from types import SimpleNamespace

    from core.templatetags.listing import versions

    docs = [SimpleNamespace(pk=pk, kind=kind, nomination_id=n) for pk, kind, n in
            ((1, "report", 7), (2, "report", 7), (3, "decision", None), (4, "report", 8), (5, "report", 7))]
    rows = versions(docs, "kind,nomination_id")
    assert [(r["obj"].pk, r["version"], r["latest"]) for r in rows] == [
        (5, 3, True), (4, 1, True), (3, 1, True), (2, 2, False), (1, 1, False)]


@pytest.mark.django_db
def test_unit_page_pages_its_child_units_and_campaign_and_par_lists_search(client, staff, tree):
    client.force_login(staff)
    url = reverse("organization:unit_detail", args=[tree["district"].pk])
    _communes(tree["district"], 0, 20)
    small, _ = _get(client, url)
    _communes(tree["district"], 20, 200)
    large, body = _get(client, url)
    assert large == small and "Trang 1 / 5" in body
    assert "UBND xã Số 0150" in _get(client, url + "?q=0150")[1]
    for name in ("campaigns:list", "par_index:assessment_list"):
        assert "Tìm kiếm" in _get(client, reverse(name) + "?q=không-có")[1]


@pytest.mark.django_db
def test_index_results_page_on_the_server(client, staff, tree):
    from scoring.models import IndexResult

    client.force_login(staff)
    url = reverse("scoring:index_results")
    units = _communes(tree["district"], 0, 120)
    IndexResult.objects.bulk_create([IndexResult(unit=u, index_code="par_index", year=2023, score=Decimal(800 + i) / 10, source="QĐ công bố")
                                     for i, u in enumerate(units[:20])])
    small, _ = _get(client, url)
    IndexResult.objects.bulk_create([IndexResult(unit=u, index_code="par_index", year=2023, score=70, source="QĐ công bố")
                                     for u in units[20:]])
    large, body = _get(client, url)
    assert large == small and "Trang 1 / 3" in body and "80,1" in body
    assert body.count("UBND xã Số") == PER_PAGE
