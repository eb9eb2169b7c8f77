"""Unit certificates: upload of a PKCS#12 file, the key sealed at rest, the trust list, and the
signing backends (where a signature's raw value is computed).

Backends (setting `SIGNING_KEY_BACKEND`, a dotted path to a `SigningBackend` subclass):
- `StoredKeyBackend` (default): the key uploaded in the PKCS#12 file, unsealed in memory for
  one signature.
- `RemoteSigningBackend`: a signing service holds the keys; the portal sends it the digest
  to sign (`SIGNING_REMOTE_URL`), see docs/signatures.md for the protocol.
- PKCS#11 (USB tokens, HSMs): a subclass of `SigningBackend` whose `signer` returns
  `pyhanko.sign.pkcs11.PKCS11Signer` for the certificate's key on the token (docs/signatures.md,
  "PKCS#11 plug-in point"). Nothing else in the portal changes.
"""

import asyncio
import base64
import hashlib
import json
import urllib.request
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .aio import outside_event_loop
from .models import TrustAnchor, UnitCertificate

PKCS12_MAX_BYTES = 64 * 1024


class SigningRefused(ValidationError):
    """A certificate that may not sign (expired, revoked, not yet valid, missing)."""


# --- sealing keys at rest -------------------------------------------------------------------

def _fernet():
    secret = settings.SIGNING_KEY_SECRET
    if not secret:
        raise SigningRefused(_("Chưa cấu hình khóa bảo vệ khóa ký (SIGNING_KEY_SECRET): không lưu, không dùng được "
                               "khóa ký của đơn vị."), code="no_secret")
    # Any string from the environment; HKDF turns it into the 32-byte key Fernet wants.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"portal-signing-keys", info=b"fernet").derive(
        secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken:
        raise SigningRefused(_("Không giải mã được khóa ký của đơn vị (khóa bí mật SIGNING_KEY_SECRET đã đổi?)."),
                             code="unsealable") from None


# --- the trust list -------------------------------------------------------------------------

def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(bytes(der)).hexdigest()


@lru_cache(maxsize=8)
def _configured_roots(paths):
    roots = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.pem")) + sorted(path.glob("*.crt")) if path.is_dir() else [path]
        for file in files:
            roots.append(load_cert_from_pemder(str(file)))
    return tuple(roots)


def trust_roots():
    """The configured trust list: PEM files of `SIGNING_TRUST_ROOTS` and the `TrustAnchor` rows."""
    roots = list(_configured_roots(tuple(settings.SIGNING_TRUST_ROOTS)))
    roots += [asn1_x509.Certificate.load(bytes(der)) for der in TrustAnchor.objects.values_list("certificate_der",
                                                                                                flat=True)]
    return roots


def trust_anchor_add(*, pem_or_der: bytes, name="", is_demo=False):
    cert = _load_any_certificate(pem_or_der)
    der = _der(cert)
    anchor, _created = TrustAnchor.objects.get_or_create(
        fingerprint=fingerprint(der),
        defaults={"name": name or cert.subject.rfc4514_string()[:255], "certificate_der": der,
                  "not_after": cert.not_valid_after_utc, "is_demo": is_demo})
    return anchor


def _load_any_certificate(data: bytes) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError:
        raise ValidationError(_("Tệp không phải là chứng thư số (PEM hoặc DER)."), code="bad_certificate") from None


def validation_context(*, fetch=None, other_certs=()):
    """Soft-fail revocation: a CRL or OCSP server that cannot be reached does not block, a
    certificate that the CRL lists as revoked does."""
    fetch = settings.SIGNING_FETCH_REVOCATION if fetch is None else fetch
    # requests, not aiohttp: each validation runs in its own short event loop (asyncio.run),
    # where aiohttp's sessions would be left unclosed.
    return ValidationContext(trust_roots=trust_roots(), other_certs=list(other_certs), allow_fetching=fetch,
                             revocation_mode="soft-fail",
                             fetcher_backend=RequestsFetcherBackend(per_request_timeout=settings.SIGNING_TSA_TIMEOUT))


@outside_event_loop
def check_certificate(cert, *, chain=()):
    """Refuse, with a message, a certificate that may not sign now: not yet valid, expired,
    revoked, or not issued under the trust list."""
    context = validation_context(other_certs=chain)
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except RevokedError:
        raise SigningRefused(_("Chứng thư số đã bị thu hồi, không được dùng để ký."), code="revoked") from None
    except ExpiredError:
        raise SigningRefused(_("Chứng thư số đã hết hạn, không được dùng để ký."), code="expired") from None
    except PathBuildingError:
        raise SigningRefused(_("Chứng thư số không do tổ chức nào trong danh sách tin cậy cấp."),
                             code="untrusted") from None
    except NotYetValidError:
        raise SigningRefused(_("Chứng thư số chưa đến ngày có hiệu lực."), code="not_yet_valid") from None
    except (InvalidCertificateError, PathValidationError) as error:
        raise SigningRefused(_("Chứng thư số không hợp lệ để ký: %(reason)s") % {"reason": error},
                             code="invalid") from None


# --- upload ---------------------------------------------------------------------------------

