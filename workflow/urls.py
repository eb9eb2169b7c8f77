from django.urls import include, path

from . import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/assign/<int:handoff_id>/", views.assign, name="assign"),
    path("supervision/", views.overview, name="overview"),
    path("dossiers/<str:code>/act/<slug:action>/", views.act, name="act"),
    path("", include("workflow.report_urls")),
    path("", include("workflow.supervision_urls")),
    path("", include("workflow.notify_urls")),
]
