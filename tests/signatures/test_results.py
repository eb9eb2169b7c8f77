"""The leader's approval signs the result; an online return needs a signed result; the
dossier page and the citizen's page show each file's signature; refusals are messages."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from dossiers.models import Delivery, Outcome, Status
from portal.signatures.keys import certificate_upload, validation_context
from portal.signatures.models import UnitCertificate
from tests.helpers import real_pdf
from tests.workflow.test_policy import act, commune_dossier
from workflow.routing import services as wf


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _approved(org, leader, *, delivery=Delivery.ONLINE, upload=True):
    dossier = commune_dossier(org, delivery=delivery)
    if upload:
        wf.result_file_add(dossier=dossier, actor=leader, upload=real_pdf("quyet-dinh.pdf"))
    return wf.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED, note="Đủ điều kiện")


def test_approval_signs_the_result_with_the_unit_certificate_and_records_it(org, leader_c1, unit_certificate):
    dossier = _approved(org, leader_c1)
    result = dossier.files.get(kind="result")
    assert result.signed_by_portal and result.signature_verdict == "valid"
    with result.file.open("rb") as handle:
        data = handle.read()
    assert result.size == len(data)
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(embedded) == 1
    assert validate_pdf_signature(embedded[0], signer_validation_context=validation_context()).bottom_line
    assert embedded[0].sig_object["/Name"] == leader_c1.get_full_name()
    assert dossier.code in str(embedded[0].sig_object["/Reason"])
    event = dossier.events.get(transition="result_sign")
    assert event.actor == leader_c1 and event.unit == org.c1
    assert "quyet-dinh.pdf" in event.note and unit_certificate.serial in event.note


def test_result_uploaded_after_approval_is_signed_in_the_deciding_leaders_name(org, leader_c1, clerk,
                                                                                unit_certificate):
    dossier = _approved(org, leader_c1, upload=False)
    stored = wf.result_file_add(dossier=dossier, actor=clerk, upload=real_pdf("ban-sao.pdf"))
    assert stored.signed_by_portal
    assert stored.signature.signatures[0].name == leader_c1.get_full_name()
    assert dossier.events.get(transition="result_sign").actor == clerk


def test_online_return_needs_a_signed_result(org, leader_c1, clerk, pki):
    dossier = _approved(org, leader_c1)  # C1 has no certificate: approved, nothing signed
    assert not dossier.files.get(kind="result").signed_by_portal
    with pytest.raises(ValidationError, match="ký số hợp lệ"):
        wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)
    certificate_upload(unit=org.c1, data=pki.good.pkcs12("x"), password="x")
    wf.result_file_add(dossier=dossier, actor=clerk, upload=real_pdf("quyet-dinh-ky.pdf"))
    dossier = wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)
    assert dossier.status == Status.RETURNED


def test_online_return_refused_through_the_page_with_a_message(org, leader_c1, clerk, client_for, pki):
    dossier = _approved(org, leader_c1)
    response = act(client_for(clerk), dossier, "return", confirmed="1")
    assert response.status_code == 200 and "ký số hợp lệ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_counter_return_still_works_without_a_signature(org, leader_c1, clerk):
    dossier = _approved(org, leader_c1, delivery=Delivery.COUNTER)
    dossier = wf.dossier_return(dossier=dossier, clerk=clerk, collected_by="Hoàng Thị Lan", confirmed=True)
    assert dossier.status == Status.RETURNED


def test_expired_unit_certificate_blocks_the_approval_with_a_message(org, leader_c1, unit_certificate):
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(not_after=unit_certificate.not_before)
    dossier = commune_dossier(org, delivery=Delivery.ONLINE)
    wf.result_file_add(dossier=dossier, actor=leader_c1, upload=real_pdf())
    with pytest.raises(ValidationError, match="chưa có chứng thư số còn hiệu lực"):
        wf.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_certificate_revoked_by_its_ca_blocks_the_approval(org, leader_c1, pki):
    fresh = pki.ca.issue("UBND xã Mỹ Hà (2)")
    certificate_upload(unit=org.c1, data=fresh.pkcs12(), password="")
    pki.ca.revoke(fresh)
    try:
        dossier = commune_dossier(org, delivery=Delivery.ONLINE)
        wf.result_file_add(dossier=dossier, actor=leader_c1, upload=real_pdf())
        with pytest.raises(ValidationError, match="thu hồi"):
            wf.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED)
    finally:
        pki.ca.revoked.remove(fresh.cert.serial_number)


def test_corrupt_and_scripted_result_pdfs_are_refused_with_messages(org, leader_c1, client_for):
    dossier = commune_dossier(org)
    client = client_for(leader_c1)
    corrupt = SimpleUploadedFile("hong.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    response = act(client, dossier, "result", file=corrupt)
    assert response.status_code == 200 and "hỏng hoặc không phải PDF đọc được" in response.content.decode()
    scripted = SimpleUploadedFile("js.pdf", with_javascript(real_pdf().read()), content_type="application/pdf")
    response = act(client, dossier, "result", file=scripted)
    assert response.status_code == 200 and "chứa mã JavaScript" in response.content.decode()
    assert not dossier.files.filter(kind="result").exists()


def with_javascript(data):
    """The PDF with an OpenAction running JavaScript, added as an incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/OpenAction"] = generic.DictionaryObject({
        generic.NameObject("/S"): generic.NameObject("/JavaScript"),
        generic.NameObject("/JS"): generic.TextStringObject("app.alert(1)")})
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_dossier_page_and_citizen_page_show_the_signature(org, leader_c1, clerk, client_for, unit_certificate):
    dossier = _approved(org, leader_c1)
    page = client_for(leader_c1).get(reverse("workflow:dossier", args=[dossier.code])).content.decode()
    assert "Chữ ký hợp lệ" in page and "Ký bởi UBND xã Mỹ Hà" in page and leader_c1.get_full_name() in page


def test_uploaded_component_signed_elsewhere_is_shown_as_not_trusted(org, leader_c1, client_for, pki):
    from portal.pdf import html_to_pdf
    from portal.signatures.demo_ca import DemoCA
    from portal.signatures.signing import pdf_sign

    stranger = DemoCA(name="Unknown CA")
    issued = stranger.issue("Công ty ngoài")
    from portal.signatures.keys import trust_anchor_add

    anchor = trust_anchor_add(pem_or_der=stranger.root.pem(), name="tạm")
    foreign = certificate_upload(unit=org.c2, data=issued.pkcs12(), password="")
    signed = pdf_sign(pdf=html_to_pdf("<p>Hợp đồng</p>"), unit=org.c2, signer_name="Ai đó", reason="r",
                      certificate=foreign).pdf
    foreign.delete()
    anchor.delete()
    dossier = commune_dossier(org)
    stored = wf.result_file_add(dossier=dossier, actor=leader_c1,
                                upload=SimpleUploadedFile("ngoai.pdf", signed, content_type="application/pdf"))
    assert stored.signature_verdict == "untrusted" and not stored.signed_by_portal
    page = client_for(leader_c1).get(reverse("workflow:dossier", args=[dossier.code])).content.decode()
    assert "Chữ ký không thuộc danh sách tin cậy" in page and "Ký bởi Công ty ngoài" in page
