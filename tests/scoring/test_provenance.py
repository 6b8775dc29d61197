"""Explain this number (issue 15, part 8): every indicator value opens its provenance —
numerator and denominator, the formula, the months and units summed and the
uploads behind it — on a page and in JSON, scoped to the user's units, in a fixed
number of queries."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.choices import Comparator
from core.periods import Period
from core.system import SYSTEM
from scoring.criteria import evaluate_participants
from scoring.onestop.models import ImportBatch
from scoring.provenance import element_names, explain
from scoring.services import set_index_result

from .conftest import make_campaign
from .test_fresh_install import TWO_MONTHS, import_all, write_files

PERIOD = "from=2023-03&to=2023-04"


@pytest.fixture
def imported(tree, indicators, officer_a, tmp_path, django_capture_on_commit_callbacks):
    """Commune A's catalogue and two months of dossiers, uploaded by its officer through
    the import command (the same services as the upload page); recomputed on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        import_all(write_files(tmp_path), "XA-A", user=officer_a.username)
    return tree["commune_a"]


def _url(unit, code: str) -> str:
    return reverse("scoring:provenance", args=[unit.pk, code]) + "?" + PERIOD


def test_element_names_in_order_of_appearance():
    assert element_names("resolved_early + resolved_on_time + resolved_early") == ["resolved_early", "resolved_on_time"]
    assert element_names("min(received_online, 3) / received_in_period") == ["received_online", "received_in_period"]
    assert element_names("") == []


@pytest.mark.django_db
def test_page_shows_numerator_denominator_formula_months_and_uploads(client, imported, officer_a):
    client.force_login(officer_a)
    response = client.get(_url(imported, "bcci_received_rate"))
    assert response.status_code == 200
    body = response.content.decode()
    # 1 dossier received by post among the 5 received for procedures deployed through BCCI.
    assert '<span id="provenance-numerator">1</span> / <span id="provenance-denominator">5</span>' in body
    assert '<span class="badge" id="provenance-value">20%</span>' in body
    # Data elements by their Vietnamese names (data_elements.json), never their codes (trial finding 4).
    assert ("Giá trị = 100 × Σ tử số / Σ mẫu số, tử số = Tiếp nhận qua BCCI: hồ sơ của các TTHC triển khai qua BCCI, "
            "mẫu số = Tiếp nhận trong kỳ: hồ sơ của các TTHC triển khai qua BCCI;") in body
    assert "postal_received_bcci_procedures" not in body and "received_bcci_procedures" not in body
    assert "Kế hoạch nâng cao chỉ số CCHC (PAR INDEX) năm 2022 của UBND xã Ea Ly" in body  # the text it implements
    assert "03/2023" in body and "04/2023" in body and "UBND xã A" in body
    for name in TWO_MONTHS:
        assert name in body
    assert "danh-muc-tthc.xlsx" in body  # the catalogue says which procedures are deployed through BCCI
    assert "Nguyễn Văn An" in body  # the uploader
    batch = ImportBatch.objects.get(file_name="ho-so-thang-04-2023.xlsx")
    assert f'href="{reverse("onestop:batch_detail", args=[batch.pk])}">ho-so-thang-04-2023.xlsx</a>' in body


@pytest.mark.django_db
def test_json_lists_uploads_with_rows_and_the_per_month_sums(client, imported, officer_a):
    client.force_login(officer_a)
    url = reverse("scoring:api_provenance", args=["on_time_rate"]) + f"?unit=XA-A&{PERIOD}"
    data = json.loads(client.get(url).content)
    assert (data["value"]["numerator"], data["value"]["denominator"], data["value"]["value"]) == (5, 7, 71.4286)
    assert data["indicator"]["denominator"] == "resolved_total"
    assert [m["month"] for m in data["monthly"]] == ["2023-03", "2023-04"]
    # March: 301 early, 302 and 304 on time, 303 late (4 resolved); April: 401 early,
    # 402 on time, 305 late (3 resolved); 403, overdue at April's end, is not resolved.
    assert [(m["numerator"], m["denominator"]) for m in data["monthly"]] == [(3, 4), (2, 3)]
    assert data["months"] == ["2023-03", "2023-04"] and data["units"][0]["code"] == "XA-A"
    uploads = {u["file_name"]: u for u in data["uploads"]}
    assert set(uploads) == set(TWO_MONTHS)  # on-time rate does not read the catalogue
    march, april = uploads["ho-so-thang-03-2023.xlsx"], uploads["ho-so-thang-04-2023.xlsx"]
    assert (march["rows"], march["rows_used"]) == (5, 4)  # HS-305's latest state came in April
    assert (april["rows"], april["rows_used"]) == (4, 4)
    assert march["uploaded_by"] == "Nguyễn Văn An" and march["committed_at"]
    batch = ImportBatch.objects.get(file_name="ho-so-thang-03-2023.xlsx")
    assert march["committed_at"] == batch.committed_at.isoformat()


