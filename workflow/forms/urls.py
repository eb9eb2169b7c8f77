"""URLs of the printed reports (Forms 02/03 of a dossier, 04, 05, 06). Included from workflow/urls.py."""

from django.urls import path

from workflow.forms import views as views_reports

urlpatterns = [
    path("dossiers/<str:code>/process-slip.pdf", views_reports.process_slip, name="process_slip"),
    path("dossiers/<str:code>/slips/<int:pk>.pdf", views_reports.dossier_slip_pdf, name="dossier_slip"),
    path("dossiers/<str:code>/apology.pdf", views_reports.apology_pdf, name="apology_pdf"),
    path("counter/book/", views_reports.tracking_book, name="tracking_book"),
]
