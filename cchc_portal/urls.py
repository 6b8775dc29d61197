from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from organization import account_views, signin
from scoring import completeness

from .home import home

admin.site.site_header = "CCHC Portal – Quản trị"
admin.site.site_title = "CCHC Portal"
admin.site.index_title = "Dữ liệu danh mục"

urlpatterns = [
    path("", home, name="home"),
    # browsers and pages without base.html's <link rel="icon"> ask for /favicon.ico (trial finding 14)
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("dang-nhap/", signin.SignInView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", signin.verify, name="signin_verify"),
    path("tai-khoan/dang-nhap-hai-buoc/", signin.second_factor_setup, name="second_factor_setup"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Own password (issue 13): change when signed in; reset by an e-mailed link (Django's views).
    path("tai-khoan/doi-mat-khau/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("tai-khoan/quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("tai-khoan/dat-mat-khau/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("tai-khoan/dat-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("don-vi/", include("organization.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("phong-trao/", include("campaigns.urls")),
    path("so-lieu/day-du/", completeness.completeness, name="completeness"),
    path("so-lieu/", include("scoring.onestop.urls")),
    path("cham-diem/", include("scoring.urls")),
    path("khen-thuong/", include("awards.urls")),
    path("cuoc-thi/", include("contests.urls")),
    path("chi-so-cchc/", include("par_index.urls")),
    # The admin signs in through the portal's form (lockout, second factor), not its own.
    path("quan-tri/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("quan-tri/", admin.site.urls),
]

# No route serves MEDIA_ROOT, in any mode: every stored file goes out through the view
# of the object it belongs to, after that object's permission check (core.files).
