"""The administrator's screen: upload a unit's PKCS#12 (refusals as messages), expiry shown,
keys never readable back, only superusers."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.signatures.keys import unseal
from portal.signatures.models import UnitCertificate
from tests.factories import UserFactory
from tests.helpers import assert_queries_do_not_grow, pass_second_step

URL = reverse("signatures:certificates")


def _admin(client):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    pass_second_step(client, admin)  # issue 19: superusers pass the second sign-in step
    return admin


def _post(client, unit, data, password, name="don-vi.p12"):
    return client.post(URL, {"unit": unit.pk, "password": password,
                             "file": SimpleUploadedFile(name, data, content_type="application/x-pkcs12")})


def test_admin_uploads_a_certificate_sealed_and_never_shown(client, org, pki):
    admin = _admin(client)
    response = _post(client, org.c1, pki.good.pkcs12("Bi-Mat-123"), "Bi-Mat-123")
    assert response.status_code == 302
    certificate = UnitCertificate.objects.get()
    assert certificate.unit == org.c1 and certificate.uploaded_by == admin and certificate.subject == "UBND xã Mỹ Hà"
    assert b"Bi-Mat-123" not in bytes(certificate.sealed_key)
    assert b"PRIVATE" not in bytes(certificate.sealed_key)
    assert unseal(certificate.sealed_key)  # opens with SIGNING_KEY_SECRET only
    page = client.get(URL).content.decode()
    assert "UBND xã Mỹ Hà" in page and certificate.not_after.astimezone().strftime("%d/%m/%Y") in page
    assert "Bi-Mat-123" not in page and "BEGIN" not in page


def test_refusals_are_messages_on_the_form(client, org, pki):
    _admin(client)
    cases = [
        (pki.good.pkcs12("dung"), "sai", "mật khẩu không đúng"),
        (b"not a pkcs12 file", "", "mật khẩu không đúng hoặc tệp không phải PKCS#12"),
        (pki.expired.pkcs12("x"), "x", "hết hạn"),
        (pki.revoked.pkcs12("x"), "x", "thu hồi"),
    ]
    for data, password, message in cases:
        response = _post(client, org.c1, data, password)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not UnitCertificate.objects.exists()


def test_certificate_of_a_ca_outside_the_trust_list_is_refused(client, org, pki):
    from portal.signatures.demo_ca import DemoCA

    _admin(client)
    response = _post(client, org.c1, DemoCA(name="Other").issue("X").pkcs12(""), "")
    assert response.status_code == 400 and "danh sách tin cậy" in response.content.decode()


def test_expiring_certificate_is_flagged_and_retire_stops_signing(client, org, unit_certificate):
    _admin(client)
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(
        not_after=timezone.now() + datetime.timedelta(days=12, hours=1))
    assert "Còn 12 ngày" in client.get(URL).content.decode()
    client.post(reverse("signatures:certificate_retire", args=[unit_certificate.pk]), {"revoked": "1"})
    unit_certificate.refresh_from_db()
    assert unit_certificate.revoked_at and not unit_certificate.usable
    assert "Bị thu hồi" in client.get(URL).content.decode()


def test_trust_anchor_upload_and_bad_file(client, org, db):
    from portal.signatures.demo_ca import DemoCA
    from portal.signatures.models import TrustAnchor

    _admin(client)
    ca = DemoCA(name="Root quốc gia (thử)")
    bad = client.post(reverse("signatures:trust_add"), {"file": SimpleUploadedFile("x.pem", b"garbage")})
    assert bad.status_code == 400 and "không phải là chứng thư số" in bad.content.decode()
    client.post(reverse("signatures:trust_add"), {"file": SimpleUploadedFile("root.pem", ca.root.pem()),
                                                  "name": "Root quốc gia"})
    assert TrustAnchor.objects.get().name == "Root quốc gia"


def test_only_superusers_reach_the_screen(client, clerk, leader_c1):
    assert client.get(URL).status_code == 302
    for user in (clerk, leader_c1):
        client.force_login(user)
        pass_second_step(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {}).status_code == 403


def test_list_queries_do_not_grow_with_certificates(client, org, pki):
    from portal.signatures.keys import seal

    _admin(client)
    made = []

    def make_rows(n):
        for _i in range(n):
            issued = pki.ca.issue(f"Đơn vị {len(made)}")
            UnitCertificate.objects.create(
                unit=org.c1, subject=f"Đơn vị {len(made)}", issuer="Test", serial=str(len(made)),
                fingerprint=f"{len(made):064d}", not_before=timezone.now(),
                not_after=timezone.now() + datetime.timedelta(days=100), sealed_key=seal(b"x"),
                certificate_der=issued.cert.public_bytes(__import__("cryptography").hazmat.primitives.serialization
                                                         .Encoding.DER))
            made.append(issued)

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(URL))
