"""URLs of the printed reports (Forms 04, 05, 06). Included from workflow/urls.py."""

urlpatterns = []
