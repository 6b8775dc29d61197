from django.apps import AppConfig


class ParIndexConfig(AppConfig):
    name = "par_index"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"
    #: The home page's to-do provider and the demo loader (found by ``cchc_portal``).
    todo = "par_index.todo.todo_items"
    demo = "par_index.demo.load"
