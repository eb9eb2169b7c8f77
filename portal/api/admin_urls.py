from django.urls import path

from . import views

app_name = "api_admin"

urlpatterns = [
    path("integration/clients/", views.clients, name="clients"),
    path("integration/clients/<int:pk>/rotate/", views.client_rotate, name="client_rotate"),
    path("integration/clients/<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
]
