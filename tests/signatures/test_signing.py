"""Signing PDFs with a unit certificate and verifying them with pyHanko's validator."""

import io

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from portal.pdf import html_to_pdf
from portal.signatures.keys import SigningRefused, certificate_upload, validation_context
from portal.signatures.signing import pdf_sign
from portal.signatures.verification import Verdict, pdf_verify


def _pdf(text="Quyết định cấp giấy phép"):
    return html_to_pdf(f"<html><body><h1>{text}</h1><p>Nội dung kết quả.</p></body></html>")


def test_signed_pdf_is_valid_pades_for_pyhanko_and_names_the_unit(unit_certificate, org):
    signed = pdf_sign(pdf=_pdf(), unit=org.c1, signer_name="Trần Văn Bình", reason="Kết quả hồ sơ X")

    embedded = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, signer_validation_context=validation_context())
    assert status.bottom_line, status.pretty_print_details()
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    check = pdf_verify(signed.pdf)
    assert check.verdict == Verdict.VALID
    assert check.signed_by_portal
    [sig] = check.signatures
    assert (sig.signer, sig.name, sig.unit_id) == ("UBND xã Mỹ Hà", "Trần Văn Bình", org.c1.pk)
    assert not sig.timestamped


def test_stamp_is_visible_on_the_last_page_with_name_unit_and_time(unit_certificate, org):
    signed = pdf_sign(pdf=_pdf(), unit=org.c1, signer_name="Trần Văn Bình", reason="r")
    reader = PdfFileReader(io.BytesIO(signed.pdf))
    page = reader.root["/Pages"]["/Kids"][-1].get_object()
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 30
    appearance = widgets[0]["/AP"]["/N"].get_object().data
    assert appearance  # drawn text, checked on screen in the report


def test_bytes_changed_after_signing_make_the_signature_invalid(unit_certificate, org):
    signed = pdf_sign(pdf=_pdf(), unit=org.c1, signer_name="A", reason="r").pdf
    index = signed.index(b"Contents") - 200  # a byte inside the signed range, outside /Contents
    tampered = signed[:index] + bytes([signed[index] ^ 0x01]) + signed[index + 1:]
    check = pdf_verify(tampered)
    assert check.verdict in (Verdict.INVALID, Verdict.UNREADABLE)


def test_content_added_after_signing_is_reported_as_modified(unit_certificate, org):
    signed = pdf_sign(pdf=_pdf(), unit=org.c1, signer_name="A", reason="r").pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _resources = writer.find_page_for_modification(0)
    from pyhanko.pdf_utils import generic

    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 50 50 Td (FAKE) Tj ET"))
    page = page_ref.get_object()
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject(
        (list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]) + [stream])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    check = pdf_verify(out.getvalue())
    assert check.verdict == Verdict.MODIFIED
    assert check.signatures[0].signer == "UBND xã Mỹ Hà"


def test_signature_of_a_ca_outside_the_trust_list_is_not_trusted(unit_certificate, org):
    from portal.signatures.models import TrustAnchor

    signed = pdf_sign(pdf=_pdf(), unit=org.c1, signer_name="A", reason="r").pdf
    TrustAnchor.objects.all().delete()
    assert pdf_verify(signed).verdict == Verdict.UNTRUSTED


def test_unsigned_corrupt_and_empty_pdfs_get_a_verdict_not_an_exception(db):
    assert pdf_verify(_pdf()).verdict == Verdict.UNSIGNED
    assert pdf_verify(b"%PDF-1.7\n garbage").verdict == Verdict.UNREADABLE
    assert pdf_verify(b"").verdict == Verdict.UNREADABLE
    assert pdf_verify(_pdf()[:400]).verdict == Verdict.UNREADABLE


def test_signing_a_corrupt_pdf_is_refused_with_a_message(unit_certificate, org):
    with pytest.raises(SigningRefused, match="hỏng"):
        pdf_sign(pdf=b"%PDF-1.4 not really", unit=org.c1, signer_name="A", reason="r")


def test_unit_without_certificate_cannot_sign(pki, org):
    with pytest.raises(SigningRefused, match="chưa có chứng thư"):
        pdf_sign(pdf=_pdf(), unit=org.c2, signer_name="A", reason="r")


def test_certificate_revoked_after_upload_cannot_sign(pki, org):
    from portal.signatures.demo_ca import DemoCA  # noqa: F401

    fresh = pki.ca.issue("Sẽ bị thu hồi")
    certificate = certificate_upload(unit=org.c2, data=fresh.pkcs12(), password="")
    pki.ca.revoke(fresh)
    try:
        with pytest.raises(SigningRefused, match="thu hồi"):
            pdf_sign(pdf=_pdf(), unit=org.c2, signer_name="A", reason="r", certificate=certificate)
    finally:
        pki.ca.revoked.remove(fresh.cert.serial_number)
