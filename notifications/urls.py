from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/mo/", views.notification_open, name="open"),
    path("da-xem-tat-ca/", views.notification_read_all, name="read_all"),
    path("cai-dat/", views.preferences, name="preferences"),
]
