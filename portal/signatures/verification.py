"""Verification of the signatures in a PDF, with pyhanko-certvalidator against the trust list
(`keys.trust_roots`). One service function, `pdf_verify`, used for every uploaded file
(counter scans, online uploads, the API) and by the public "check a result" page."""

import datetime
import io
import logging
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError

from .aio import outside_event_loop
from .keys import fingerprint, validation_context
from .models import UnitCertificate

logger = logging.getLogger(__name__)


class Verdict:
    """Of one signature, and of a file (its worst signature)."""

    UNSIGNED = "unsigned"
    VALID = "valid"
    UNTRUSTED = "untrusted"
    MODIFIED = "modified"
    INVALID = "invalid"
    UNREADABLE = "unreadable"

    LABELS = {
        UNSIGNED: gettext_lazy("Không có chữ ký số"),
        VALID: gettext_lazy("Chữ ký hợp lệ"),
        UNTRUSTED: gettext_lazy("Chữ ký không thuộc danh sách tin cậy"),
        MODIFIED: gettext_lazy("Tệp bị sửa đổi sau khi ký"),
        INVALID: gettext_lazy("Chữ ký không hợp lệ"),
        UNREADABLE: gettext_lazy("Không đọc được tệp PDF"),
    }
    CSS = {UNSIGNED: "light", VALID: "success", UNTRUSTED: "warning", MODIFIED: "danger", INVALID: "danger",
           UNREADABLE: "secondary"}
    # Worst first: a file's verdict is the worst of its signatures.
    ORDER = [UNREADABLE, INVALID, MODIFIED, UNTRUSTED, VALID, UNSIGNED]


Verdict.CHOICES = [(key, Verdict.LABELS[key]) for key in Verdict.ORDER]


@dataclass
class SignatureCheck:
    verdict: str
    signer: str = ""  # the certificate's subject (common name)
    name: str = ""  # the /Name of the signature: the person who signed for the unit
    unit_id: int | None = None  # a unit of this portal, when its certificate signed
    unit: str = ""
    signed_at: str = ""  # ISO time, from the timestamp token when there is one, else as the signer said
    timestamped: bool = False
    reason: str = ""
    detail: str = ""

    @property
    def label(self):
        return Verdict.LABELS[self.verdict]

    @property
    def css(self):
        return Verdict.CSS[self.verdict]

    @property
    def signed_at_time(self):
        return datetime.datetime.fromisoformat(self.signed_at) if self.signed_at else None


@dataclass
class PdfCheck:
    verdict: str
    signatures: list = field(default_factory=list)
    message: str = ""
    checked_at: str = ""

    @property
    def label(self):
        return Verdict.LABELS[self.verdict]

    @property
    def css(self):
        return Verdict.CSS[self.verdict]

    @property
    def signed_by_portal(self):
        """Every signature valid, and at least one by a unit certificate of this portal."""
        return self.verdict == Verdict.VALID and any(s.unit_id for s in self.signatures)

    def as_json(self):
        return asdict(self)


def _common_name(cert):
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except (AttributeError, ValueError):
        return ""


def _check_one(embedded, units):
    name = str(embedded.sig_object.get("/Name", "") or "")
    reason = str(embedded.sig_object.get("/Reason", "") or "")
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=validation_context())
    except (SignatureValidationError, PdfError, ValueError, KeyError) as error:
        return SignatureCheck(verdict=Verdict.INVALID, name=name, reason=reason, detail=str(error)[:300])
    cert = status.signing_cert
    certificate = units.get(fingerprint(cert.dump())) if cert is not None else None
    when = None
    if status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    elif status.signer_reported_dt is not None:
        when = status.signer_reported_dt
    check = SignatureCheck(
        verdict=Verdict.VALID, signer=_common_name(cert) if cert is not None else "", name=name, reason=reason,
        unit_id=certificate.unit_id if certificate else None, unit=str(certificate.unit) if certificate else "",
        signed_at=when.isoformat() if when else "", timestamped=status.timestamp_validity is not None,
    )
    if not (status.intact and status.valid) or status.revoked:
        check.verdict = Verdict.INVALID
        check.detail = _("Chứng thư đã bị thu hồi.") if status.revoked else _("Nội dung đã ký không còn nguyên vẹn.")
    elif status.modification_level is None or status.modification_level > ModificationLevel.FORM_FILLING \
            or not status.docmdp_ok:
        check.verdict = Verdict.MODIFIED
    elif not status.trusted:
        check.verdict = Verdict.UNTRUSTED
    return check


@outside_event_loop
def pdf_verify(data: bytes) -> PdfCheck:
    """Check every signature of a PDF. Never raises on bad input: a corrupt or unreadable file
    is the UNREADABLE verdict with a message."""
    now = timezone.now().isoformat()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return PdfCheck(verdict=Verdict.UNREADABLE, checked_at=now,
                            message=_("Tệp PDF được đặt mật khẩu, không kiểm tra được chữ ký."))
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        logger.info("unreadable PDF: %s", error)
        return PdfCheck(verdict=Verdict.UNREADABLE, checked_at=now,
                        message=_("Tệp PDF hỏng hoặc không đúng định dạng PDF."))
    if not embedded:
        return PdfCheck(verdict=Verdict.UNSIGNED, checked_at=now)
    units = {c.fingerprint: c for c in UnitCertificate.objects.select_related("unit")}
    checks = []
    for signature in embedded:
        try:
            checks.append(_check_one(signature, units))
        except Exception as error:  # noqa: BLE001 — a hostile file must not break the page
            logger.warning("signature check failed: %r", error)
            checks.append(SignatureCheck(verdict=Verdict.INVALID, detail=_("Không kiểm tra được chữ ký.")))
    verdict = min((c.verdict for c in checks), key=Verdict.ORDER.index)
    return PdfCheck(verdict=verdict, signatures=checks, checked_at=now)


def check_from_json(value):
    if not value:
        return None
    return PdfCheck(verdict=value["verdict"], signatures=[SignatureCheck(**s) for s in value.get("signatures", [])],
                    message=value.get("message", ""), checked_at=value.get("checked_at", ""))
