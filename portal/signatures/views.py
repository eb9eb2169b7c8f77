"""The administrator's screen of unit certificates and the trust list."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import signing_admin_required

from .forms import CertificateUploadForm, TrustAnchorForm
from .keys import PKCS12_MAX_BYTES, certificate_retire, certificate_upload, trust_anchor_add
from .models import TrustAnchor, UnitCertificate


def _context(upload_form=None, trust_form=None):
    from django.conf import settings

    now = timezone.now()
    warn = now + datetime.timedelta(days=settings.SIGNING_EXPIRY_WARNING_DAYS)
    certificates = list(UnitCertificate.objects.select_related("unit", "uploaded_by").defer("sealed_key"))
    for certificate in certificates:
        certificate.days_left = (certificate.not_after - now).days
        certificate.expiring = certificate.usable and certificate.not_after <= warn
    return {"certificates": certificates, "anchors": TrustAnchor.objects.defer("certificate_der"),
            "upload_form": upload_form or CertificateUploadForm(), "trust_form": trust_form or TrustAnchorForm(),
            "warning_days": settings.SIGNING_EXPIRY_WARNING_DAYS}


@signing_admin_required
def certificates(request):
    upload_form = None
    if request.method == "POST":
        upload_form = CertificateUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            try:
                if upload.size > PKCS12_MAX_BYTES:
                    raise ValidationError(_("Tệp PKCS#12 quá lớn."))
                certificate = certificate_upload(unit=upload_form.cleaned_data["unit"], data=upload.read(),
                                                 password=upload_form.cleaned_data["password"], actor=request.user)
            except ValidationError as error:
                upload_form.add_error("file", error)
            else:
                messages.success(request, _("Đã lưu chứng thư số “%(subject)s” của %(unit)s (hết hạn %(date)s).")
                                 % {"subject": certificate.subject, "unit": certificate.unit,
                                    "date": timezone.localtime(certificate.not_after).strftime("%d/%m/%Y")})
                return redirect("signatures:certificates")
    return render(request, "portal/signatures/certificates.html", _context(upload_form=upload_form),
                  status=400 if upload_form is not None else 200)


@require_POST
@signing_admin_required
def certificate_retire_view(request, pk):
    certificate = get_object_or_404(UnitCertificate, pk=pk)
    certificate_retire(certificate=certificate, actor=request.user, revoked=request.POST.get("revoked") == "1")
    messages.success(request, _("Chứng thư số “%(subject)s” không còn được dùng để ký.") % {
        "subject": certificate.subject})
    return redirect("signatures:certificates")


@require_POST
@signing_admin_required
def trust_anchor_add_view(request):
    form = TrustAnchorForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            anchor = trust_anchor_add(pem_or_der=form.cleaned_data["file"].read(65536), name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Đã thêm “%(name)s” vào danh sách tin cậy.") % {"name": anchor.name})
            return redirect("signatures:certificates")
    return render(request, "portal/signatures/certificates.html", _context(trust_form=form), status=400)
