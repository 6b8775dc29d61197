from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm, xếp hạng"

    def ready(self) -> None:
        from . import criteria  # noqa: F401  (connects the round_closed receiver)
