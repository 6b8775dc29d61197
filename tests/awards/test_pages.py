from __future__ import annotations

from awards import services


def test_list_and_detail_queries_do_not_grow(tn, client, django_assert_max_num_queries):
    people = tn.people("DT-TAMNONG-PHUCUONG", 3) + tn.people("DT-TAMNONG-ANLONG", 3)
    for p in people:
        tn.nominate(tn.officer_pc if p.unit.code.endswith("PHUCUONG") else tn.officer_al, person=p)
    client.force_login(tn.staff)
    with django_assert_max_num_queries(15):
        page = client.get(f"/khen-thuong/?round={tn.round.pk}")
    assert page.status_code == 200 and all(p.full_name in page.content.decode() for p in people)


def test_home_todo_lists_awards_work(tn, client):
    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    n = tn.nominate(tn.officer_pc, person=person)
    services.submit_nomination(n, actor=tn.officer_pc)
    client.force_login(tn.staff)
    assert "Hồ sơ khen thưởng chờ thẩm định" in client.get("/").content.decode()
    services.return_nomination(n, actor=tn.staff, reason="Bổ sung")
    client.force_login(tn.officer_pc)
    assert "bị trả lại" in client.get("/").content.decode()
