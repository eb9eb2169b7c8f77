from django.urls import include, path

from workflow.routing import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/assign/<int:handoff_id>/", views.assign, name="assign"),
    path("supervision/", views.overview, name="overview"),
    path("dossiers/<str:code>/act/<slug:action>/", views.act, name="act"),
    path("", include("workflow.forms.urls")),
    path("", include("workflow.supervision.urls")),
    path("", include("workflow.notifications.urls")),
]
