"""Accounts without the Django admin (issue 13): staff of a subtree create, edit,
deactivate accounts and send password links; everyone changes their password; a
forgotten password is reset by e-mail without bypassing lockout or the second
factor. All audited, all scoped."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from core.errors import DomainError, NotAllowed
from organization import services
from organization.choices import Role
from organization.models import Unit, UserProfile
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Mat-khau-moi-2026!"


def link_in(message) -> str:
    return re.search(r"https?://\S+(/tai-khoan/dat-mat-khau/\S+/)", message.body).group(1)


def test_staff_invites_an_officer_who_sets_a_password_from_the_link(client, staff, tree):
    client.force_login(staff)
    response = client.post(reverse("organization:account_create"), {
        "username": "tamnong.xa.moi", "full_name": "Đặng Thị Mai", "email": "mai@example.vn",
        "unit": tree["commune_a"].pk, "role": Role.OFFICER, "temporary_password": ""})
    officer = User.objects.get(username="tamnong.xa.moi")
    assert response.status_code == 302 and response["Location"] == reverse("organization:account_edit",
                                                                           args=[officer.pk])
    assert (officer.first_name, officer.profile.unit, officer.profile.role) == (
        "Đặng Thị Mai", tree["commune_a"], Role.OFFICER)
    assert not officer.has_usable_password()
    assert [m.to for m in mail.outbox] == [["mai@example.vn"]]
    assert "đã tạo cho bạn tài khoản “tamnong.xa.moi”" in mail.outbox[0].body
    assert list(AuditEvent.objects.for_object(officer).order_by("pk").values_list("action", "actor")) == [
        ("account.create", staff.pk), ("account.invite", staff.pk)]

    client.logout()
    link = link_in(mail.outbox[0])
    form_url = client.get(link)["Location"]  # Django moves the token into the session first
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session  # the link sets a password; it does not sign in
    assert "Liên kết không còn dùng được" in client.get(link).content.decode()  # used once
    response = client.post(reverse("login"), {"username": "tamnong.xa.moi", "password": NEW_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)
    assert AuditEvent.objects.filter(action="account.password_reset", actor=officer).exists()


def test_temporary_password_must_be_changed_at_first_sign_in(client, staff, tree):
    services.create_account(actor=staff, username="xa.b.tam", full_name="Lý Văn Tâm", email="",
                            unit=tree["commune_b"], role=Role.OFFICER, temporary_password="Tam-thoi-2026!")
    assert not mail.outbox
    response = client.post(reverse("login"), {"username": "xa.b.tam", "password": "Tam-thoi-2026!"})
    assert response.status_code == 302
    assert client.get(reverse("campaigns:list"))["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page and "mật khẩu tạm" in page
    response = client.post(reverse("password_change"), {
        "old_password": "Tam-thoi-2026!", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("campaigns:list")).status_code == 200  # signed in still, free to work
    assert not UserProfile.objects.get(user__username="xa.b.tam").must_change_password
    assert AuditEvent.objects.filter(action="account.password_change", actor__username="xa.b.tam").exists()


def test_every_user_changes_their_password_with_the_old_one(client, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("password_change"), {
        "old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    officer_a.refresh_from_db()
    assert officer_a.check_password("matkhau-thu-nghiem-123")


def test_weak_temporary_password_and_taken_name_are_refused(staff, officer_a, tree):
    with pytest.raises(DomainError, match="Mật khẩu tạm chưa đạt: Mật khẩu quá ngắn"):
        services.create_account(actor=staff, username="x1", full_name="X", email="", unit=tree["commune_a"],
                                role=Role.OFFICER, temporary_password="ngan")
    with pytest.raises(DomainError, match="Tên đăng nhập “CANBO_XA_A” đã có người dùng"):
        services.create_account(actor=staff, username="CANBO_XA_A", full_name="X", email="x@example.vn",
                                unit=tree["commune_a"], role=Role.OFFICER)
    with pytest.raises(DomainError, match="Cần thư điện tử để gửi thư mời"):
        services.create_account(actor=staff, username="x2", full_name="X", email="", unit=tree["commune_a"],
                                role=Role.OFFICER)


def test_staff_edits_role_and_unit_deactivates_and_sends_reset(client, staff, officer_a, tree):
    client.force_login(staff)
    url = reverse("organization:account_edit", args=[officer_a.pk])
    response = client.post(url, {"full_name": "Nguyễn Văn An", "email": "an@example.vn",
                                 "unit": tree["commune_b"].pk, "role": Role.LEADER})
    assert response.status_code == 302
    profile = UserProfile.objects.get(user=officer_a)
    assert (profile.unit, profile.role) == (tree["commune_b"], Role.LEADER)
    event = AuditEvent.objects.get(action="account.update")
    assert (event.data["before"]["unit"], event.data["after"]["unit"]) == ("XA-A", "XA-B")

    client.post(reverse("organization:account_action", args=[officer_a.pk, "dat-lai-mat-khau"]))
    assert mail.outbox[-1].to == ["an@example.vn"] and "đặt lại mật khẩu" in mail.outbox[-1].body
    client.post(reverse("organization:account_action", args=[officer_a.pk, "khoa"]))
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert AuditEvent.objects.filter(action="account.deactivate", actor=staff).exists()
    response = client.post(reverse("organization:account_action", args=[officer_a.pk, "dat-lai-mat-khau"]),
                           follow=True)
    assert "Tài khoản đang bị khóa" in response.content.decode()
    assert client.post(reverse("login"), {"username": "canbo_xa_a", "password": "matkhau-thu-nghiem-123"}
                       ).status_code == 200  # refused
    with pytest.raises(DomainError, match="Không thể tự khóa"):
        services.set_account_active(staff, actor=staff, active=False)
    with pytest.raises(DomainError, match="Không thể tự đổi đơn vị hoặc vai trò"):
        services.update_account(staff, actor=staff, full_name="Lê Thị Cúc", email="", unit=tree["commune_a"],
                                role=Role.STAFF)


def test_accounts_are_scoped_to_the_staff_subtree(client, staff, officer_a, tree):
    elsewhere = make_user("thidua_so", tree["department"], Role.STAFF)  # staff of a department
    client.force_login(elsewhere)
    assert "canbo_xa_a" not in client.get(reverse("organization:account_list")).content.decode()
    assert client.get(reverse("organization:account_edit", args=[officer_a.pk])).status_code == 404
    assert client.post(reverse("organization:account_action", args=[officer_a.pk, "khoa"])).status_code == 404
    officer_a.refresh_from_db()
    assert officer_a.is_active
    response = client.post(reverse("organization:account_create"), {
        "username": "ngoai.pham.vi", "full_name": "X", "email": "x@example.vn", "unit": tree["commune_a"].pk,
        "role": Role.OFFICER})
    assert response.status_code == 200 and not User.objects.filter(username="ngoai.pham.vi").exists()
    with pytest.raises(NotAllowed, match="trong phạm vi quản lý"):
        services.create_account(actor=elsewhere, username="ngoai.pham.vi", full_name="X", email="x@example.vn",
                                unit=tree["commune_a"], role=Role.OFFICER)
    # The district's own staff sees and manages it; officers do not manage accounts.
    client.force_login(staff)
    assert "canbo_xa_a" in client.get(reverse("organization:account_list") + "?q=an").content.decode()
    client.force_login(officer_a)
    assert client.get(reverse("organization:account_list")).status_code == 403


def test_admin_accounts_are_left_to_superusers(client, staff, tree):
    admin_account = make_user("quantri_huyen", tree["district"], Role.STAFF)
    admin_account.is_staff = True
    admin_account.save()
    client.force_login(staff)
    assert client.get(reverse("organization:account_edit", args=[admin_account.pk])).status_code == 403
    with pytest.raises(NotAllowed, match="không quản lý tài khoản này"):
        services.set_account_active(admin_account, actor=staff, active=False)


def test_account_list_pages_in_constant_queries(client, staff, tree, django_assert_max_num_queries):
    for i in range(60):
        make_user(f"canbo_{i:02d}", tree["commune_a"], Role.OFFICER)
    client.force_login(staff)
    url = reverse("organization:account_list")
    client.get(url)  # warm the session and profile
    with django_assert_max_num_queries(12):
        page = client.get(url + "?role=officer&page=2").content.decode()
    assert "canbo_59" in page and "canbo_00" not in page  # 50 a page, by user name


def test_forgotten_password_by_email_does_not_bypass_the_second_factor(client, staff, settings):
    settings.OTP_REQUIRED = True
    staff.email = "cuc@example.vn"
    staff.save()
    TOTPDevice.objects.create(user=staff, name="Ứng dụng xác thực", confirmed=True)
    response = client.post(reverse("password_reset"), {"email": "cuc@example.vn"})
    assert response["Location"] == reverse("password_reset_done")
    client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})  # the same answer, no mail
    assert [m.to for m in mail.outbox] == [["cuc@example.vn"]]
    link = re.search(r"(/tai-khoan/dat-mat-khau/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": staff.username, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("signin_verify")  # the code is still asked
    assert "_auth_user_id" not in client.session


def test_a_reset_link_does_not_lift_a_lockout(client, staff, officer_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "canbo_xa_a", "password": "sai-mat-khau"}, REMOTE_ADDR="10.1.1.1")
    officer_a.email = "an@example.vn"
    officer_a.save()
    services.send_password_link(officer_a, actor=staff)
    form_url = client.get(link_in(mail.outbox[0]))["Location"]
    assert client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    response = client.post(reverse("login"), {"username": "canbo_xa_a", "password": NEW_PASSWORD},
                           REMOTE_ADDR="10.2.2.2")  # another address: the account itself stays locked
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_mail_server_down_is_a_message_not_a_crash(client, staff, tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with pytest.raises(DomainError, match="Đã tạo tài khoản “xa.moi” nhưng chưa gửi được thư mời: Không gửi được"):
        services.create_account(actor=staff, username="xa.moi", full_name="X", email="x@example.vn",
                                unit=tree["commune_a"], role=Role.OFFICER)
    assert not AuditEvent.objects.filter(action="account.invite").exists()


def test_staff_of_an_ended_district_create_an_officer_for_its_commune(client):
    """Trial finding 1: the demo's districts and communes ended on 30/06/2025, their
    2023 campaigns are still worked on. Tam Nông's staff see units in operation first,
    then the ended ones labelled with their end date, and create an officer for
    xã Phú Cường; the role offered first is the unit officer; nothing outside the subtree."""
    # The Tam Nông demo base, as tests/awards/conftest.py loads it.
    from campaigns.demo import load_base

    load_base()
    staff = User.objects.get(username="tamnong.thidua")
    phu_cuong = Unit.objects.get(code="DT-TAMNONG-PHUCUONG")
    client.force_login(staff)
    page = client.get(reverse("organization:account_create")).content.decode()
    unit_select = re.search(r'<select name="unit".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', unit_select, re.S)
    assert [label for label, _ in groups] == ["Đang hoạt động", "Đã kết thúc (làm việc với dữ liệu các năm trước)"]
    assert "Bưu điện huyện Tam Nông" in groups[0][1] and "Phú Cường" not in groups[0][1]
    assert f'<option value="{phu_cuong.pk}">· UBND xã Phú Cường (DT-TAMNONG-PHUCUONG) (đã kết thúc 30/06/2025)' \
        in groups[1][1]
    assert "Đakrông" not in unit_select and "Tràm Chim (DT-XA" not in unit_select  # not their subtree
    assert re.search(r'<option value="officer" selected>Cán bộ đơn vị</option>', page)
    assert "tamnong.xa.phucuong" in page and "dongthap" not in page

    response = client.post(reverse("organization:account_create"), {
        "username": "tamnong.xa.phucuong2", "full_name": "Trần Văn Hòa", "email": "",
        "unit": phu_cuong.pk, "role": Role.OFFICER, "temporary_password": "Tam-thoi-Phu-Cuong-2026"})
    assert response.status_code == 302
    assert UserProfile.objects.filter(user__username="tamnong.xa.phucuong2", unit=phu_cuong,
                                      role=Role.OFFICER).exists()
    elsewhere = Unit.objects.get(code="QT-DAKRONG-MOO")  # ended too, but another district's
    response = client.post(reverse("organization:account_create"), {
        "username": "tamnong.xa.ngoai", "full_name": "X", "email": "x@example.vn", "unit": elsewhere.pk,
        "role": Role.OFFICER})
    assert response.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not User.objects.filter(username="tamnong.xa.ngoai").exists()

    units_page = client.get(reverse("organization:unit_list") + "?q=Phú Cường").content.decode()
    assert "đã kết thúc 30/06/2025" in units_page


def test_password_rules_are_listed_one_per_line(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("password_change")).content.decode()
    rules = re.search(r'<div class="muted password-rules">\s*<ul>(.*?)</ul>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", rules)
    assert len(items) == 4 and any("ít nhất 10 ký tự" in item for item in items), items
