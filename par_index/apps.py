from django.apps import AppConfig


class ParIndexConfig(AppConfig):
    name = "par_index"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"
