"""Electronic declarations in the online wizard: one screen per section, pre-filled, saved
at every step with errors beside the field, no upload for the declared component, the
declaration stored on the dossier with its PDF."""

import pytest
from pypdf import PdfReader

from citizens import services
from citizens.models import OnlineDraft
from dossiers.models import Declaration
from procedures.eforms import library
from procedures.models import ComponentRequirement
from tests.citizens.conftest import online_version, png

pytestmark = pytest.mark.django_db

CHILD = {"f-child_name": "nguyễn an nhiên", "f-child_birth_date": "2026-11-20", "f-child_sex": "nu",
         "f-child_ethnicity": "01", "f-child_nationality": "VN", "f-child_birth_place": "Bệnh viện đa khoa tỉnh",
         "f-child_hometown": "Xã Mỹ Hà, tỉnh Ninh Bình"}
PARENTS = {"f-mother_name": "Trần Thị Mai", "f-mother_birth_date": "1995-03-02", "f-mother_ethnicity": "01",
           "f-mother_nationality": "VN", "f-mother_personal_id": "036195001234",
           "f-mother_residence-detail": "Thôn Đông", "f-mother_residence-commune": "Xã Mỹ Hà",
           "f-mother_residence-province": "Tỉnh Ninh Bình", "f-father_declared": "co",
           "f-father_name": "Nguyễn Văn Bình", "f-father_birth_date": "1993-07-15", "f-father_ethnicity": "01",
           "f-father_nationality": "VN", "f-declarant_name": "Trần Thị Mai",
           "f-declarant_personal_id": "036195001234", "f-declarant_relationship": "me", "f-copies": "1"}


def birth_version(org):
    version = online_version(org)
    ComponentRequirement.objects.filter(version=version, name="Tờ khai đăng ký khai sinh").update(
        eform=library.load("khai-sinh"))
    return version


def _start(client, citizen, version, org):
    draft = services.draft_start(citizen=citizen, version=version)
    applicant = services.applicant_initial(citizen)
    applicant["applicant_address"] = "Thôn Đông, xã Mỹ Hà"
    services.draft_save(draft=draft, step="applicant", data=applicant, unit=org.c1, next_step="form-1",
                        more={"delivery": {"delivery": "online"}})
    return draft


def test_wizard_adds_one_screen_per_section_prefilled_from_the_account(client_for, citizen, org):
    version = birth_version(org)
    client = client_for(citizen)
    draft = _start(client, citizen, version, org)
    response = client.get(f"/my/drafts/{draft.pk}/form-1/")
    assert response.status_code == 200
    assert "Người được khai sinh" in response.text and "Tờ khai điện tử" in response.text
    response = client.get(f"/my/drafts/{draft.pk}/form-2/")
    html = response.text
    assert citizen.personal_id in html and citizen.full_name.upper() in html  # the declarant, from the account
    assert 'value="VN" selected' in html  # nationality defaults to Việt Nam


def test_errors_are_shown_beside_the_field_and_everything_typed_is_kept(client_for, citizen, org):
    version = birth_version(org)
    client = client_for(citizen)
    draft = _start(client, citizen, version, org)
    bad = {**CHILD, "f-child_birth_date": "2099-01-01", "f-child_hometown": ""}
    response = client.post(f"/my/drafts/{draft.pk}/form-1/", bad)
    assert response.status_code == 400
    assert "không thể sau hôm nay" in response.text and "Vui lòng nhập quê quán." in response.text
    assert 'value="NGUYỄN AN NHIÊN"' in response.text and "Bệnh viện đa khoa tỉnh" in response.text
    draft.refresh_from_db()
    saved = draft.data["eforms"][str(version.components.get(name="Tờ khai đăng ký khai sinh").pk)]
    assert saved["child_birth_date"] == "2099-01-01" and saved["child_name"] == "NGUYỄN AN NHIÊN"
    assert draft.step == "applicant" or draft.step == "form-1"  # not moved on
    response = client.post(f"/my/drafts/{draft.pk}/form-1/", CHILD)
    assert response.status_code == 302 and response.url.endswith("/form-2/")


