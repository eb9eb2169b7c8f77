from django.shortcuts import render

from portal.models import Role
from portal.permissions import role_required


@role_required(Role.CLERK)
def counter(request):
    """The one-stop counter: today's receptions and dossiers waiting for return."""
    return render(request, "dossiers/counter.html")
