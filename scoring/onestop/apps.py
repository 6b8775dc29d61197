from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "scoring.onestop"
    label = "onestop"
    verbose_name = "Số liệu một cửa"
