"""Pages: scope (404 for another commune), constant query counts, xlsx escaping, JSON API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import safe_cell
from organization.choices import Role, UnitKind
from organization.models import Unit
from scoring.exports import titled_workbook
from scoring.runs import recompute_now
from scoring.views import LEADERBOARD_PER_PAGE
from tests.conftest import make_user

from .conftest import make_campaign, make_dossiers

JAN = datetime.date(2023, 1, 1)


@pytest.mark.django_db
def test_dashboard_redirects_to_own_unit(client, officer_a, tree, indicators):
    client.force_login(officer_a)
    response = client.get(reverse("scoring:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:unit_dashboard", args=[tree["commune_a"].pk])


@pytest.mark.django_db
def test_unit_dashboard_scope(client, officer_a, staff, tree, indicators, no_unit_user):
    make_dossiers(tree["commune_a"], JAN, online=3, direct=1)
    recompute_now()
    url_a = reverse("scoring:unit_dashboard", args=[tree["commune_a"].pk])
    url_b = reverse("scoring:unit_dashboard", args=[tree["commune_b"].pk])
    client.force_login(officer_a)
    page = client.get(url_a, {"year": 2023})
    assert page.status_code == 200
    body = page.content.decode()
    assert "75%" in body or "75,0%" in body
    assert "<svg" in body and "cập nhật lúc" in body.lower()
    assert client.get(url_b).status_code == 404
    assert client.get(reverse("scoring:unit_dashboard", args=[tree["district"].pk])).status_code == 404
    client.force_login(staff)  # district staff sees the communes below
    assert client.get(url_b).status_code == 200
    client.force_login(no_unit_user)
    assert client.get(url_a).status_code == 404
    assert client.get(reverse("scoring:dashboard")).status_code == 404


@pytest.mark.django_db
def test_api_indicators_scope_and_values(client, officer_a, tree, indicators):
    make_dossiers(tree["commune_a"], JAN, online=1, direct=3)
    make_dossiers(tree["commune_b"], JAN, online=3, direct=1)
    recompute_now()
    url = reverse("scoring:api_indicators")
    client.force_login(officer_a)
    data = client.get(url, {"unit": "XA-A", "from": "2023-01", "to": "2023-12"}).json()
    rate = next(i for i in data["indicators"] if i["code"] == "online_dossier_rate")
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (1, 4, 25.0)
    assert client.get(url, {"unit": "XA-B", "from": "2023-01", "to": "2023-12"}).status_code == 404
    assert client.get(url, {"unit": "H-DEMO"}).status_code == 404
    client.logout()
    assert client.get(url, {"unit": "XA-A"}).status_code == 302  # sign-in required


def _grow(tree, n: int) -> list[Unit]:
    units = [Unit.objects.create(code=f"XA-N{i}", name=f"UBND xã N{i}", kind=UnitKind.COMMUNE, parent=tree["district"])
             for i in range(n)]
    for u in units:
        make_dossiers(u, JAN, online=2, direct=1)
    return units


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 30])
def test_dashboard_constant_queries(client, staff, tree, indicators, django_assert_max_num_queries, n):
    _grow(tree, n)
    recompute_now()
    client.force_login(staff)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("scoring:unit_dashboard", args=[tree["district"].pk]), {"year": 2023})
    assert response.status_code == 200
    assert response.content.decode().count("UBND xã N") >= n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 30])
def test_leaderboard_constant_queries(client, staff, tree, indicators, django_assert_max_num_queries, n):
    from decimal import Decimal

    from campaigns.choices import Comparator

    units = _grow(tree, n)
    campaign, _, round_, _ = make_campaign(tree, units=units, criteria=[
        {"code": "ht", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
        {"code": "tre", "indicator_code": "late_dossiers", "comparator": Comparator.LTE, "threshold": Decimal(0)},
    ])
    recompute_now()
    client.force_login(staff)
    url = reverse("scoring:leaderboard", args=[campaign.code, round_.pk])
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    # Paged (issue 14): one page of rows whatever the number of participants.
    assert "1-2-2-4" in body and body.count("UBND xã N") == min(n, LEADERBOARD_PER_PAGE)


@pytest.mark.django_db
def test_leaderboard_officer_sees_own_rows_only_and_other_district_404(client, tree, indicators, officer_a):
    from decimal import Decimal

    from campaigns.choices import Comparator

    make_dossiers(tree["commune_a"], JAN, online=2)
    make_dossiers(tree["commune_b"], JAN, online=2)
    campaign, _, round_, _ = make_campaign(tree, criteria=[
        {"code": "ht", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    client.force_login(officer_a)
    body = client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).content.decode()
    assert "UBND xã A" in body and "UBND xã B" not in body
    # A unit with no row in any group sees a sentence, not empty tables.
    client.force_login(make_user("canbo_pnv", tree["office"], Role.OFFICER))
    body = client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).content.decode()
    assert "Không có đối tượng nào thuộc phạm vi đơn vị của bạn" in body and "<table" not in body
    other_province = Unit.objects.create(code="T-KHAC", name="Tỉnh khác", kind=UnitKind.PROVINCE)
    outsider = make_user("ngoai_tinh", other_province, Role.STAFF)
    client.force_login(outsider)
    assert client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).status_code == 404


def test_xlsx_cells_starting_with_formula_characters_are_escaped():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+84") == "'+84"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Xã A") == "Xã A" and safe_cell(-2) == -2
    body = titled_workbook("=HYPERLINK(\"http://x\")", [("Bảng", ["=cmd"], [["=1+1", "@x", 5, "-a"]])])
    ws = load_workbook(io.BytesIO(body)).active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(not (isinstance(v, str) and v[0] in "=+-@") for v in values)
    assert "'=1+1" in values and 5 in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.django_db
def test_leaderboard_xlsx_escapes_unit_names(client, tree, indicators, staff):
    from decimal import Decimal

    from campaigns.choices import Comparator

    evil = Unit.objects.create(code="XA-EVIL", name="=HYPERLINK(\"http://evil\")", kind=UnitKind.COMMUNE, parent=tree["district"])
    make_dossiers(evil, JAN, online=1)
    campaign, _, round_, _ = make_campaign(tree, units=[evil, tree["commune_a"]], criteria=[
        {"code": "ht", "indicator_code": "online_dossier_rate", "comparator": Comparator.GTE, "threshold": Decimal(50)},
    ])
    recompute_now()
    client.force_login(staff)
    response = client.get(reverse("scoring:leaderboard_xlsx", args=[campaign.code, round_.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [row[1].value for row in ws.iter_rows(min_row=4)]
    assert "'=HYPERLINK(\"http://evil\")" in names
    response = client.get(reverse("scoring:unit_dashboard_xlsx", args=[tree["district"].pk]), {"year": 2023})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_dashboard_period_is_chosen_from_month_lists(client, officer_a, tree, indicators):
    """Month pickers are selects (type="month" is a bare text box in Firefox and Safari);
    the chosen months come back selected, and a range picked backwards still works."""
    make_dossiers(tree["commune_a"], datetime.date(2023, 2, 1), online=3, direct=1)
    make_dossiers(tree["commune_a"], datetime.date(2023, 5, 1), online=1, direct=1)
    recompute_now()
    client.force_login(officer_a)
    url = reverse("scoring:unit_dashboard", args=[tree["commune_a"].pk])
    html = client.get(url, {"year": 2023}).content.decode()
    assert 'type="month"' not in html
    assert '<option value="2023-02">02/2023</option>' in html
    forwards = client.get(url, {"from": "2023-02", "to": "2023-03"})
    backwards = client.get(url, {"from": "2023-03", "to": "2023-02"})
    assert forwards.status_code == backwards.status_code == 200
    page = backwards.content.decode()
    assert "Kỳ: 02/2023 – 03/2023" in page
    assert '<option value="2023-03" selected>03/2023</option>' in page
    # Only February's dossiers are in the period: 3 of 4 online.
    assert forwards.context["period"] == backwards.context["period"]
    online = next(r for r in forwards.context["rows"] if r["defn"].code == "online_dossier_rate")
    assert online["v"].numerator == 3 and online["v"].denominator == 4
