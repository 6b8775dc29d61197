"""The portal (the project package, the top layer) finds each app's to-do provider
and demo loader through the app's ``AppConfig``, in the layers' order."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from campaigns.models import Campaign
from cchc_portal.management.commands.load_demo import app_demos
from cchc_portal.todo import collect, providers


def test_todo_providers_come_from_the_app_configs_in_layer_order():
    assert [f"{p.__module__}.{p.__name__}" for p in providers()] == [
        "campaigns.todo.todo_items", "scoring.onestop.todo.todo_items", "scoring.todo.todo_items",
        "awards.todo.todo_items", "contests.todo.todo_items", "par_index.todo.todo_items",
    ]


def test_demo_loaders_run_in_the_order_each_builds_on_the_last():
    assert app_demos() == [
        "scoring.onestop.demo.load", "scoring.demo.load", "awards.demo.load", "contests.demo.load",
        "par_index.demo.load",
    ]


def test_home_lists_the_staffs_draft_campaigns_to_launch(client, staff, officer_a, tree):
    Campaign.objects.create(code="du-thao", title="Dự thảo kế hoạch", kind="regular", issuing_unit=tree["district"],
                            start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))
    titles = [item.title for item in collect(staff)]
    assert "Phong trào đang ở dạng dự thảo, chưa phát động" in titles
    assert "Phong trào đang ở dạng dự thảo, chưa phát động" not in [item.title for item in collect(officer_a)]
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()
    assert "Việc cần làm" in html and "Phong trào đang ở dạng dự thảo, chưa phát động" in html
    assert "Dự thảo kế hoạch" in html  # the campaigns the user sees


def test_home_explains_a_missing_unit(client, no_unit_user):
    client.force_login(no_unit_user)
    html = client.get(reverse("home")).content.decode()
    assert "chưa được gán đơn vị" in html and "Việc cần làm" not in html
