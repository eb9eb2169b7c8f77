from django.urls import include, path

from workflow.routing import views

app_name = "workflow"

urlpatterns = [
    path("dossiers/<str:code>/", views.dossier_detail, name="dossier"),
    path("dossiers/<str:code>/files/<int:file_id>/", views.dossier_file, name="dossier_file"),
    path("dossiers/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("dossiers/<str:code>/postal-slip.pdf", views.postal_slip_pdf, name="postal_slip"),
    path("dossiers/<str:code>/declarations.json", views.declarations_json, name="declarations_json"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/assign/<int:handoff_id>/", views.assign, name="assign"),
    path("supervision/", views.overview, name="overview"),
    path("dossiers/<str:code>/act/<slug:action>/", views.act, name="act"),
    path("", include("workflow.reception.urls")),
    path("", include("workflow.forms.urls")),
    path("", include("workflow.supervision.urls")),
    path("", include("workflow.notifications.urls")),
]
