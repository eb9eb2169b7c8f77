"""Views of the printed reports: Form 05 and Form 04 of one dossier, the tracking book
(Form 06) of a unit. Scoped through the dossier selectors: outside the user's scope is 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from dossiers.models import Dossier
from dossiers.selectors import dossier_for_user
from portal.pdf import pdf_response

from . import reports


def _dossier_or_404(request, code):
    try:
        dossier = dossier_for_user(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    if dossier.received_at is None:
        # Not received yet: no book entry, no route, nothing to print.
        raise Http404
    return dossier


@login_required
def process_slip(request, code):
    """Form 05 for anyone who may see the dossier (staff in scope, the citizen who owns it)."""
    dossier = _dossier_or_404(request, code)
    return pdf_response(reports.render_process_slip(dossier, request),
                        filename=f"phieu-kiem-soat-{dossier.code}")


@login_required
def apology_pdf(request, code):
    """Form 04, only once the leader approved it: a draft is not sent to anyone."""
    dossier = _dossier_or_404(request, code)
    apology = reports.approved_apology(dossier)
    if apology is None:
        raise Http404
    apology.dossier = dossier
    return pdf_response(reports.render_apology(apology, request), filename=f"phieu-xin-loi-{dossier.code}")
