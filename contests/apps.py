from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = "Cuộc thi"
    #: The home page's to-do provider and the demo loader (found by ``cchc_portal``).
    todo = "contests.todo.todo_items"
    demo = "contests.demo.load"
