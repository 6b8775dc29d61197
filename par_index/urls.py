from django.urls import path

from . import views

app_name = "par_index"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("danh-gia/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("danh-gia/<int:pk>/gui/", views.assessment_submit, name="assessment_submit"),
    path("danh-gia/<int:pk>/tham-dinh/", views.assessment_appraise, name="assessment_appraise"),
    path("danh-gia/<int:pk>/muc/<int:answer_id>/tai-lieu/", views.evidence_upload, name="evidence_upload"),
    path("tai-lieu/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("tai-lieu/<int:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
    path("bo-chi-so/", views.framework_list, name="framework_list"),
    path("bo-chi-so/<int:framework_id>/tu-danh-gia/", views.assessment_start, name="assessment_start"),
    path("bo-chi-so/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("bo-chi-so/<int:pk>/xuat-excel/", views.framework_export, name="framework_export"),
    path("bo-chi-so/<int:pk>/nhap-excel/", views.framework_import, name="framework_import"),
    path("bo-chi-so/<int:pk>/sao-chep/", views.framework_copy, name="framework_copy"),
    path("bo-chi-so/<int:pk>/mo-tu-danh-gia/", views.framework_open, name="framework_open"),
    path("bo-chi-so/<int:pk>/cong-bo/", views.framework_publish, name="framework_publish"),
    path("bo-chi-so/<int:pk>/ket-qua/", views.framework_results, name="framework_results"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/nhiem-vu/<int:pk>/trang-thai/", views.plan_task_status, name="plan_task_status"),
]
