from django.urls import path

from . import views

app_name = "contests"

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("<slug:code>/", views.contest_detail, name="detail"),
    path("<slug:code>/the-le/", views.settings_edit, name="settings"),
    path("<slug:code>/giai-doan/", views.stage_change, name="stage"),
    path("<slug:code>/han-cham-thi/", views.deadline_extend, name="deadline_extend"),
    path("<slug:code>/bai-du-thi/moi/", views.entry_create, name="entry_create"),
    path("<slug:code>/bai-du-thi/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<slug:code>/bai-du-thi/<int:pk>/nop/", views.entry_submit, name="entry_submit"),
    path("<slug:code>/bai-du-thi/<int:pk>/xoa/", views.entry_delete, name="entry_delete"),
    path("<slug:code>/bai-du-thi/<int:pk>/tep/", views.entry_file, name="entry_file"),
    path("<slug:code>/bai-du-thi/<int:pk>/tep-goc/", views.entry_original, name="entry_original"),
    path("<slug:code>/bai-du-thi/<int:pk>/cham/", views.score, name="score"),
    path("<slug:code>/phan-cong/", views.assign, name="assign"),
    path("<slug:code>/phan-cong/<int:assignment_id>/huy/", views.unassign, name="unassign"),
    path("<slug:code>/ket-qua/", views.results, name="results"),
    path("<slug:code>/ket-qua/de-xuat-giai/", views.prizes_propose, name="prizes_propose"),
    path("<slug:code>/ket-qua/van-ban/<slug:kind>/", views.prize_document, name="prize_document"),
    path("<slug:code>/ket-qua/xac-nhan-giai/", views.prizes_confirm, name="prizes_confirm"),
    path("<slug:code>/ket-qua/cong-bo/", views.publish, name="publish"),
    # Public pages: no sign-in.
    path("<slug:code>/cong-bo/", views.public_results, name="public_results"),
    path("<slug:code>/cong-bo/<int:pk>/tai-ve/", views.public_file, name="public_file"),
]
