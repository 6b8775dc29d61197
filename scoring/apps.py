from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm, xếp hạng"

    def ready(self) -> None:
        from .receivers import connect

        connect()
