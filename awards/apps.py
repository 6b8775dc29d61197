from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Khen thưởng"
    #: The home page's to-do provider and the demo loader (found by ``cchc_portal``).
    todo = "awards.todo.todo_items"
    demo = "awards.demo.load"
