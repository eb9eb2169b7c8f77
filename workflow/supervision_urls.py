"""URLs of supervision: dashboard, statistics, exports, public disclosure. Included from
workflow/urls.py."""

urlpatterns = []
