"""Issue 19, item 3: uploaded files are served as sandboxed attachments, and files that could run
a script are refused at upload."""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.uploads import inspect_upload
from tests.dossiers.test_pages import PDF, received  # noqa: F401  (fixture)


def png(*, text=b""):
    """A real 1x1 PNG, optionally carrying `text` in a tEXt chunk (where a polyglot hides a page)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    body = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    if text:
        body += chunk(b"tEXt", b"Comment\x00" + text)
    body += chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def test_an_uploaded_file_is_an_attachment_with_nosniff_and_a_sandbox(client_for, clerk, received):  # noqa: F811
    response = client_for(clerk).get(reverse("workflow:dossier_file", args=[received.code, received.files.first().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_the_citizen_also_gets_an_attachment(client_for, citizen, received):  # noqa: F811
    received.citizen = citizen
    received.save(update_fields=["citizen"])
    stored = received.files.first()
    response = client_for(citizen).get(reverse("citizens:dossier_file", args=[received.code, stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_only_a_pdf_the_portal_generated_opens_inline(client_for, clerk, received):  # noqa: F811
    generated = received.files.first()
    generated.portal_generated = True
    generated.save(update_fields=["portal_generated"])
    response = client_for(clerk).get(reverse("workflow:dossier_file", args=[received.code, generated.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content", [
    png(text=b"<html><body><script>fetch('/api/')</script></body></html>"),
    b"%PDF-1.4\n<html><script>alert(document.cookie)</script>\n1 0 obj<<>>endobj\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj<<>>endobj\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>\n%%EOF\n",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 4000 + b"<script>alert(1)</script>",
], ids=["png-with-page", "pdf-with-page", "pdf-with-svg", "jpeg-with-script-far-in"])
def test_html_and_svg_polyglots_are_refused_at_upload(content):
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("anh.png", content))
    assert error.value.code == "polyglot"
    assert "anh.png" in error.value.messages[0] and "HTML, SVG" in error.value.messages[0]


def test_a_pdf_with_a_launch_action_is_refused_at_upload():
    launch = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/Launch/F(cmd.exe)>>>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("don.pdf", launch))
    assert error.value.code == "active_content"


def test_an_svg_is_not_an_accepted_type():
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("anh.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    assert error.value.code == "bad_type"


def test_clean_files_pass():
    assert inspect_upload(SimpleUploadedFile("anh.png", png(text=b"scanner 3000")))[0] == "image/png"
    assert inspect_upload(SimpleUploadedFile("to-khai.pdf", PDF))[0] == "application/pdf"
