import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Delivery
from tests.dossiers.factories import DossierFactory, published_version
from tests.helpers import assert_queries_do_not_grow
from workflow.reception.services import dossier_receive

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def received(org, clerk):
    version = published_version(processing_time=Decimal("3"), components=("Tờ khai đăng ký khai sinh",
                                                                            "Giấy chứng sinh"))
    return dossier_receive(
        clerk=clerk, unit=org.c1, version=version,
        applicant={"applicant_name": "Trần Thị Bích Ngọc", "applicant_personal_id": "019190001234",
                   "applicant_phone": "0987654321", "applicant_address": "Tổ 5, phường Mỹ Hà"},
        components=[{"requirement": c, "name": c.name, "originals": 1} for c in version.components.all()],
        files=[(0, SimpleUploadedFile("to-khai.pdf", PDF)), (1, SimpleUploadedFile("chung-sinh.pdf", PDF))],
        delivery=Delivery.COUNTER,
        received_at=datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC),  # 09:00 in Hà Nội
    )


def pdftotext(pdf):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())


def test_clerk_sees_dossier_detail_with_due_explanation(client_for, clerk, received):
    body = client_for(clerk).get(reverse("workflow:dossier", args=[received.code])).content.decode()
    assert received.code in body and "Trần Thị Bích Ngọc" in body
    assert 'data-testid="due-explanation"' in body


def test_clerk_of_another_commune_gets_404_on_dossier_files_and_slips(client_for, other_clerk, received):
    client = client_for(other_clerk)
    stored = received.files.first()
    assert client.get(reverse("workflow:dossier", args=[received.code])).status_code == 404
    assert client.get(reverse("workflow:dossier_file", args=[received.code, stored.pk])).status_code == 404
    assert client.get(reverse("workflow:receipt", args=[received.code])).status_code == 404


def test_citizen_who_does_not_own_the_dossier_gets_404(client_for, citizen, received):
    client = client_for(citizen)
    assert client.get(reverse("workflow:dossier", args=[received.code])).status_code == 404
    assert client.get(reverse("workflow:receipt", args=[received.code])).status_code == 404


def test_anonymous_is_sent_to_login_for_files(client, received):
    response = client.get(reverse("workflow:dossier_file", args=[received.code, received.files.first().pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_file_is_served_privately_to_the_clerk(client_for, clerk, received):
    response = client_for(clerk).get(reverse("workflow:dossier_file", args=[received.code, received.files.first().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_file_of_another_dossier_cannot_be_reached_through_this_one(client_for, clerk, received, org):
    other = DossierFactory(receiving_unit=org.c1)
    response = client_for(clerk).get(reverse("workflow:dossier_file", args=[other.code, received.files.first().pk]))
    assert response.status_code == 404


def test_receipt_pdf_has_the_form_01_content(client_for, clerk, received):
    response = client_for(clerk).get(reverse("workflow:receipt", args=[received.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert received.code in text
    assert "Trần Thị Bích Ngọc" in text
    assert "Tờ khai đăng ký khai sinh" in text and "Giấy chứng sinh" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23 tháng 11 năm 2026" in text
    assert "Nguyễn Thị Hoa" in text  # the receiving clerk signs


def test_public_lookup_shows_status_without_personal_data(client, received):
    response = client.post(reverse("dossiers:track"), {"code": received.code, "secret": received.lookup_pin})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="lookup-result"' in body
    assert "Đã tiếp nhận" in body
    assert "T*** T** B*** Ngọc" in body
    assert "Trần Thị Bích Ngọc" not in body and "019190001234" not in body and "0987654321" not in body


def test_qr_target_asks_for_the_check_digits(client, received):
    response = client.get(reverse("dossiers:qr", args=[received.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert received.code in body and 'data-testid="lookup-result"' not in body


def test_qr_target_with_the_secret_posted_shows_the_dossier(client, received):
    response = client.post(reverse("dossiers:qr", args=[received.code]),
                           {"code": received.code, "secret": received.lookup_pin.lower()})
    assert 'data-testid="lookup-result"' in response.content.decode()


def test_a_secret_in_the_url_is_ignored(client, received):
    # Secrets never travel in URLs (access logs, browser history, Referer): a GET only pre-fills.
    for url in (reverse("dossiers:track"), reverse("dossiers:qr", args=[received.code])):
        response = client.get(url, {"code": received.code, "secret": received.lookup_pin})
        body = response.content.decode()
        assert 'data-testid="lookup-result"' not in body and received.code in body
        assert f'value="{received.lookup_pin}"' not in body


@pytest.mark.parametrize("code, secret", [("H56-KHONG-CO", "4321"), ("<script>", "4321"), ("", ""), ("x" * 80, "12")])
def test_unknown_or_malformed_lookup_gets_a_friendly_message(client, db, code, secret):
    response = client.post(reverse("dossiers:track"), {"code": code, "secret": secret})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="lookup-result"' not in body
    assert "<script>" not in body


def test_wrong_check_digits_do_not_reveal_the_dossier(client, received):
    body = client.post(reverse("dossiers:track"), {"code": received.code, "secret": "0000000000"}).content.decode()
    assert "Không tìm thấy hồ sơ" in body and 'data-testid="lookup-result"' not in body


def test_lookup_is_rate_limited(client, received, time_machine):
    # Time stands still: the limit counts per window, and 31 requests must not straddle two.
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(30):
        client.get(reverse("dossiers:track"))
    response = client.post(reverse("dossiers:track"), {"code": received.code, "secret": received.lookup_pin})
    assert response.status_code == 429
    assert "Bạn tra cứu quá nhiều lần" in response.content.decode()


def test_counter_page_lists_todays_receptions_without_n_plus_one(client_for, clerk, org, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC))
    client = client_for(clerk)
    assert_queries_do_not_grow(
        make_rows=lambda n: DossierFactory.create_batch(n, receiving_unit=org.c1),
        fetch=lambda: client.get(reverse("dossiers:counter")),
    )


def test_counter_search_by_personal_id_is_scoped_to_the_unit(client_for, clerk, org):
    DossierFactory(receiving_unit=org.c2, applicant_personal_id="019190009999", applicant_name="Lê Văn Cường")
    mine = DossierFactory(receiving_unit=org.c1, applicant_personal_id="019190009999", applicant_name="Lê Văn Cường")
    body = client_for(clerk).get(reverse("dossiers:counter"), {"q": "019190009999"}).content.decode()
    assert mine.code in body
    assert body.count("Lê Văn Cường") == 1
