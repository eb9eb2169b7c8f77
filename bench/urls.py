"""The portal's URLs plus the benchmark baseline: a bare view doing one indexed primary-key query
through the same middleware stack, so every other figure can be read as a ratio to it."""

from django.http import HttpResponse
from django.urls import include, path

from dossiers.models import Dossier
from portal.urls import handler403, handler404, handler500  # noqa: F401


def baseline(request, pk):
    code = Dossier.objects.filter(pk=pk).values_list("code", flat=True).first()
    return HttpResponse(code or "-", content_type="text/plain")


urlpatterns = [
    path("_bench/baseline/<int:pk>/", baseline),
    path("", include("portal.urls")),
]
