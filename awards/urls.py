from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.nomination_list, name="nomination_list"),
    path("hang-loat/", views.nomination_bulk, name="nomination_bulk"),
    path("dot/<int:round_id>/", views.round_detail, name="round_detail"),
    path("dot/<int:round_id>/de-nghi/", views.nomination_create, name="nomination_create"),
    path("dot/<int:round_id>/gia-han/", views.round_exception, name="round_exception"),
    path("dot/<int:round_id>/hop/", views.meeting_create, name="meeting_create"),
    path("dot/<int:round_id>/to-trinh/", views.decision_create, name="decision_create"),
    path("dot/<int:round_id>/xuat-excel/", views.round_export, name="round_export"),
    path("ho-so/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("ho-so/<int:pk>/sua/", views.nomination_edit, name="nomination_edit"),
    path("ho-so/<int:pk>/dinh-kem/", views.nomination_attach, name="nomination_attach"),
    path("ho-so/<int:pk>/dinh-kem/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("ho-so/<int:pk>/van-ban/", views.nomination_documents, name="nomination_documents"),
    path("ho-so/<int:pk>/<slug:action>/", views.nomination_action, name="nomination_action"),
    path("hop/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("hop/<int:pk>/diem-danh/", views.meeting_attendance, name="meeting_attendance"),
    path("hop/<int:pk>/phieu/<int:nomination_id>/", views.meeting_tally, name="meeting_tally"),
    path("hop/<int:pk>/ket-thuc/", views.meeting_close, name="meeting_close"),
    path("hop/<int:pk>/bo-phieu/", views.meeting_vote, name="meeting_vote"),
    path("hop/<int:pk>/y-kien-van-ban/", views.meeting_written, name="meeting_written"),
    path("hop/<int:pk>/bien-ban/", views.meeting_minutes, name="meeting_minutes"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/ban-hanh/", views.decision_issue, name="decision_issue"),
    path("quyet-dinh/<int:pk>/van-ban/", views.decision_documents, name="decision_documents"),
    path("quyet-dinh/<int:pk>/cap-tren/", views.decision_record, name="decision_record"),
    path("quyet-dinh/<int:pk>/ban-chup/", views.decision_scan, name="decision_scan"),
    path("van-ban/<int:pk>/", views.document_download, name="document_download"),
    path("muc-tien-thuong/", views.award_amounts, name="award_amounts"),
]
