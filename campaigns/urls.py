from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("tao-moi/", views.campaign_edit, name="create"),
    path("<slug:code>/", views.campaign_detail, name="detail"),
    path("<slug:code>/sua/", views.campaign_edit, name="edit"),
    path("<slug:code>/trang-thai/", views.campaign_status, name="status"),
    path("<slug:code>/muc/<slug:section>/", views.campaign_section, name="section"),
    path("<slug:code>/dot/<int:round_id>/chi-tieu/", views.round_quotas, name="round_quotas"),
    path("<slug:code>/dot/<int:round_id>/khoa/", views.round_close, name="round_close"),
    path("<slug:code>/doi-tuong/<slug:group_code>/", views.participants_register, name="participants_register"),
]
