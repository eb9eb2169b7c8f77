from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("signing/certificates/", views.certificates, name="certificates"),
    path("signing/certificates/<int:pk>/retire/", views.certificate_retire_view, name="certificate_retire"),
    path("signing/trust/", views.trust_anchor_add_view, name="trust_add"),
]
