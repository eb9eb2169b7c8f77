"""Printed slips (Forms 01–05) are signed by the system with the unit's certificate; a reprint
of an unchanged slip is not signed twice; a unit without a certificate still prints."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.signatures.verification import Verdict, pdf_verify
from tests.workflow.test_policy import commune_dossier


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _signatures(data):
    return PdfFileReader(io.BytesIO(data)).embedded_signatures


def test_receipt_and_process_slip_are_signed_by_the_receiving_unit(org, clerk, client_for, unit_certificate):
    dossier = commune_dossier(org)
    client = client_for(clerk)
    for url, title in ((f"/dossiers/{dossier.code}/receipt.pdf", "mẫu 01"),
                       (f"/dossiers/{dossier.code}/process-slip.pdf", "mẫu 05")):
        response = client.get(url)
        assert response.status_code == 200
        data = b"".join(response) if response.streaming else response.content
        check = pdf_verify(data)
        assert check.verdict == Verdict.VALID and check.signatures[0].unit_id == org.c1.pk
        assert title in check.signatures[0].reason
    events = list(dossier.events.filter(transition="slip_sign").values_list("note", flat=True))
    assert len(events) == 2 and "mẫu 01" in events[0] and unit_certificate.serial in events[0]
    client.get(f"/dossiers/{dossier.code}/receipt.pdf")  # unchanged: the signed copy is reused
    assert dossier.events.filter(transition="slip_sign").count() == 2


def test_unit_without_certificate_prints_unsigned_slips(org, clerk, client_for, pki):
    dossier = commune_dossier(org)
    response = client_for(clerk).get(f"/dossiers/{dossier.code}/receipt.pdf")
    assert response.status_code == 200 and _signatures(response.content) == []
    assert not dossier.events.filter(transition="slip_sign").exists()


def test_apology_form_04_is_signed_by_the_apologising_unit(org, clerk, leader_c1, client_for, unit_certificate):
    import datetime

    from django.utils import timezone

    from tests.workflow.factories import ApologyFactory

    dossier = commune_dossier(org)
    now = timezone.now()
    ApologyFactory(dossier=dossier, unit=org.c1, number="12/PXL-UBND", old_due_at=now, reason="Cần xác minh",
                   new_due_at=now + datetime.timedelta(days=3), drafted_by=clerk, approved_by=leader_c1,
                   approved_at=now)
    response = client_for(clerk).get(f"/dossiers/{dossier.code}/apology.pdf")
    check = pdf_verify(response.content)
    assert check.verdict == Verdict.VALID and "mẫu 04" in check.signatures[0].reason
