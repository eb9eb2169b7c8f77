"""PAdES B-T against a real RFC 3161 timestamp server on loopback, and the remote-signing
interface against a real signing service on loopback."""

import base64
import io
import json
from http.server import BaseHTTPRequestHandler

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from portal.pdf import html_to_pdf
from portal.signatures.keys import SigningRefused, validation_context
from portal.signatures.models import UnitCertificate
from portal.signatures.signing import pdf_sign
from portal.signatures.verification import Verdict, pdf_verify
from tests.signatures.servers import serve, tsa_server, url_of


def test_with_a_tsa_the_signature_is_pades_b_t(unit_certificate, org, pki, settings):
    with tsa_server(pki.ca) as tsa:
        settings.SIGNING_TSA_URL = url_of(tsa, "/tsa")
        signed = pdf_sign(pdf=html_to_pdf("<p>Kết quả</p>"), unit=org.c1, signer_name="A", reason="r")
        assert tsa.handler.requests >= 1
    assert signed.timestamped
    embedded = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, signer_validation_context=validation_context(),
                                    ts_validation_context=validation_context())
    assert status.bottom_line and status.timestamp_validity is not None and status.timestamp_validity.trusted
    check = pdf_verify(signed.pdf)
    assert check.verdict == Verdict.VALID and check.signatures[0].timestamped


def test_an_unreachable_tsa_refuses_signing_with_a_message(unit_certificate, org, settings):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: nothing listens
    settings.SIGNING_TSA_TIMEOUT = 2
    with pytest.raises(SigningRefused, match="dấu thời gian không trả lời"):
        pdf_sign(pdf=html_to_pdf("<p>Kết quả</p>"), unit=org.c1, signer_name="A", reason="r")


@pytest.fixture
def signing_service(pki):
    """A remote signing service holding the unit's key: signs what the portal sends."""
    key = pki.other.key
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            signature = key.sign(base64.b64decode(body["data"]), ec.ECDSA(hashes.SHA256()))
            out = json.dumps({"signature": base64.b64encode(signature).decode()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    with serve(Handler) as server:
        server.seen = seen
        yield server


def test_remote_signing_backend_signs_with_a_key_the_portal_never_holds(pki, org, settings, signing_service):
    from cryptography.hazmat.primitives import serialization

    from portal.signatures.keys import fingerprint

    der = pki.other.cert.public_bytes(serialization.Encoding.DER)
    certificate = UnitCertificate.objects.create(
        unit=org.department, subject="Sở Tư pháp tỉnh Thử Nghiệm", issuer="Test", serial="1",
        fingerprint=fingerprint(der), not_before=pki.other.cert.not_valid_before_utc,
        not_after=pki.other.cert.not_valid_after_utc, sealed_key=b"", certificate_der=der,
        chain_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in pki.other.chain))
    settings.SIGNING_KEY_BACKEND = "portal.signatures.keys.RemoteSigningBackend"
    settings.SIGNING_REMOTE_URL = url_of(signing_service, "/sign")
    signed = pdf_sign(pdf=html_to_pdf("<p>Quyết định</p>"), unit=org.department, signer_name="B", reason="r",
                      certificate=certificate)
    assert signing_service.seen[-1]["certificate"] == certificate.fingerprint
    check = pdf_verify(signed.pdf)
    assert check.verdict == Verdict.VALID and check.signatures[0].unit_id == org.department.pk
