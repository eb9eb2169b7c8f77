from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/receive/", views.receive_pick, name="receive_pick"),
    path("counter/receive/<str:national_code>/", views.receive, name="receive"),
    path("counter/applicant/", views.applicant_lookup, name="applicant_lookup"),
    path("counter/slips/<int:pk>/", views.slip_detail, name="slip"),
    path("counter/slips/<int:pk>/pdf/", views.slip_pdf, name="slip_pdf"),
    path("track/", views.track, name="track"),
    path("d/<str:code>/", views.track, name="qr"),
]
