"""Demo signing material for `seed_demo`: a demo CA whose root joins the trust list (marked
demo), and a unit certificate (marked demo) for each unit whose leaders approve or whose
counter prints slips. Never for production: the demo CA's keys are thrown away after use."""

import secrets

from portal.models import Membership, Role, Unit

from .demo_ca import DemoCA
from .keys import certificate_upload, trust_anchor_add
from .models import UnitCertificate


def seed(stdout=None):
    signing_units = Unit.objects.filter(
        pk__in=Membership.objects.active().filter(role__in=[Role.LEADER, Role.CLERK]).values("unit"))
    missing = [unit for unit in signing_units if not UnitCertificate.objects.usable().filter(unit=unit).exists()]
    if not missing:
        if stdout:
            stdout.write("  demo unit certificates already present")
        return 0
    ca = DemoCA(name="Demo Root CA — Cổng dịch vụ công (THỬ NGHIỆM)")
    trust_anchor_add(pem_or_der=ca.root.pem(), name="Demo Root CA (thử nghiệm)", is_demo=True)
    for unit in missing:
        issued = ca.issue(f"{unit.name[:50]} (THỬ NGHIỆM)", organisation=unit.name)
        password = secrets.token_urlsafe(12)
        certificate_upload(unit=unit, data=issued.pkcs12(password), password=password, is_demo=True)
    if stdout:
        stdout.write(f"  {len(missing)} demo unit certificates (demo CA, trusted as demo root)")
    return len(missing)


def blank_pdf() -> bytes:
    """A one-page blank PDF with a correct cross-reference table: what the demo data attaches
    as scans, readable by the verification (a few bytes, no rendering)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
