from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: the lowest layer, imported by every app and importing none."""

    name = "core"
    verbose_name = "Nền tảng dùng chung"

    def ready(self) -> None:
        # The SQLite search fold is registered on every new connection (core.listing).
        from . import listing  # noqa: F401
