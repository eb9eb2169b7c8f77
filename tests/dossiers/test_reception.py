import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import CounterSlip, Dossier, StagedUpload
from tests.dossiers.factories import published_version

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def version(org):
    return published_version(processing_time=Decimal("3"),
                             components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"))


def form_data(version, token, **overrides):
    first, second = version.components.all()
    data = {
        "form_token": str(token),
        "action": "receive",
        "applicant_personal_id": "019190001234",
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_phone": "0987 654 321",
        "applicant_address": "Tổ 5, phường Mỹ Hà",
        "delivery": "counter",
        "sets_count": "1",
        f"c{first.pk}-received": "on", f"c{first.pk}-originals": "1",
        f"c{first.pk}-certified_copies": "0", f"c{first.pk}-photocopies": "0",
        f"c{second.pk}-received": "on", f"c{second.pk}-originals": "1",
        f"c{second.pk}-certified_copies": "0", f"c{second.pk}-photocopies": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def url(version):
    return reverse("workflow:receive", args=[version.procedure.national_code])


def test_pick_page_finds_the_procedure_without_accents(client_for, clerk, version):
    body = client_for(clerk).get(reverse("workflow:receive_pick"), {"q": "dang ky KHAI sinh"}).content.decode()
    assert url(version) in body


def test_walk_in_reception_creates_the_dossier_with_its_scans(client_for, clerk, version):
    import uuid

    client = client_for(clerk)
    assert client.get(url(version)).status_code == 200
    first, second = version.components.all()
    data = form_data(version, uuid.uuid4(), **{
        f"c{first.pk}-files": [SimpleUploadedFile("to-khai.pdf", PDF)],
        f"c{second.pk}-files": [SimpleUploadedFile("chung-sinh.jpg", JPEG)],
    })
    response = client.post(url(version), data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == reverse("workflow:dossier", args=[dossier.code])
    assert dossier.applicant_phone == "0987654321"
    assert sorted(f.content_type for f in dossier.files.all()) == ["application/pdf", "image/jpeg"]
    assert StagedUpload.objects.count() == 0


def test_errors_keep_everything_typed_and_uploaded(client_for, clerk, version):
    import uuid

    client = client_for(clerk)
    token = uuid.uuid4()
    first, second = version.components.all()
    bad = SimpleUploadedFile("chung-sinh.pdf", b"GIF89a not a pdf at all", content_type="application/pdf")
    response = client.post(url(version), form_data(version, token, applicant_name="", **{
        f"c{first.pk}-files": [SimpleUploadedFile("to-khai.pdf", PDF)],
        f"c{second.pk}-files": [bad],
    }))
    body = response.content.decode()
    assert response.status_code == 200
    assert Dossier.objects.count() == 0
    assert "không phải PDF, JPEG hoặc PNG" in body
    assert "Trường này là bắt buộc" in body or "This field is required" in body
    assert 'value="019190001234"' in body and 'value="Tổ 5, phường Mỹ Hà"' in body
    assert "to-khai.pdf" in body and "đã tải lên" in body
    # Second attempt: name fixed, only the missing scan uploaded; the first scan was kept.
    response = client.post(url(version), form_data(version, token, **{
        f"c{second.pk}-files": [SimpleUploadedFile("chung-sinh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)],
    }))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert sorted(f.original_name for f in dossier.files.all()) == ["chung-sinh.png", "to-khai.pdf"]


def test_oversized_file_is_refused_with_its_size(client_for, clerk, version, settings):
    import uuid

    settings.UPLOAD_MAX_BYTES = 100
    first, _second = version.components.all()
    response = client_for(clerk).post(url(version), form_data(version, uuid.uuid4(), **{
        f"c{first.pk}-files": [SimpleUploadedFile("lon.pdf", PDF + b"\0" * 200)]}))
    assert "vượt quá giới hạn" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_receiving_requires_a_scan_of_each_received_component(client_for, clerk, version):
    import uuid

    response = client_for(clerk).post(url(version), form_data(version, uuid.uuid4()))
    assert "Chưa quét giấy tờ: Tờ khai đăng ký khai sinh" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_request_completion_issues_form_02_without_consuming_a_code(client_for, clerk, version):
    import uuid

    first, second = version.components.all()
    client = client_for(clerk)
    response = client.post(url(version), form_data(
        version, uuid.uuid4(), action="completion", reason="Thiếu giấy chứng sinh bản chính.",
        **{f"c{second.pk}-received": None}))
    slip = CounterSlip.objects.get()
    assert response.status_code == 302 and response.url == reverse("dossiers:slip", args=[slip.pk])
    assert Dossier.objects.count() == 0
    assert [c["name"] for c in slip.missing_components] == ["Giấy chứng sinh"]
    pdf = client.get(reverse("dossiers:slip_pdf", args=[slip.pk])).content
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Trần Thị Bích Ngọc" in text and "Giấy chứng sinh" in text and slip.number in text


def test_refusal_needs_a_reason_then_issues_form_03(client_for, clerk, version):
    import uuid

    client = client_for(clerk)
    token = uuid.uuid4()
    response = client.post(url(version), form_data(version, token, action="refuse"))
    assert "Hãy ghi rõ lý do từ chối tiếp nhận" in response.content.decode()
    response = client.post(url(version), form_data(version, token, action="refuse",
                                                  reason="Không thuộc thẩm quyền giải quyết của UBND xã."))
    slip = CounterSlip.objects.get(kind=CounterSlip.Kind.REFUSAL)
    pdf = client.get(reverse("dossiers:slip_pdf", args=[slip.pk])).content
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền" in text


def test_other_commune_clerk_gets_404_on_the_slip(client_for, clerk, other_clerk, version, org):
    from dossiers.services import counter_slip_issue

    slip = counter_slip_issue(clerk=clerk, unit=org.c1, version=version, kind=CounterSlip.Kind.REFUSAL,
                              applicant={"applicant_name": "Lê Văn Cường"}, missing_components=[], reason="x")
    client = client_for(other_clerk)
    assert client.get(reverse("dossiers:slip", args=[slip.pk])).status_code == 404
    assert client.get(reverse("dossiers:slip_pdf", args=[slip.pk])).status_code == 404


def test_officer_cannot_use_the_counter(client_for, officer, version):
    assert client_for(officer).get(url(version)).status_code == 403


def test_unknown_procedure_is_404(client_for, clerk, org):
    assert client_for(clerk).get(reverse("workflow:receive", args=["9.999999"])).status_code == 404


def test_procedure_received_by_another_unit_is_404(client_for, clerk, org):
    version = published_version(code="2.000001", receiving_units=[org.c2])
    assert client_for(clerk).get(url(version)).status_code == 404


def test_applicant_lookup_fills_from_the_citizen_account(client_for, clerk, citizen):
    from django.utils import timezone

    from citizens.models import CitizenProfile

    CitizenProfile.objects.create(user=citizen, phone_verified_at=timezone.now())  # only verified data pre-fills
    response = client_for(clerk).get(reverse("workflow:applicant_lookup"),
                                     {"applicant_personal_id": citizen.personal_id})
    body = response.content.decode()
    assert citizen.full_name in body and citizen.phone in body
    assert "Đã điền thông tin đã có trong hệ thống" in body


def test_abandoned_staged_uploads_are_purged_after_a_day(clerk, version, time_machine):
    import datetime
    import uuid

    from dossiers.services import staged_upload_add
    from dossiers.tasks import purge_staged_uploads

    time_machine.move_to(datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC))
    old = staged_upload_add(token=uuid.uuid4(), user=clerk, requirement=version.components.first(),
                            upload=SimpleUploadedFile("cu.pdf", PDF))
    time_machine.move_to(datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC))
    fresh = staged_upload_add(token=uuid.uuid4(), user=clerk, requirement=version.components.first(),
                              upload=SimpleUploadedFile("moi.pdf", PDF))
    assert purge_staged_uploads.delay().get() == 1
    assert list(StagedUpload.objects.all()) == [fresh]
    assert not old.file.storage.exists(old.file.name)


def _one_paper_version(*, code, settled_on_spot, time_unit):
    from procedures.models import ProcedureVersion

    version = published_version(code=code, name="Chứng thực bản sao từ bản chính", time_unit=time_unit,
                                processing_time=Decimal("4"), components=("Bản chính giấy tờ",))
    ProcedureVersion.objects.filter(pk=version.pk).update(settled_on_spot=settled_on_spot)
    version.refresh_from_db()
    return version


def _settle_data(version):
    import uuid

    (component,) = version.components.all()
    return {
        "form_token": str(uuid.uuid4()), "action": "settle", "applicant_personal_id": "019190001234",
        "applicant_name": "Trần Thị Bích Ngọc", "applicant_phone": "0987654321", "delivery": "counter",
        "sets_count": "1", f"c{component.pk}-received": "on", f"c{component.pk}-originals": "1",
        f"c{component.pk}-certified_copies": "0", f"c{component.pk}-photocopies": "0",
        f"c{component.pk}-files": [SimpleUploadedFile("ban-chinh.pdf", PDF)],
    }


def test_procedure_marked_settled_on_the_spot_is_settled_and_returned_at_once(client_for, clerk, org):
    from dossiers.models import Status
    from procedures.models import TimeUnit

    version = _one_paper_version(code="2.000815", settled_on_spot=True, time_unit=TimeUnit.HOURS)
    client = client_for(clerk)
    assert 'data-testid="settle"' in client.get(url(version)).content.decode()
    response = client.post(url(version), _settle_data(version))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == reverse("workflow:dossier", args=[dossier.code])
    assert dossier.status == Status.RETURNED and dossier.returned_at is not None
    assert [e.transition for e in dossier.events.all()] == ["receive", "start_processing", "finish", "return_result"]
    assert not dossier.handoffs.exclude(state="done").exists()


def test_same_day_procedure_is_received_with_an_appointment_not_settled(client_for, clerk, org):
    """Same-day (birth registration): an appointment later that day, so no settle button, and
    a settle posted anyway is refused with everything kept."""
    from procedures.models import TimeUnit

    version = _one_paper_version(code="1.001193", settled_on_spot=False, time_unit=TimeUnit.SAME_DAY)
    client = client_for(clerk)
    assert 'data-testid="settle"' not in client.get(url(version)).content.decode()
    body = client.post(url(version), _settle_data(version)).content.decode()
    assert "Thủ tục này không giải quyết ngay tại quầy" in body
    assert "ban-chinh.pdf" in body and 'value="Trần Thị Bích Ngọc"' in body
    assert Dossier.objects.count() == 0


def test_missing_required_paper_is_refused_with_everything_kept(client_for, clerk, version):
    import uuid

    first, second = version.components.all()
    response = client_for(clerk).post(url(version), form_data(version, uuid.uuid4(), **{
        f"c{second.pk}-received": None, f"c{first.pk}-files": [SimpleUploadedFile("to-khai.pdf", PDF)]}))
    body = response.content.decode()
    assert "Thiếu giấy tờ bắt buộc: Giấy chứng sinh. Hãy yêu cầu bổ sung thay vì tiếp nhận." in body
    assert "to-khai.pdf" in body and 'value="019190001234"' in body
    assert Dossier.objects.count() == 0


def test_a_bad_file_and_the_checklist_problems_are_shown_together(client_for, clerk, version):
    import uuid

    first, second = version.components.all()
    bad = SimpleUploadedFile("to-khai.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    body = client_for(clerk).post(url(version), form_data(version, uuid.uuid4(), **{
        f"c{second.pk}-received": None, f"c{first.pk}-files": [bad]})).content.decode()
    assert "Có tệp không hợp lệ; các tệp hợp lệ đã được giữ lại." in body
    assert "Thiếu giấy tờ bắt buộc: Giấy chứng sinh" in body and "Chưa quét giấy tờ: Tờ khai đăng ký khai sinh" in body
    assert Dossier.objects.count() == 0


def test_posting_the_same_form_twice_receives_one_dossier(client_for, clerk, version):
    import uuid

    first, second = version.components.all()
    token = uuid.uuid4()

    def post():
        return client.post(url(version), form_data(version, token, **{
            f"c{first.pk}-files": [SimpleUploadedFile("to-khai.pdf", PDF)],
            f"c{second.pk}-files": [SimpleUploadedFile("chung-sinh.jpg", JPEG)]}))

    client = client_for(clerk)
    first_response, second_response = post(), post()
    dossier = Dossier.objects.get()
    assert first_response.url == second_response.url == reverse("workflow:dossier", args=[dossier.code])
    assert dossier.files.count() == 2 and dossier.handoffs.count() >= 1
    assert StagedUpload.objects.count() == 0
