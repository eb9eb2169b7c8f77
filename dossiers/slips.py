"""The printable slips of Circular 01/2018/TT-VPCP, regenerated from data every time."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.pdf import PDF_CACHE_SECONDS, qr_data_uri, render_pdf
from portal.signatures.keys import SigningRefused, certificate_for
from portal.signatures.signing import pdf_sign

from .form_versions import form_version
from .models import Channel, DossierFile
from .services import processing_budget, record_event

logger = logging.getLogger(__name__)


def public_url(path, request=None):
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def receipt_context(dossier, request=None):
    version = dossier.procedure_version
    track_url = public_url(reverse("dossiers:qr", args=[dossier.code]), request)
    received_local = timezone.localtime(dossier.received_at)
    return {
        "form": form_version("01", dossier.received_at),
        "place": place_name(dossier.receiving_unit),
        "dossier": dossier,
        "version": version,
        "unit": dossier.receiving_unit,
        "parent_unit": dossier.receiving_unit.parent,
        "components": dossier.components.all(),
        "budget": processing_budget(version, dossier.channel),
        # The published fees, but an optional one (copies) only as asked for, with how many.
        "fees": [fee for fee in version.fees.all() if not fee.is_optional],
        "requested_fees": dossier.requested_fees.select_related("fee"),
        "track_url": track_url,
        "qr": qr_data_uri(track_url),
        "received_local": received_local,
        "due_local": timezone.localtime(dossier.due_at) if dossier.due_at else None,
        "entry_number": dossier.code.rsplit("-", 1)[-1],
        "book_year": received_local.year,
        # Số: the entry of the tracking book (Form 06) the receipt was written in.
        "receipt_number": f"{dossier.code.rsplit('-', 1)[-1]}/{received_local.year}",
    }


# The administrative kind of a unit's name, dropped for the place on the place-and-date line
# ("Mỹ Hà, ngày 05 tháng 12 năm 2026"), longest first.
_PLACE_PREFIXES = ("Ủy ban nhân dân", "UBND", "Trung tâm Phục vụ hành chính công", "Bộ phận một cửa", "thành phố",
                   "phường", "thị trấn", "thị xã", "huyện", "quận", "tỉnh", "xã")


def place_name(unit):
    """The place written before the date on a form: the unit's locality without its kind
    ("Ủy ban nhân dân xã Mỹ Hà" -> "Mỹ Hà")."""
    if unit is None:
        return ""
    name = (unit.short_name or unit.name).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if name.lower().startswith(prefix.lower() + " "):
                name, changed = name[len(prefix):].strip(), True
    return name


def render_receipt(dossier, request=None):
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Official forms are always printed in
    Vietnamese, whatever language the clerk's screen uses."""
    context = receipt_context(dossier, request)
    with translation.override("vi"):
        return render_pdf(context["form"].template, context, request=request)


def render_postal_slip(dossier, request=None):
    """Phiếu chuyển phát kết quả: the slip that travels with a result returned by post (bưu
    chính công ích), signed by the counter, the postman who takes it and the applicant who
    receives it: sender, addressee, what is inside, the tracking number once the post office
    has given it."""
    track_url = public_url(reverse("dossiers:qr", args=[dossier.code]), request)
    context = {"dossier": dossier, "unit": dossier.receiving_unit, "parent_unit": dossier.receiving_unit.parent,
               "results": dossier.files.filter(kind=DossierFile.Kind.RESULT).order_by("pk"),
               "qr": qr_data_uri(track_url),
               "returned_local": timezone.localtime(dossier.returned_at) if dossier.returned_at else None,
               "printed_local": timezone.localtime()}
    with translation.override("vi"):
        return render_pdf("pdf/postal_slip.html", context, request=request)


def render_counter_slip(slip, request=None):
    """Form 02 (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) or Form 03 (Phiếu từ chối), at the
    counter, for an online dossier, or asked by the processing unit during processing."""
    form = form_version("02" if slip.kind == slip.Kind.COMPLETION else "03", slip.created_at)
    procedure_url = public_url(reverse("procedures:detail", args=[slip.procedure_version.procedure.national_code]),
                               request)
    context = {"slip": slip, "form": form, "unit": slip.unit, "parent_unit": slip.unit.parent,
               "procedure_url": procedure_url, "created_local": timezone.localtime(slip.created_at),
               "place": place_name(slip.unit), "online_channel": Channel.ONLINE,
               "during_processing": False, "processing_unit": ""}
    if slip.dossier_id and slip.kind == slip.Kind.COMPLETION:
        # Asked by the processing unit during processing: the pause it opened names the step.
        pause = (slip.dossier.pauses.filter(requested_by=slip.clerk_id, requested_at__lte=slip.created_at)
                 .select_related("handoff__unit").order_by("-requested_at").first())
        if pause is not None:
            context["during_processing"] = True
            handoff = pause.handoff
            context["processing_unit"] = (handoff.unit_name or handoff.unit.name) if handoff else ""
    with translation.override("vi"):
        return render_pdf(form.template, context, request=request)


def signed_slip(pdf, *, unit, title, dossier=None, actor=None):
    """A printed slip signed by the system with `unit`'s organisational certificate. The
    signed PDF is kept in the cache under the slip's content and the certificate, so a
    reprint of an unchanged slip is not signed (nor recorded) again; a fresh signature of a
    dossier's slip is an event of its trail. A unit without a usable certificate prints
    unsigned: the slip must never fail to print."""
    certificate = certificate_for(unit)
    if certificate is None:
        return pdf
    key = f"signed-slip:{certificate.pk}:{hashlib.sha256(pdf).hexdigest()}"
    signed = cache.get(key)
    if signed is not None:
        return signed
    try:
        result = pdf_sign(pdf=pdf, unit=unit, signer_name=certificate.subject, reason=title, location=unit.name,
                          certificate=certificate)
    except SigningRefused as refusal:
        logger.warning("slip %s of %s printed unsigned: %s", title, unit, " ".join(refusal.messages))
        return pdf
    cache.set(key, result.pdf, PDF_CACHE_SECONDS)
    if dossier is not None:
        record_event(dossier=dossier, actor=actor if getattr(actor, "is_authenticated", False) else None,
                     transition="slip_sign", from_status=dossier.status, unit=unit,
                     note=_("Hệ thống ký số %(title)s bằng chứng thư của %(unit)s (số hiệu %(serial)s)")
                     % {"title": title, "unit": unit.name, "serial": certificate.serial})
    return result.pdf
