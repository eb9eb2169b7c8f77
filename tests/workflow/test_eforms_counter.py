"""The counter fills the same electronic declaration for a walk-in applicant: pre-filled from
the citizen's account when the ID number is known, checked on the server, stored with its PDF;
the officer sees and searches its data and exports it."""

import json

import pytest

from dossiers.models import Declaration, Dossier
from procedures.eforms import library
from procedures.models import ComponentRequirement
from tests.citizens.conftest import online_version, pdf
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _version(org):
    version = online_version(org)
    ComponentRequirement.objects.filter(version=version, name="Tờ khai đăng ký khai sinh").update(
        eform=library.load("khai-sinh"))
    return version


def _post(version, **extra):
    form = version.components.get(name="Tờ khai đăng ký khai sinh")
    certificate = version.components.get(name="Giấy chứng sinh")
    p = f"e{form.pk}"
    data = {
        "form_token": "2b1f0f3e-9f53-4a4e-9a57-6c1d1b7e0a11", "action": "receive",
        "applicant_name": "Trần Thị Mai", "applicant_personal_id": "036195001234", "applicant_phone": "0912345678",
        "applicant_address": "Thôn Đông", "delivery": "counter", "sets_count": "1",
        f"c{certificate.pk}-received": "on", f"c{certificate.pk}-originals": "1",
        f"c{certificate.pk}-certified_copies": "0", f"c{certificate.pk}-photocopies": "0",
        f"c{form.pk}-originals": "1", f"c{form.pk}-certified_copies": "0", f"c{form.pk}-photocopies": "0",
        f"c{certificate.pk}-files": pdf("giay-chung-sinh.pdf"),
        f"{p}-child_name": "Nguyễn An Nhiên", f"{p}-child_birth_date": "2026-11-20", f"{p}-child_sex": "nu",
        f"{p}-child_ethnicity": "01", f"{p}-child_nationality": "VN", f"{p}-child_birth_place": "Trạm y tế xã",
        f"{p}-child_hometown": "Ninh Bình", f"{p}-mother_name": "Trần Thị Mai", f"{p}-mother_birth_date": "1995-03-02",
        f"{p}-mother_ethnicity": "01", f"{p}-mother_nationality": "VN", f"{p}-mother_residence-detail": "Thôn Đông",
        f"{p}-mother_residence-commune": "Xã Mỹ Hà", f"{p}-mother_residence-province": "Tỉnh Ninh Bình",
        f"{p}-father_declared": "khong", f"{p}-declarant_name": "Trần Thị Mai",
        f"{p}-declarant_personal_id": "036195001234", f"{p}-declarant_relationship": "me", f"{p}-copies": "0",
    }
    data.update(extra)
    return data, p


def test_clerk_files_a_declaration_for_a_walk_in(client_for, clerk, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = _version(org)
    client = client_for(clerk)
    page = client.get(f"/counter/receive/{version.procedure.national_code}/")
    assert page.status_code == 200 and "Tờ khai điện tử" in page.text and "Người được khai sinh" in page.text
    data, p = _post(version)
    response = client.post(f"/counter/receive/{version.procedure.national_code}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    declaration = Declaration.objects.get()
    assert declaration.dossier == dossier and declaration.filled_by == clerk
    assert declaration.data["child_name"] == "NGUYỄN AN NHIÊN" and "father_name" not in declaration.data
    assert declaration.file.content_type == "application/pdf"
    # The officer's page shows the child's data; the counter search finds the dossier by it.
    detail = client.get(f"/dossiers/{dossier.code}/")
    assert "NGUYỄN AN NHIÊN" in detail.text and "Trạm y tế xã" in detail.text
    found = client.get("/counter/", {"q": "NGUYỄN AN NHIÊN"})
    assert dossier.code in found.text
    export = client.get(f"/dossiers/{dossier.code}/declarations.json")
    payload = json.loads(export.content)
    assert payload["declarations"][0]["data"]["child_name"] == "NGUYỄN AN NHIÊN"
    assert payload["declarations"][0]["definition"]["code"] == "HT-KHAI-SINH"


def test_invalid_declaration_at_the_counter_keeps_everything_and_receives_nothing(client_for, clerk, org, settings,
                                                                                  tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = _version(org)
    data, p = _post(version)
    data[f"{p}-child_birth_date"] = "2099-01-01"
    data[f"{p}-declarant_personal_id"] = "999195001234"
    response = client_for(clerk).post(f"/counter/receive/{version.procedure.national_code}/", data)
    assert response.status_code == 200
    assert "không thể sau hôm nay" in response.text and "3 chữ số đầu (999)" in response.text
    assert 'value="NGUYỄN AN NHIÊN"' in response.text and "Trạm y tế xã" in response.text
    assert not Dossier.objects.exists() and not Declaration.objects.exists()


def test_counter_prefills_the_declaration_from_the_citizen_account(client_for, clerk, org):
    version = _version(org)
    citizen = CitizenFactory(username="mai", full_name="Trần Thị Mai", personal_id="036195001234")
    data, p = _post(version, action="prefill")
    data[f"{p}-declarant_name"] = ""
    data[f"{p}-declarant_personal_id"] = ""
    response = client_for(clerk).post(f"/counter/receive/{version.procedure.national_code}/", data)
    assert response.status_code == 200
    assert 'value="TRẦN THỊ MAI"' in response.text and citizen.personal_id in response.text
    assert "Đã điền sẵn tờ khai từ tài khoản" in response.text
    assert not Dossier.objects.exists()
