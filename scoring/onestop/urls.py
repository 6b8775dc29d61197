from django.urls import path

from . import views

app_name = "onestop"

urlpatterns = [
    path("", views.upload_list, name="upload_list"),
    path("tai-len/", views.upload_new, name="upload_new"),
    path("lan-tai/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("lan-tai/<int:pk>/tien-do/", views.batch_progress, name="batch_progress"),
    path("lan-tai/<int:pk>/ghi-nhan/", views.batch_confirm, name="batch_confirm"),
    path("lan-tai/<int:pk>/huy/", views.batch_cancel, name="batch_cancel"),
    path("lan-tai/<int:pk>/ghep-cot/", views.batch_remap, name="batch_remap"),
    path("lan-tai/<int:pk>/chia-se-ghep-cot/", views.batch_share_mapping, name="batch_share_mapping"),
    path("lan-tai/<int:pk>/tep-goc/", views.batch_file, name="batch_file"),
    path("mau/<str:kind>/", views.template_download, name="template_download"),
    path("khoa-thang/", views.month_lock, name="month_lock"),
    path("mo-khoa-thang/", views.month_reopen, name="month_reopen"),
]
