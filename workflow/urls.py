from django.urls import include, path

from . import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("supervision/", views.overview, name="overview"),
    path("", include("workflow.report_urls")),
]
