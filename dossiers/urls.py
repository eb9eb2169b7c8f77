from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/slips/<int:pk>/", views.slip_detail, name="slip"),
    path("counter/slips/<int:pk>/pdf/", views.slip_pdf, name="slip_pdf"),
    path("track/", views.track, name="track"),
    path("d/<str:code>/", views.track, name="qr"),
    path("kiem-tra-ket-qua/", views.result_check, name="result_check"),
]
