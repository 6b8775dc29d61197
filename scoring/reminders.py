"""Monthly upload reminders: units that have not uploaded last month's one-stop
data by ``settings.UPLOAD_REMINDER_DAY`` get an e-mail and, for each of their
officers and staff, a notification in the portal's bell (once per unit and month)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.periods import add_months
from notifications.choices import Kind as Notice
from notifications.services import notify, users_at
from organization.choices import Role, UnitKind
from organization.models import Unit, UserProfile
from scoring.onestop.models import ImportBatch, ImportStatus, MonthlyReport

from .models import UploadReminder

#: Units that run a one-stop desk and upload monthly.
UPLOADING_KINDS = [UnitKind.COMMUNE, UnitKind.OFFICE, UnitKind.DEPARTMENT, UnitKind.SECTION, UnitKind.PUBLIC_SERVICE]


def previous_month(today: datetime.date) -> datetime.date:
    return add_months(today, -1)


def units_missing_upload(month: datetime.date) -> list[Unit]:
    """Active uploading units with neither a committed upload for ``month`` nor a report."""
    uploaded = set(
        ImportBatch.objects.filter(status=ImportStatus.COMMITTED, month=month).values_list("unit_id", flat=True)
    ) | set(MonthlyReport.objects.filter(month=month).values_list("unit_id", flat=True))
    return list(Unit.objects.filter(is_active=True, kind__in=UPLOADING_KINDS).exclude(pk__in=uploaded))


def send_upload_reminders(*, today: datetime.date | None = None, force: bool = False) -> int:
    """Send the reminders due today. Returns the number of units reminded."""
    today = today or timezone.localdate()
    if not force and today.day < settings.UPLOAD_REMINDER_DAY:
        return 0
    month = previous_month(today)
    units = units_missing_upload(month)
    already = set(UploadReminder.objects.filter(month=month).values_list("unit_id", flat=True))
    officers: dict[int, list[str]] = {}
    with_accounts: set[int] = set()  # units with an account to tell in the bell
    for unit_id, email in UserProfile.objects.filter(
        unit__in=units, role__in=[Role.OFFICER, Role.STAFF], user__is_active=True
    ).values_list("unit_id", "user__email"):
        with_accounts.add(unit_id)
        if email:
            officers.setdefault(unit_id, []).append(email)
    sent = 0
    for unit in units:
        if unit.pk in already:
            continue
        recipients = sorted({*officers.get(unit.pk, []), *([unit.email] if unit.email else [])})
        if not recipients and unit.pk not in with_accounts:
            continue
        try:
            with transaction.atomic():
                UploadReminder.objects.create(unit=unit, month=month, recipients=recipients)
                # In the bell too, with no second e-mail (the letter below is the e-mail).
                notify(users_at(unit, Role.OFFICER, Role.STAFF), Notice.UPLOAD_DEADLINE, f"Nhắc tải số liệu một cửa tháng {formats.month(month)}",
                       body=f"Đến ngày {formats.date(today)}, hệ thống chưa nhận được số liệu một cửa tháng "
                            f"{formats.month(month)} của {unit.name}.",
                       url=reverse("onestop:upload_new"), email=False)
                if recipients:  # else nobody has an address: the bell is all there is
                    send_mail(
                        subject=f"Nhắc tải số liệu một cửa tháng {formats.month(month)}",
                        message=(
                            f"Kính gửi {unit.name},\n\n"
                            f"Đến ngày {formats.date(today)}, hệ thống chưa nhận được số liệu một cửa tháng {formats.month(month)} "
                            f"của đơn vị. Đề nghị đơn vị tải lên danh sách hồ sơ hoặc báo cáo thống kê (mẫu II.06a) "
                            f"trên Cổng thi đua cải cách hành chính.\n\nTrân trọng."
                        ),
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=recipients,
                    )
        except IntegrityError:
            continue  # another beat run reminded this unit meanwhile
        sent += 1
    return sent


__all__ = ["send_upload_reminders", "units_missing_upload"]
