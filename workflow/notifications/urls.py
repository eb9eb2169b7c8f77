"""URLs of the notification bell, preferences and the supervisors' failures page. Included
from workflow/urls.py (namespace `workflow`)."""

from django.urls import path

from workflow.notifications import views as views_notify

urlpatterns = [
    path("notifications/", views_notify.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views_notify.notification_read, name="notification_read"),
    path("notifications/read-all/", views_notify.notification_read_all, name="notifications_read_all"),
    path("notifications/preferences/", views_notify.notification_preferences, name="notification_preferences"),
    path("notifications/failures/", views_notify.notification_failures, name="notification_failures"),
    path("notifications/failures/<int:pk>/retry/", views_notify.notification_retry, name="notification_retry"),
]
