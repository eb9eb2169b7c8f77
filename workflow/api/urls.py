from django.urls import path

from . import screens

app_name = "integration"

urlpatterns = [
    path("integration/deliveries/", screens.delivery_log, name="deliveries"),
    path("integration/deliveries/<int:pk>/resend/", screens.delivery_resend, name="delivery_resend"),
    path("integration/national/", screens.national_sync, name="national"),
    path("integration/national/<int:pk>/resend/", screens.national_resend, name="national_resend"),
]
