from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("procedures/", views.catalogue, name="catalogue"),
    path("catalogue/", views.manage, name="manage"),
]