def test_online_birth_registration_with_eform_needs_no_declaration_upload(client_for, citizen, org, settings,
                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = birth_version(org)
    client = client_for(citizen)
    draft = _start(client, citizen, version, org)
    assert client.post(f"/my/drafts/{draft.pk}/form-1/", CHILD).status_code == 302
    assert client.post(f"/my/drafts/{draft.pk}/form-2/", PARENTS).status_code == 302
    birth_certificate = version.components.get(name="Giấy chứng sinh")
    response = client.post(f"/my/drafts/{draft.pk}/components/",
                           {"action": "next", f"files-{birth_certificate.pk}": png()})
    assert response.status_code == 302 and response.url.endswith("/review/")
    review = client.get(f"/my/drafts/{draft.pk}/review/")
    assert "NGUYỄN AN NHIÊN" in review.text and "Xem bản in tờ khai" in review.text
    requirement = version.components.get(name="Tờ khai đăng ký khai sinh")
    preview = client.get(f"/my/drafts/{draft.pk}/declarations/{requirement.pk}.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    response = client.post(f"/my/drafts/{draft.pk}/submit/", {"declaration": "on"})
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    dossier = declaration.dossier
    assert declaration.data["child_name"] == "NGUYỄN AN NHIÊN" and declaration.code == "HT-KHAI-SINH"
    assert declaration.definition["title"]["vi"] == "TỜ KHAI ĐĂNG KÝ KHAI SINH"  # the dossier keeps its form
    assert declaration.component.requirement == requirement
    assert declaration.file.component == declaration.component and declaration.file.content_type == "application/pdf"
    text = PdfReader(declaration.file.file.open("rb")).pages[0].extract_text()
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text and "NGUYỄN AN NHIÊN" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "04/2024/TT-BTP" in text
    assert dossier.files.count() == 2  # the declaration's PDF and the birth certificate, no upload of a form
    assert OnlineDraft.objects.get().state == OnlineDraft.State.SUBMITTED


def test_submission_refused_while_the_declaration_is_incomplete(client_for, citizen, org):
    version = birth_version(org)
    draft = _start(None, citizen, version, org)
    services.draft_save(draft=draft, step="delivery", data={"delivery": "online"})
    problems = services.draft_problems(draft)
    assert any("Tờ khai “TỜ KHAI ĐĂNG KÝ KHAI SINH” chưa khai đủ" in p for p in problems)
    assert not any("Tờ khai đăng ký khai sinh”." in p for p in problems)  # no upload asked for it


def test_second_declaration_is_prefilled_from_the_previous_one(client_for, citizen, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = birth_version(org)
    client = client_for(citizen)
    draft = _start(client, citizen, version, org)
    client.post(f"/my/drafts/{draft.pk}/form-1/", CHILD)
    client.post(f"/my/drafts/{draft.pk}/form-2/", PARENTS)
    birth_certificate = version.components.get(name="Giấy chứng sinh")
    client.post(f"/my/drafts/{draft.pk}/components/", {"action": "next", f"files-{birth_certificate.pk}": png()})
    client.post(f"/my/drafts/{draft.pk}/submit/", {"declaration": "on"})
    assert Declaration.objects.count() == 1
    second = services.draft_start(citizen=citizen, version=version)
    answers = second.data["eforms"][str(version.components.get(name="Tờ khai đăng ký khai sinh").pk)]
    assert answers["mother_name"] == "TRẦN THỊ MAI" and answers["mother_personal_id"] == "036195001234"
    assert "child_name" not in answers  # the child's data is never copied


def test_repeatable_group_and_file_attachment_inside_a_section(client_for, citizen, org, settings, tmp_path):
    """Household business: members as a repeatable group shown only for a household, the
    meeting minutes attached inside the same section."""
    settings.MEDIA_ROOT = tmp_path
    version = online_version(org, code="2.000720")
    requirement = version.components.get(name="Tờ khai đăng ký khai sinh")
    ComponentRequirement.objects.filter(pk=requirement.pk).update(eform=library.load("ho-kinh-doanh"))
    client = client_for(citizen)
    draft = _start(client, citizen, version, org)
    page = client.get(f"/my/drafts/{draft.pk}/form-3/")
    assert 'enctype="multipart/form-data"' in page.text and 'name="f-members-count" value="1"' in page.text
    response = client.post(f"/my/drafts/{draft.pk}/form-3/", {
        "f-household": "1", "f-members-count": "1", "f-members-0-name": "Trần Thị Mai",
        "f-members-0-birth_date": "1998-01-01", "f-members-0-personal_id": "019198001234",
        "f-members-0-nationality": "VN", "add_row": "members"})
    assert response.status_code == 200 and 'name="f-members-count" value="2"' in response.text
    assert 'value="Trần Thị Mai"' in response.text
    response = client.post(f"/my/drafts/{draft.pk}/form-3/", {
        "f-household": "1", "f-members-count": "2", "f-members-0-name": "Trần Thị Mai",
        "f-members-0-birth_date": "1998-01-01", "f-members-0-personal_id": "019198001234",
        "f-members-0-nationality": "VN", "f-members-1-name": "Nguyễn Văn Cường",
        "f-members-1-birth_date": "2030-01-01", "f-members-1-personal_id": "", "f-members-1-nationality": "VN",
        "f-meeting_minutes": png("bien-ban.png")})
    assert response.status_code == 400
    assert "không thể sau hôm nay" in response.text and "Vui lòng nhập số định danh cá nhân." in response.text
    assert "bien-ban.png" in response.text  # the attachment is kept, shown in the section
    draft.refresh_from_db()
    answers = draft.data["eforms"][str(requirement.pk)]
    assert [m["name"] for m in answers["members"]] == ["Trần Thị Mai", "Nguyễn Văn Cường"]
    assert answers["meeting_minutes"][0]["name"] == "bien-ban.png"
    assert draft.files.get().requirement == requirement
