"""URLs of supervision: dashboard, statistics, exports, public disclosure. Included from
workflow/urls.py."""

from django.urls import path

from workflow.supervision import views

urlpatterns = [
    path("supervision/dashboard/", views.dashboard, name="supervision"),
    path("supervision/dossiers/", views.dossier_list, name="supervision_dossiers"),
    path("supervision/statistics/", views.statistics, name="statistics"),
    path("supervision/statistics/<slug:table>.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("supervision/report.<str:fmt>", views.monthly_report, name="monthly_report"),
    # Public, no login: Decree 61/2018 requires publishing how dossiers are handled.
    path("cong-khai/", views.disclosure, name="disclosure"),
]
