from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from scoring import completeness

from .home import home

admin.site.site_header = "CCHC Portal – Quản trị"
admin.site.site_title = "CCHC Portal"
admin.site.index_title = "Dữ liệu danh mục"

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("don-vi/", include("organization.urls")),
    path("phong-trao/", include("campaigns.urls")),
    path("so-lieu/day-du/", completeness.completeness, name="completeness"),
    path("so-lieu/", include("scoring.onestop.urls")),
    path("cham-diem/", include("scoring.urls")),
    path("khen-thuong/", include("awards.urls")),
    path("cuoc-thi/", include("contests.urls")),
    path("chi-so-cchc/", include("par_index.urls")),
    path("quan-tri/", admin.site.urls),
]

# No route serves MEDIA_ROOT, in any mode: every stored file goes out through the view
# of the object it belongs to, after that object's permission check (core.files).
