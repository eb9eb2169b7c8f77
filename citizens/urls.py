from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("my/", views.my_dossiers, name="my_dossiers"),
]
