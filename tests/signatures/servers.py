"""The outside systems of signing, as real servers on loopback: a CRL distribution point and
an RFC 3161 timestamp authority (pyHanko's own TSA logic behind an HTTP endpoint)."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


@contextmanager
def serve(handler_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_factory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def url_of(server, path="/"):
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"


@contextmanager
def crl_server(ca):
    """Serves `ca.crl()` at /intermediate.crl, built at each request (revocations show at once).
    The CA's `crl_url` must point here: start the server first, then set it."""

    class Handler(BaseHTTPRequestHandler):
        requests = 0

        def do_GET(self):  # noqa: N802
            Handler.requests += 1
            body = ca.crl()
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with serve(Handler) as server:
        server.handler = Handler
        yield server


def _asn1_cert(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@contextmanager
def tsa_server(ca):
    issued = ca.issue_tsa()
    key = asn1_keys.PrivateKeyInfo.load(issued.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    stamper = DummyTimeStamper(tsa_cert=_asn1_cert(issued.cert), tsa_key=key,
                               certs_to_embed=[_asn1_cert(c) for c in issued.chain])

    class Handler(BaseHTTPRequestHandler):
        requests = 0

        def do_POST(self):  # noqa: N802
            Handler.requests += 1
            length = int(self.headers.get("Content-Length", 0))
            try:
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                body = stamper.request_tsa_response(request).dump()
            except ValueError:
                self.send_response(400)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with serve(Handler) as server:
        server.handler = Handler
        server.certificate = issued
        yield server
