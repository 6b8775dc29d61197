"""What the account and registry pages offer (``allowed`` / ``{% can %}``) is what
the services accept, for every role (issue 13)."""

from __future__ import annotations

import pytest

from organization import services
from organization.choices import Role
from tests.conftest import RULE_ACTORS, assert_rules_agree

STAFF = {"staff", "superuser"}


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_accounts(request, actor, tree, officer_a):
    commune = tree["commune_a"]
    assert_rules_agree(request, actor, "organization.manage_account", commune, lambda u: services.create_account(
        actor=u, username="moi", full_name="Người Mới", email="moi@example.vn", unit=commune, role=Role.OFFICER),
        STAFF)
    assert_rules_agree(request, actor, "organization.manage_account", officer_a, lambda u: services.update_account(
        officer_a, actor=u, full_name="Nguyễn Văn An", email="an@example.vn", unit=tree["commune_b"],
        role=Role.OFFICER), STAFF)
    assert_rules_agree(request, actor, "organization.manage_account", officer_a,
                       lambda u: services.set_account_active(officer_a, actor=u, active=False), STAFF)
    officer_a.refresh_from_db()  # the accepted attempts were rolled back in the database only
    officer_a.email = "an@example.vn"
    officer_a.save(update_fields=["email"])
    assert_rules_agree(request, actor, "organization.manage_account", officer_a,
                       lambda u: services.send_password_link(officer_a, actor=u), STAFF)


@pytest.mark.parametrize("actor", RULE_ACTORS, indirect=True)
def test_registry(request, actor, tree):
    # The shared tree's province is not an official one: only a superuser loads a province here.
    assert_rules_agree(request, actor, "organization.load_units", "82",
                       lambda u: services.load_province_units("82", actor=u), {"superuser"})
