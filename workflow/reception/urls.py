"""Counter reception URLs, included in the workflow namespace (workflow:receive...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("counter/receive/", views.receive_pick, name="receive_pick"),
    path("counter/receive/<str:national_code>/", views.receive, name="receive"),
    path("counter/applicant/", views.applicant_lookup, name="applicant_lookup"),
]
