from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký thao tác"

    def ready(self) -> None:
        # The admin's autodiscover ran in django.contrib.admin's ready() (it is
        # installed first): every admin is registered now, third-party ones too
        # (django-otp devices, django-axes lockouts, Django's groups). Any that is not
        # an AuditedModelAdmin yet is made one, so no admin write escapes the trail.
        from .admin import audit_every_admin

        audit_every_admin()
