from django.shortcuts import render

from portal.models import Role
from portal.permissions import role_required


def catalogue(request):
    """Public catalogue of procedures (filled by the catalogue issue)."""
    return render(request, "procedures/catalogue.html")


@role_required(Role.EDITOR)
def manage(request):
    """Catalogue editor's home."""
    return render(request, "procedures/manage.html")
