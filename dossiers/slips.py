"""The printable slips of Circular 01/2018/TT-VPCP, regenerated from data every time."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from portal.pdf import qr_data_uri, render_pdf

from .services import processing_budget


def public_url(path, request=None):
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def receipt_context(dossier, request=None):
    version = dossier.procedure_version
    track_url = public_url(reverse("dossiers:qr", args=[dossier.code]), request)
    return {
        "dossier": dossier,
        "version": version,
        "unit": dossier.receiving_unit,
        "parent_unit": dossier.receiving_unit.parent,
        "components": dossier.components.all(),
        "budget": processing_budget(version, dossier.channel),
        "fees": version.fees.all(),
        "track_url": track_url,
        "qr": qr_data_uri(track_url),
        "received_local": timezone.localtime(dossier.received_at),
        "due_local": timezone.localtime(dossier.due_at) if dossier.due_at else None,
        "entry_number": dossier.code.rsplit("-", 1)[-1],
        "book_year": timezone.localtime(dossier.received_at).year,
    }


def render_receipt(dossier, request=None):
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Official forms are always printed in
    Vietnamese, whatever language the clerk's screen uses."""
    with translation.override("vi"):
        return render_pdf("pdf/receipt.html", receipt_context(dossier, request), request=request)


def render_counter_slip(slip, request=None):
    """Form 02 (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) or Form 03 (Phiếu từ chối)."""
    template = "pdf/completion.html" if slip.kind == slip.Kind.COMPLETION else "pdf/refusal.html"
    procedure_url = public_url(reverse("procedures:detail", args=[slip.procedure_version.procedure.national_code]),
                               request)
    context = {"slip": slip, "unit": slip.unit, "parent_unit": slip.unit.parent, "procedure_url": procedure_url,
               "created_local": timezone.localtime(slip.created_at)}
    with translation.override("vi"):
        return render_pdf(template, context, request=request)