@pytest.mark.django_db
def test_every_value_links_to_its_provenance(client, imported, officer_a, staff):
    client.force_login(officer_a)
    body = client.get(reverse("scoring:unit_dashboard", args=[imported.pk]) + "?" + PERIOD).content.decode()
    for code in ("online_dossier_rate", "bcci_received_rate", "qd766_total", "par_index"):
        assert f'href="{_url(imported, code)}"'.replace("&", "&amp;") in body, code
        assert f">{code}<" not in body  # the indicator's name is shown, not its code (trial finding 4)
    api = json.loads(client.get(reverse("scoring:api_indicators") + f"?unit=XA-A&{PERIOD}").content)
    item = next(i for i in api["indicators"] if i["code"] == "late_dossiers")
    assert item["provenance"].endswith(reverse("scoring:api_provenance", args=["late_dossiers"]) + f"?unit=XA-A&{PERIOD}")
    assert json.loads(client.get(item["provenance"]).content)["value"]["value"] == 3

    campaign, _, round_, participants = make_campaign(tree_of(imported), year=2023, criteria=[
        {"code": "bcci", "indicator_code": "bcci_received_rate", "comparator": Comparator.GTE, "threshold": Decimal(15)},
    ])
    evaluate_participants(round_, participants)
    client.force_login(staff)
    body = client.get(reverse("scoring:unit_dashboard", args=[imported.pk]) + "?" + PERIOD).content.decode()
    assert f'<td data-label="Phong trào / đợt">{campaign.title}<br>' in body and f">{campaign.code}<" not in body
    board = client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).content.decode()
    link = reverse("scoring:provenance", args=[imported.pk, "bcci_received_rate"]) + "?from=2023-01&amp;to=2023-12"
    assert f'href="{link}"' in board


def tree_of(unit):
    from organization.models import Unit

    district = unit.parent
    return {"district": district, "commune_a": unit, "commune_b": Unit.objects.get(code="XA-B")}


@pytest.mark.django_db
def test_wrong_unit_gets_404_on_page_and_json(client, imported, officer_b, no_unit_user):
    for user in (officer_b, no_unit_user):
        client.force_login(user)
        assert client.get(_url(imported, "on_time_rate")).status_code == 404
        api = reverse("scoring:api_provenance", args=["on_time_rate"]) + f"?unit=XA-A&{PERIOD}"
        assert client.get(api).status_code == 404
    client.logout()
    assert client.get(_url(imported, "on_time_rate")).status_code == 302  # to the sign-in page


@pytest.mark.django_db
def test_unknown_indicator_is_404(client, imported, officer_a):
    client.force_login(officer_a)
    assert client.get(_url(imported, "khong-co")).status_code == 404


@pytest.mark.django_db
def test_external_index_shows_the_published_result(client, tree, indicators, staff):
    set_index_result(unit=tree["commune_a"], year=2023, index_code="par_index", score=Decimal("84.25"), rank=2,
                     source="QĐ 15/QĐ-UBND ngày 10/02/2024", actor=SYSTEM, reevaluate=False)
    prov = explain(tree["commune_a"], Period.year_of(2023), "par_index")
    assert prov.value.value == Decimal("84.25") and prov.external.source == "QĐ 15/QĐ-UBND ngày 10/02/2024"
    client.force_login(staff)
    body = client.get(reverse("scoring:provenance", args=[tree["commune_a"].pk, "par_index"]) + "?year=2023").content.decode()
    assert "84,25" in body and "QĐ 15/QĐ-UBND ngày 10/02/2024" in body


@pytest.mark.django_db
def test_constant_queries_whatever_the_units_and_uploads(client, tree, indicators, staff, officer_a, officer_b, tmp_path,
                                                         django_capture_on_commit_callbacks):
    """The district's provenance: the same number of queries with one commune's uploads
    as with two communes' (twice the batches, units and dossiers)."""
    district = tree["district"]
    client.force_login(staff)
    url = reverse("scoring:provenance", args=[district.pk, "bcci_returned_rate"]) + "?" + PERIOD
    counts = []
    for unit, officer in ((tree["commune_a"], officer_a), (tree["commune_b"], officer_b)):
        folder = tmp_path / unit.code
        folder.mkdir()
        files = write_files(folder, prefix="" if unit.code == "XA-A" else "B-")
        with django_capture_on_commit_callbacks(execute=True):
            import_all(files, unit.code, user=officer.username)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    body = response.content.decode()
    assert body.count("ho-so-thang-03-2023.xlsx") == 2 and "UBND xã B" in body
    # Both communes: 2 + 2 returned by post among 4 + 4 resolved for BCCI procedures.
    assert '<span id="provenance-numerator">4</span> / <span id="provenance-denominator">8</span>' in body
    # 10 for the provenance itself (definitions, 3 element sums, per-month sums, units,
    # 3 upload sources, batches), the rest for the session, the user and the unit.
    assert counts[0] == counts[1] and counts[1] <= 18, counts


@pytest.mark.django_db
def test_a_frozen_ranking_links_to_the_live_provenance_and_says_so(client, imported, staff):
    from scoring.criteria import freeze_round

    campaign, _, round_, _ = make_campaign(tree_of(imported), year=2023, criteria=[
        {"code": "bcci", "indicator_code": "bcci_received_rate", "comparator": Comparator.GTE, "threshold": Decimal(15)},
    ])
    freeze_round(round_, actor=staff)
    client.force_login(staff)
    body = client.get(reverse("scoring:unit_dashboard", args=[imported.pk]) + "?" + PERIOD).content.decode()
    assert f'<td data-label="Phong trào / đợt">{campaign.title}<br>' in body and f">{campaign.code}<" not in body
    board = client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).content.decode()
    link = (reverse("scoring:provenance", args=[imported.pk, "bcci_received_rate"])
            + "?from=2023-01&amp;to=2023-12&amp;dong-bang=1")
    assert f'href="{link}"' in board
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Bảng xếp hạng đã đóng băng giữ giá trị lúc khóa đợt xét" in page
    assert "Bảng xếp hạng đã đóng băng" not in client.get(_url(imported, "bcci_received_rate")).content.decode()
