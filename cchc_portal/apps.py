from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself, the top layer: the home page, the to-do collection and
    the demo loader. It finds each app's parts through the app's ``AppConfig``
    (``todo``, ``demo``) and lists no app by name; installed last."""

    name = "cchc_portal"
    verbose_name = "Cổng thi đua – khen thưởng CCHC"
