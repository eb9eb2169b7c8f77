from django.shortcuts import render

from portal.models import Role
from portal.permissions import role_required


@role_required(Role.OFFICER, Role.LEADER)
def inbox(request):
    """Officers' and leaders' inbox of dossiers to process."""
    return render(request, "workflow/inbox.html")


@role_required(Role.SUPERVISOR, Role.LEADER)
def overview(request):
    """Supervisors' overview of deadlines and overdue dossiers."""
    return render(request, "workflow/overview.html")
