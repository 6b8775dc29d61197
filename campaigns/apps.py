from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"
    #: The home page's to-do provider (found by ``cchc_portal``; the base demo is loaded first by name).
    todo = "campaigns.todo.todo_items"
