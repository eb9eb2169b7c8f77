"""A service test per shipped form: `declaration_create` checks the answers on the server,
keeps a copy of the definition, prints the PDF like the official form and attaches it to the
component; bad answers are refused field by field and nothing is stored."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from dossiers.declarations import declaration_create, declaration_initial
from dossiers.models import Declaration, DossierComponent, DossierFile
from procedures.eforms import library
from tests.dossiers.factories import DossierFactory
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"detail": "Số 12, tổ 3", "commune": "Phường Phan Đình Phùng", "province": "Tỉnh Thái Nguyên"}
ANSWERS = {
    "khai-sinh": {
        "child_name": "NGUYỄN AN NHIÊN", "child_birth_date": "2026-11-20", "child_sex": "nu", "child_ethnicity": "01",
        "child_nationality": "VN", "child_birth_place": "Bệnh viện A Thái Nguyên", "child_hometown": "Thái Nguyên",
        "mother_name": "TRẦN THỊ MAI", "mother_birth_date": "1995-03-02", "mother_ethnicity": "02",
        "mother_nationality": "VN", "mother_residence": ADDRESS, "father_declared": "co",
        "father_name": "NGUYỄN VĂN BÌNH", "father_birth_date": "1993-07-15", "father_ethnicity": "01",
        "father_nationality": "VN", "declarant_name": "TRẦN THỊ MAI", "declarant_personal_id": "019195001234",
        "declarant_relationship": "me", "copies": "1",
    },
    "ket-hon": {
        "bride_name": "TRẦN THỊ MAI", "bride_birth_date": "1998-01-01", "bride_ethnicity": "01",
        "bride_nationality": "VN", "bride_residence": ADDRESS, "bride_personal_id": "019198001234",
        "bride_marriage_count": "1", "groom_name": "NGUYỄN VĂN BÌNH", "groom_birth_date": "1996-01-01",
        "groom_ethnicity": "01", "groom_nationality": "VN", "groom_residence": ADDRESS,
        "groom_personal_id": "019096001234", "groom_marriage_count": "1",
    },
    "ly-lich-tu-phap": {
        "full_name": "NGUYỄN VĂN BÌNH", "sex": "nam", "birth_date": "1996-01-01", "birth_place": "Thái Nguyên",
        "nationality": "VN", "ethnicity": "01", "permanent_residence": ADDRESS, "personal_id": "019096001234",
        "phone": "0912345678", "father_name": "NGUYỄN VĂN AN", "mother_name": "LÊ THỊ HOA",
        "residence_history": [
            {"from_date": "2010-01-01", "to_date": "2014-06-30", "address": "Xã Mỹ Hà, Ninh Bình",
             "occupation": "Học sinh", "workplace": "Trường THPT Mỹ Hà"},
            {"from_date": "2014-07-01", "to_date": "2026-12-01", "address": "Phường Phan Đình Phùng, Thái Nguyên",
             "occupation": "Kỹ sư", "workplace": "Công ty ABC"},
        ],
        "certificate_type": "1", "ban_confirmation": True, "purpose": "Bổ sung hồ sơ xin việc", "copies": "2",
    },
    "ho-kinh-doanh": {
        "business_name": "HỘ KINH DOANH BÌNH AN", "business_address": ADDRESS, "activities": "Bán lẻ tạp hóa",
        "capital": "150000000", "employees": "2", "owner_name": "NGUYỄN VĂN BÌNH", "owner_birth_date": "1996-01-01",
        "owner_sex": "nam", "owner_nationality": "VN", "owner_ethnicity": "01", "owner_personal_id": "019096001234",
        "owner_residence": ADDRESS, "household": True,
        "members": [{"name": "Trần Thị Mai", "birth_date": "1998-01-01", "personal_id": "019198001234",
                     "nationality": "VN"}],
    },
}
EXPECTED_TEXT = {
    "khai-sinh": ["TỜ KHAI ĐĂNG KÝ KHAI SINH", "NGUYỄN AN NHIÊN", "Tày", "Người yêu cầu"],
    "ket-hon": ["TỜ KHAI ĐĂNG KÝ KẾT HÔN", "BÊN NỮ", "BÊN NAM",
                "Bên nữ (Ký, ghi rõ họ, chữ đệm, tên) TRẦN THỊ MAI Bên nam"],
    "ly-lich-tu-phap": ["TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "Mẫu số 03/2024/TT-LLTP", "06/2024/TT-BTP",
                        "Trường THPT Mỹ Hà", "Công ty ABC"],
    "ho-kinh-doanh": ["GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "HỘ KINH DOANH BÌNH AN", "Trần Thị Mai",
                      "02/2023/TT-BKHĐT"],
}
TODAY = datetime.date(2026, 12, 5)


def _dossier(org):
    dossier = DossierFactory(receiving_unit=org.c1)
    component = DossierComponent.objects.create(dossier=dossier, name="Tờ khai", originals=1)
    return dossier, component


@pytest.mark.parametrize("name", list(library.SHIPPED))
def test_each_shipped_form_is_stored_printed_and_attached(org, clerk, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    dossier, component = _dossier(org)
    definition = library.load(name)
    declaration = declaration_create(dossier=dossier, component=component, definition=definition,
                                     data=ANSWERS[name], actor=clerk, today=TODAY)
    assert declaration.definition == definition and declaration.code == definition["code"]
    assert declaration.file.component == component and declaration.file.kind == DossierFile.Kind.COMPONENT
    pages = PdfReader(declaration.file.file.open("rb")).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", *EXPECTED_TEXT[name]]:
        assert expected in text, expected
    assert declaration.search_text and ANSWERS[name][next(iter(ANSWERS[name]))] in declaration.search_text


def test_marriage_below_the_legal_age_is_refused_and_nothing_is_stored(org, clerk):
    dossier, component = _dossier(org)
    answers = {**ANSWERS["ket-hon"], "groom_birth_date": "2007-01-01"}
    with pytest.raises(ValidationError) as refused:
        declaration_create(dossier=dossier, component=component, definition=library.load("ket-hon"), data=answers,
                           actor=clerk, today=TODAY)
    assert "Nam từ đủ 20 tuổi" in refused.value.message_dict["groom_birth_date"][0]
    assert not Declaration.objects.exists() and not DossierFile.objects.exists()


def test_an_invalid_definition_is_refused(org, clerk):
    dossier, component = _dossier(org)
    definition = library.load("khai-sinh")
    definition["sections"] = []
    with pytest.raises(ValidationError):
        declaration_create(dossier=dossier, component=component, definition=definition, data={}, actor=clerk)


def test_a_component_of_another_dossier_is_refused(org, clerk):
    dossier, _component = _dossier(org)
    _other, foreign = _dossier(org)
    with pytest.raises(ValidationError):
        declaration_create(dossier=dossier, component=foreign, definition=library.load("khai-sinh"),
                           data=ANSWERS["khai-sinh"], actor=clerk, today=TODAY)


def test_initial_answers_come_from_the_account_and_the_previous_declaration(org, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    citizen = CitizenFactory(username="binh", full_name="Nguyễn Văn Bình", personal_id="019096001234")
    dossier, component = _dossier(org)
    dossier.citizen = citizen
    dossier.save()
    declaration_create(dossier=dossier, component=component, definition=library.load("ly-lich-tu-phap"),
                       data=ANSWERS["ly-lich-tu-phap"], actor=clerk, today=TODAY)
    initial = declaration_initial(citizen=citizen, definition=library.load("ly-lich-tu-phap"))
    assert initial["full_name"] == "NGUYỄN VĂN BÌNH" and initial["personal_id"] == "019096001234"
    assert len(initial["residence_history"]) == 2  # the residences since 14, from last time
    assert initial["certificate_type"] == "1" and "purpose" not in initial
