from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def my_dossiers(request):
    """A citizen's own dossiers."""
    return render(request, "citizens/my_dossiers.html")
