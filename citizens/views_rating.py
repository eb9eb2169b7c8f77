"""Walk-in ratings (issue 20): most applicants at a counter have no account. When the clerk
returns a result, a kiosk screen at the desk (the clerk's tablet turned to the applicant) takes
one tap on five faces, and the return slip carries a signed link and QR code to rate later.
Both feed the same Rating rows, statistics and Decision 766 satisfaction as account ratings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from dossiers.models import Dossier, DossierFile, Status
from dossiers.slips import public_url, signed_slip
from portal.audit import audit_subject, audited_read
from portal.models import ReadAccess, Role
from portal.pdf import pdf_response, qr_data_uri, render_pdf
from portal.permissions import role_required
from workflow import policies

from . import services
from .forms import RatingForm
from .models import Rating

FACES = {1: "bi-emoji-angry", 2: "bi-emoji-frown", 3: "bi-emoji-neutral", 4: "bi-emoji-smile", 5: "bi-emoji-heart-eyes"}


def _counter_dossier(request, code):
    """The dossier `code` for a clerk of its receiving counter (workflow.policies), else 404."""
    try:
        dossier = policies.visible_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    if not policies.entitled(request.user, "walk_in_rating", dossier):
        raise Http404
    return dossier


def _faces():
    return [(score, label, FACES[score]) for score, label in Rating.Score.choices]


def _rate(request, dossier, source, template, extra):
    """The shared GET/POST of both screens: one tap on a face rates (the aspects and comment
    ticked before it go with it); a second rating of the same dossier is refused politely."""
    rating = Rating.objects.filter(dossier=dossier).first()
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and rating is None:
        if getattr(request, "limited", False):
            form.add_error(None, _("Bạn gửi quá nhiều lần. Vui lòng thử lại sau."))
            status = 429
        elif form.is_valid():
            try:
                rating = services.rating_walk_in(dossier=dossier, source=source, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages[0])
                status = 400
        else:
            status = 400
    context = {"dossier": dossier, "rating": rating, "form": form, "faces": _faces(),
               "returned": dossier.status == Status.RETURNED, **extra}
    return render(request, template, context, status=status)


@role_required(Role.CLERK)
def kiosk(request, code):
    """The kiosk screen for the dossier being returned: no menus, big faces, nothing personal."""
    dossier = _counter_dossier(request, code)
    return _rate(request, dossier, Rating.Source.KIOSK, "citizens/rating/kiosk.html",
                 {"back": reverse("workflow:dossier", args=[dossier.code])})


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def by_link(request, token):
    """The "rate later" link of the return slip: anyone holding the slip, no account."""
    dossier = services.rating_link_dossier(token)
    if dossier is None:
        return render(request, "citizens/rating/link_invalid.html", {"days": services.RATING_LINK_DAYS}, status=404)
    return _rate(request, dossier, Rating.Source.SLIP, "citizens/rating/by_link.html", {})


@audited_read(ReadAccess.Action.SLIP)
@role_required(Role.CLERK)
def return_slip(request, code):
    """Phiếu trả kết quả: handed over with the result at the counter. What was returned, the
    link and QR code to rate the service later, and a short guide (with QR) to doing the same
    procedure online next time, with the offer of an account created at the counter."""
    dossier = _counter_dossier(request, code)
    audit_subject(request, dossier=dossier)
    if dossier.status != Status.RETURNED:
        messages.error(request, _("Phiếu trả kết quả chỉ in được sau khi đã trả kết quả."))
        return redirect("workflow:dossier", code=dossier.code)
    rate_url = public_url(reverse("citizens:rate_by_link", args=[services.rating_link_token(dossier)]), request)
    online_url = public_url(reverse("procedures:detail", args=[dossier.procedure.national_code]), request)
    context = {
        "dossier": dossier, "unit": dossier.receiving_unit, "parent_unit": dossier.receiving_unit.parent,
        "results": dossier.files.filter(kind=DossierFile.Kind.RESULT).order_by("pk"),
        "returned_local": timezone.localtime(dossier.returned_at) if dossier.returned_at else timezone.localtime(),
        "rate_url": rate_url, "rate_qr": qr_data_uri(rate_url), "online_url": online_url,
        "online_qr": qr_data_uri(online_url), "accepts_online": dossier.procedure_version.accepts_online,
        "has_account": dossier.citizen_id is not None, "clerk_name": request.user.get_full_name(),
    }
    with translation.override("vi"):
        pdf = render_pdf("pdf/return_slip.html", context, request=request)
        title = _("Phiếu trả kết quả")
    pdf = signed_slip(pdf, unit=dossier.receiving_unit, title=title, dossier=dossier, actor=request.user)
    return pdf_response(pdf, filename=f"phieu-tra-ket-qua-{dossier.code}")