def _open_pkcs12(data: bytes, password: str):
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError:
        raise ValidationError(_("Không mở được tệp PKCS#12: mật khẩu không đúng hoặc tệp không phải PKCS#12 (.p12, "
                                ".pfx)."), code="bad_pkcs12") from None
    if key is None or cert is None:
        raise ValidationError(_("Tệp PKCS#12 phải chứa cả chứng thư số và khóa bí mật."), code="incomplete_pkcs12")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValidationError(_("Chỉ hỗ trợ khóa RSA hoặc ECDSA."), code="key_type")
    if key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != \
            cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
        raise ValidationError(_("Khóa bí mật không khớp với chứng thư số trong tệp."), code="key_mismatch")
    return key, cert, list(chain or [])


def _asn1(cert: x509.Certificate):
    return asn1_x509.Certificate.load(_der(cert))


def _common_name(name: x509.Name) -> str:
    cns = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return (cns[0].value if cns else name.rfc4514_string())[:255]


@transaction.atomic
def certificate_upload(*, unit, data: bytes, password: str, actor=None, is_demo=False):
    """Store a unit's certificate and key from a PKCS#12 file. Refused, with a message, when
    the file or its password is wrong, the key does not match, or the certificate may not
    sign now (expired, revoked, not under the trust list). The PKCS#12 is re-packed without
    its password and sealed; neither is kept in clear."""
    if not data:
        raise ValidationError(_("Chọn tệp PKCS#12 (.p12, .pfx)."), code="empty")
    if len(data) > PKCS12_MAX_BYTES:
        raise ValidationError(_("Tệp PKCS#12 quá lớn."), code="too_large")
    key, cert, chain = _open_pkcs12(data, password)
    check_certificate(_asn1(cert), chain=[_asn1(c) for c in chain])
    der = _der(cert)
    if UnitCertificate.objects.filter(fingerprint=fingerprint(der)).exists():
        raise ValidationError(_("Chứng thư số này đã được tải lên."), code="duplicate")
    bundle = pkcs12.serialize_key_and_certificates(b"unit", key, cert, chain or None,
                                                   serialization.NoEncryption())
    return UnitCertificate.objects.create(
        unit=unit, subject=_common_name(cert.subject), issuer=_common_name(cert.issuer),
        serial=format(cert.serial_number, "X")[:80], fingerprint=fingerprint(der),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        sealed_key=seal(bundle), certificate_der=der, is_demo=is_demo, uploaded_by=actor,
        chain_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in chain))


def certificate_retire(*, certificate, actor=None, revoked=False):
    now = timezone.now()
    if revoked:
        certificate.revoked_at = certificate.revoked_at or now
    certificate.retired_at = certificate.retired_at or now
    certificate.save(update_fields=["revoked_at", "retired_at"])
    return certificate


def certificate_for(unit, *, at=None):
    """The certificate a unit signs with now: its newest usable one, or None."""
    return UnitCertificate.objects.usable(at=at).filter(unit=unit).order_by("-not_after").first()


# --- signing backends -----------------------------------------------------------------------

class SigningBackend:
    """Where the raw signature of a unit certificate is computed. `signer` returns a pyHanko
    `Signer` carrying the certificate (and its chain) for `certificate`."""

    def signer(self, certificate: UnitCertificate) -> signers.Signer:
        raise NotImplementedError


class StoredKeyBackend(SigningBackend):
    def signer(self, certificate):
        try:
            return signers.SimpleSigner.load_pkcs12_data(unseal(certificate.sealed_key), other_certs=[])
        except ValueError:
            raise SigningRefused(_("Khóa ký của đơn vị không đọc được."), code="unreadable_key") from None


class RemoteSigner(signers.Signer):
    """A pyHanko signer whose raw signature comes from a signing service over HTTP(S): the
    portal POSTs JSON {"certificate": <SHA-256 fingerprint>, "digest_algorithm": "sha256",
    "data": <base64 of the signed attributes>} and expects {"signature": <base64>}. The
    service holds the key (an HSM, a national remote-signing platform); the portal holds the
    certificate only."""

    def __init__(self, *, url, certificate: UnitCertificate, timeout=20):
        self.url, self.fingerprint, self.timeout = url, certificate.fingerprint, timeout
        cert = asn1_x509.Certificate.load(bytes(certificate.certificate_der))
        registry = SimpleCertificateStore()
        registry.register_multiple(_asn1(c) for c in x509.load_pem_x509_certificates(certificate.chain_pem.encode())
                                   ) if certificate.chain_pem else None
        super().__init__(signing_cert=cert, cert_registry=registry)

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        if dry_run:
            return bytes(512)
        body = json.dumps({"certificate": self.fingerprint, "digest_algorithm": digest_algorithm,
                           "data": base64.b64encode(data).decode()}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                return base64.b64decode(json.load(response)["signature"])
        except (OSError, ValueError, KeyError) as error:
            raise SigningError(f"remote signing failed: {error}") from error


class RemoteSigningBackend(SigningBackend):
    def signer(self, certificate):
        if not settings.SIGNING_REMOTE_URL:
            raise ImproperlyConfigured("RemoteSigningBackend needs SIGNING_REMOTE_URL.")
        return RemoteSigner(url=settings.SIGNING_REMOTE_URL, certificate=certificate)


def backend() -> SigningBackend:
    return import_string(settings.SIGNING_KEY_BACKEND)()
