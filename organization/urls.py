from django.urls import path

from . import account_views, views

app_name = "organization"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("danh-muc/", account_views.load_units, name="load_units"),
    path("nguoi-dung/", account_views.account_list, name="account_list"),
    path("nguoi-dung/tao-moi/", account_views.account_create, name="account_create"),
    path("nguoi-dung/<int:pk>/", account_views.account_edit, name="account_edit"),
    path("nguoi-dung/<int:pk>/<slug:action>/", account_views.account_action, name="account_action"),
]
