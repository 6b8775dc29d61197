from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm, xếp hạng"
    #: The home page's to-do provider and the demo loader (found by ``cchc_portal``).
    todo = "scoring.todo.todo_items"
    demo = "scoring.demo.load"

    def ready(self) -> None:
        from .receivers import connect

        connect()
