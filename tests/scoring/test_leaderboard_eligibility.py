"""The leaderboard never ranks a unit failing a must-meet criterion above an
eligible one, and prints the tie rule with each tied group (issue 11)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Participant
from scoring.criteria import leaderboard_data
from scoring.models import CriterionResult


@pytest.fixture
def board(db):
    from campaigns.demo import load_base

    load_base()
    campaign = Campaign.objects.get(code="tam-nong-2023")
    round_ = campaign.rounds.get(order=1)
    CriterionResult.objects.filter(round=round_).delete()
    crit = {c.code: c for c in campaign.criteria.all()}
    communes = {p.unit.code: p for p in Participant.objects.filter(campaign=campaign, group__code="xa").select_related("unit")}
    now = timezone.now()

    def result(code: str, criterion: str, met: bool) -> None:
        CriterionResult.objects.create(round=round_, criterion=crit[criterion], participant=communes[code], met=met,
                                       computed_at=now)

    # Phú Cường scores most (3) but fails the must-meet "≥ 50% hồ sơ trực tuyến".
    result("DT-TAMNONG-PHUCUONG", "tt-ho-so-truc-tuyen", False)
    for c in ("tt-thanh-toan", "tt-chung-thuc", "tt-tre-han"):
        result("DT-TAMNONG-PHUCUONG", c, True)
    # An Long 2; Tràm Chim and Phú Đức tie on 1.
    result("DT-TAMNONG-ANLONG", "tt-ho-so-truc-tuyen", True)
    result("DT-TAMNONG-ANLONG", "tt-thanh-toan", True)
    result("DT-TAMNONG-TRAMCHIM", "tt-ho-so-truc-tuyen", True)
    result("DT-TAMNONG-PHUDUC", "tt-ho-so-truc-tuyen", True)
    staff = get_user_model().objects.get(username="tamnong.thidua")
    return campaign, round_, staff


def _table(data: dict) -> dict:
    return next(t for t in data["tables"] if t["group"].code == "xa")


def test_must_meet_failure_never_ranks_above_an_eligible_unit(board, client):
    campaign, round_, staff = board
    table = _table(leaderboard_data(staff, round_))
    rows = {r["name"]: r for r in table["rows"]}
    failing = rows["UBND xã Phú Cường"]
    assert not failing["eligible"] and failing["score"] == 3
    assert all(r["rank"] < failing["rank"] for r in table["rows"] if r["eligible"])
    assert [r["name"] for r in table["rows"]][-1] == "UBND xã Phú Cường"
    assert rows["UBND xã An Long"]["rank"] == 1
    tie = next(g for g in table["ties"] if g["rank"] == 2)
    assert sorted(tie["names"]) == ["UBND thị trấn Tràm Chim", "UBND xã Phú Đức"] and tie["next_rank"] == 4

    client.force_login(staff)
    page = client.get(reverse("scoring:leaderboard", args=[campaign.code, round_.pk])).content.decode()
    assert "Không đủ điều kiện" in page and "luôn xếp sau mọi đơn vị đủ điều kiện" in page
    assert "Đồng hạng 2 (2 đơn vị đánh dấu “2=”, cùng 1 điểm) – theo quy tắc 1-2-2-4, hạng kế tiếp là 4." in page
    assert page.count('2<span title="Đồng hạng">=</span>') == 2



def test_leaderboard_export_says_who_is_not_eligible(board, client):
    import io

    from openpyxl import load_workbook

    campaign, round_, staff = board
    client.force_login(staff)
    body = client.get(reverse("scoring:leaderboard_xlsx", args=[campaign.code, round_.pk])).content
    ws = load_workbook(io.BytesIO(body))["UBND các xã, thị trấn"]
    header = [c.value for c in ws[3]]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=4)}
    col = header.index("Đủ điều kiện")
    assert rows["UBND xã Phú Cường"][col].value == "Không" and rows["UBND xã An Long"][col].value == "Có"
    assert "luôn xếp sau mọi đơn vị đủ điều kiện" in ws["A1"].value
