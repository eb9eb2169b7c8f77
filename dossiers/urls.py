from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("track/", views.track, name="track"),
    path("d/<str:code>/", views.track, name="qr"),
    path("dossiers/<str:code>/", views.dossier_detail, name="detail"),
    path("dossiers/<str:code>/files/<int:file_id>/", views.dossier_file, name="file"),
    path("dossiers/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt"),
]
