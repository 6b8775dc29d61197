from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "scoring.onestop"
    label = "onestop"
    verbose_name = "Số liệu một cửa"
    #: The home page's to-do provider and the demo loader (found by ``cchc_portal``).
    todo = "scoring.onestop.todo.todo_items"
    demo = "scoring.onestop.demo.load"
