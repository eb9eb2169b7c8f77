"""PAdES signing of PDFs with a unit's certificate (baseline B-B; B-T when `SIGNING_TSA_URL`
names an RFC 3161 timestamp authority).

The visible stamp (who, which unit, when) is a signature widget in a box of its own at the
bottom right of the last page: it depends on no template's layout, the page is not reflowed.
"""

import io
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from .aio import outside_event_loop
from .keys import SigningRefused, backend, certificate_for, check_certificate

STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 170, 46, 10  # points


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    certificate: object  # UnitCertificate
    signed_at: object  # aware datetime
    field_name: str
    timestamped: bool


@lru_cache(maxsize=1)
def _stamp_font():
    return GlyphAccumulatorFactory(str(settings.BASE_DIR / "static" / "fonts" / "BeVietnamPro_400Regular.ttf"))


def _stamp_style():
    text = "\n".join([_("Ký số bởi: %(signer)s"), _("Đơn vị: %(unit)s"), _("Thời gian: %(time)s")])
    return TextStampStyle(stamp_text=text, text_box_style=TextBoxStyle(font=_stamp_font(), font_size=7),
                          border_width=1, background=None)


def _timestamper():
    url = settings.SIGNING_TSA_URL
    # The requests client: each signature runs in a short event loop of its own (asyncio.run).
    return HTTPTimeStamper(url, timeout=settings.SIGNING_TSA_TIMEOUT) if url else None


def _unreadable():
    return SigningRefused(_("Tệp PDF hỏng hoặc không đọc được, không ký được. Tải lên bản PDF khác."),
                          code="bad_pdf")


@outside_event_loop
def pdf_sign(*, pdf: bytes, unit, signer_name: str, reason: str, location: str = "", certificate=None) -> Signed:
    """Sign `pdf` with `unit`'s certificate (or `certificate`): returns the signed bytes. A
    certificate that is missing, expired, revoked or not under the trust list is refused
    (SigningRefused, with a message for the user); so is a PDF that cannot be read."""
    certificate = certificate or certificate_for(unit)
    if certificate is None:
        raise SigningRefused(_("Đơn vị “%(unit)s” chưa có chứng thư số còn hiệu lực để ký.") % {"unit": unit},
                             code="no_certificate")
    if not certificate.usable:
        raise SigningRefused(_("Chứng thư số của đơn vị đã hết hạn hoặc bị thu hồi, không được dùng để ký."),
                             code="expired" if certificate.expired else "revoked")
    signer = backend().signer(certificate)
    check_certificate(signer.signing_cert, chain=list(signer.cert_registry))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if writer.prev.encrypted:
            raise SigningRefused(_("Tệp PDF được đặt mật khẩu, không ký được."), code="encrypted_pdf")
        existing = len(list(fields.enumerate_sig_fields(writer.prev)))
        page = int(writer.root["/Pages"]["/Count"]) - 1
        box = _stamp_box(writer, page)
    except (PdfError, KeyError, TypeError, ValueError):
        raise _unreadable() from None
    signed_at = timezone.now()
    field_name = f"KySo{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200], location=location[:200] or None, name=signer_name[:200] or None,
    )
    timestamper = _timestamper()
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=_stamp_style(),
                                   new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page,
                                                                      box=box))
    params = {"signer": signer_name or certificate.subject, "unit": str(unit),
              "time": timezone.localtime(signed_at).strftime("%H:%M %d/%m/%Y")}
    try:
        out = pdf_signer.sign_pdf(writer, appearance_text_params=params)
    except PdfError:
        raise _unreadable() from None
    except TimestampRequestError:
        raise SigningRefused(_("Không ký được: máy chủ cấp dấu thời gian không trả lời. Thử lại sau."),
                             code="tsa_unreachable") from None
    except SigningError as error:
        raise SigningRefused(_("Không ký được: %(reason)s") % {"reason": error}, code="signing_failed") from None
    return Signed(pdf=out.getvalue(), certificate=certificate, signed_at=signed_at, field_name=field_name,
                  timestamped=timestamper is not None)


def pdf_unreadable(upload) -> bool:
    """A PDF upload that pyHanko cannot open (images are not PDFs: False)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.startswith(b"%PDF"):
        return False
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        return True
    return False


def _stamp_box(writer, page_index):
    """Bottom right of the page's visible area, whatever its size."""
    page_ref, _resources = writer.find_page_for_modification(page_index)
    page_obj = page_ref.get_object()
    x1, y1, x2, y2 = (float(v) for v in (page_obj.get("/CropBox") or _inherited(page_obj, "/MediaBox")))
    right, bottom = x2 - STAMP_MARGIN, y1 + STAMP_MARGIN
    return (int(right - STAMP_WIDTH), int(bottom), int(right), int(bottom + STAMP_HEIGHT))


def _inherited(node, key):
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    raise KeyError(key)
