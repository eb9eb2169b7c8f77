"""A small certificate authority made on the spot: the demo data's (`seed_demo`, marked demo,
never for production) and the tests'. Root → intermediate → unit certificates, optionally with
a CRL distribution point; CRLs listing revoked serials."""

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _cap(text, limit=64):
    """X.520 caps these attributes at 64 (counted in UTF-8 bytes by cryptography)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(common_name, organisation="Cổng dịch vụ công (thử nghiệm)"):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cap(organisation)),
        x509.NameAttribute(NameOID.COMMON_NAME, _cap(common_name)),
    ])


# keyCertSign and cRLSign only.
_CA_USAGE = x509.KeyUsage(False, False, False, False, False, True, True, False, False)


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _ski(key):
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


@dataclass
class Issued:
    key: object
    cert: x509.Certificate
    chain: list = field(default_factory=list)

    def pkcs12(self, password: str = "") -> bytes:
        encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                      else serialization.NoEncryption())
        return pkcs12.serialize_key_and_certificates(b"unit", self.key, self.cert, self.chain or None, encryption)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


class DemoCA:
    """Root and intermediate of a throw-away CA. `crl_url`, when given, is written into the
    certificates the intermediate issues (their CRL distribution point)."""

    def __init__(self, *, name="Demo Root CA", crl_url=None, now=None):
        self.now = now or datetime.datetime.now(datetime.UTC)
        self.crl_url = crl_url
        root_key = _key()
        root_name = _name(f"{name}")
        root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
                .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(self.now - datetime.timedelta(days=1))
                .not_valid_after(self.now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
                .add_extension(_CA_USAGE, critical=True)
                .add_extension(_ski(root_key), critical=False)
                .sign(root_key, hashes.SHA256()))
        self.root = Issued(root_key, root)
        inter_key = _key()
        inter = (x509.CertificateBuilder().subject_name(_name(f"{name} — Intermediate")).issuer_name(root_name)
                 .public_key(inter_key.public_key()).serial_number(x509.random_serial_number())
                 .not_valid_before(self.now - datetime.timedelta(days=1))
                 .not_valid_after(self.now + datetime.timedelta(days=3000))
                 .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                 .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                critical=True)
                 .add_extension(_ski(inter_key), critical=False)
                 .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                                critical=False)
                 .sign(root_key, hashes.SHA256()))
        self.intermediate = Issued(inter_key, inter, [root])
        self.revoked = []

    def issue(self, common_name, *, organisation="", days=730, not_before=None, key=None) -> Issued:
        """A unit's signing certificate issued by the intermediate."""
        key = key or _key()
        start = not_before or (self.now - datetime.timedelta(days=1))
        builder = (x509.CertificateBuilder().subject_name(_name(common_name, organisation or common_name))
                   .issuer_name(self.intermediate.cert.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                  critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                   .add_extension(_ski(key), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.intermediate.key.public_key()), critical=False))
        if self.crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(self.crl_url)], relative_name=None, reasons=None,
                crl_issuer=None)]), critical=False)
        cert = builder.sign(self.intermediate.key, hashes.SHA256())
        return Issued(key, cert, [self.intermediate.cert, self.root.cert])

    def issue_tsa(self, common_name="Demo Time-Stamping Authority") -> Issued:
        """An RFC 3161 time-stamping certificate (RSA, extended key usage timeStamping, critical)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.intermediate.cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(self.now - datetime.timedelta(days=1))
                .not_valid_after(self.now + datetime.timedelta(days=1000))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .add_extension(_ski(key), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate.key.public_key()), critical=False)
                .sign(self.intermediate.key, hashes.SHA256()))
        return Issued(key, cert, [self.intermediate.cert, self.root.cert])

    def revoke(self, issued: Issued):
        self.revoked.append(issued.cert.serial_number)

    def crl(self) -> bytes:
        """The intermediate's CRL (DER), valid for a week, listing `revoked`."""
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.intermediate.cert.subject)
                   .last_update(self.now - datetime.timedelta(hours=1))
                   .next_update(self.now + datetime.timedelta(days=7))
                   .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.intermediate.key.public_key()), critical=False))
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(self.now - datetime.timedelta(minutes=30)).build())
        return builder.sign(self.intermediate.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
