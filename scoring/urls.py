from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("don-vi/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("don-vi/<int:pk>/xlsx/", views.unit_dashboard_xlsx, name="unit_dashboard_xlsx"),
    path("don-vi/<int:pk>/chi-so/<slug:code>/", views.provenance, name="provenance"),
    path("xep-hang/<slug:code>/<int:round_id>/", views.leaderboard, name="leaderboard"),
    path("xep-hang/<slug:code>/<int:round_id>/xlsx/", views.leaderboard_xlsx, name="leaderboard_xlsx"),
    path("chi-so-nam/", views.index_results, name="index_results"),
    path("luot-tinh-lai/", views.runs, name="runs"),
    path("luot-tinh-lai/<int:pk>/huy/", views.cancel_run, name="cancel_run"),
    path("api/chi-so/", views.api_indicators, name="api_indicators"),
    path("api/chi-so/<slug:code>/nguon-goc/", views.api_provenance, name="api_provenance"),
]
