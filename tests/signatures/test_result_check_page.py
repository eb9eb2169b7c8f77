"""The public "check a result" page: upload a PDF, see whether a unit of the portal signed it
and which dossier it is the result of, without personal data; bad files are messages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from dossiers.models import Delivery, Outcome
from tests.helpers import real_pdf
from tests.workflow.test_policy import commune_dossier
from workflow.routing import services as wf

URL = reverse("dossiers:result_check")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_result(org, leader_c1, unit_certificate):
    dossier = commune_dossier(org, delivery=Delivery.ONLINE, applicant_name="Hoàng Thị Lan")
    wf.result_file_add(dossier=dossier, actor=leader_c1, upload=real_pdf("giay-phep.pdf"))
    dossier = wf.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED)
    stored = dossier.files.get(kind="result")
    with stored.file.open("rb") as handle:
        return dossier, handle.read()


def _check(client, data, name="ket-qua.pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_signed_result_names_its_dossier_and_no_applicant(client, signed_result):
    dossier, data = signed_result
    response = _check(client, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chữ ký hợp lệ" in page and dossier.code in page and "Ủy ban nhân dân xã Mỹ Hà" in page
    assert "Hoàng Thị Lan" not in page and dossier.applicant_phone not in page


def test_modified_copy_is_reported_and_not_linked_to_the_dossier(client, signed_result):
    dossier, data = signed_result
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 20 20 200 200 re f"))
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject(
        (list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]) + [stream])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    text = _check(client, out.getvalue()).content.decode()
    assert "Tệp bị sửa đổi sau khi ký" in text and dossier.code not in text


def test_unsigned_corrupt_and_non_pdf_files_get_messages(client, db):
    assert "Không có chữ ký số" in _check(client, real_pdf().read()).content.decode()
    corrupt = _check(client, b"%PDF-1.7\nnot a pdf")
    assert corrupt.status_code == 200 and "hỏng hoặc không đúng định dạng" in corrupt.content.decode()
    not_pdf = _check(client, b"\x89PNG\r\n\x1a\n", name="anh.png")
    assert not_pdf.status_code == 400 and "không phải PDF" in not_pdf.content.decode()
    assert client.post(URL, {}).status_code == 400


def test_page_is_linked_from_home_and_answers_get(client, db):
    assert URL in client.get("/").content.decode()
    assert client.get(URL).status_code == 200


def test_checking_is_rate_limited(client, db):
    data = real_pdf().read()
    statuses = [_check(client, data).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
