import datetime

import pytest
from django.urls import reverse

from portal.models import Role
from procedures.models import Procedure, ProcedureVersion
from tests.factories import level, staff
from tests.helpers import assert_queries_do_not_grow

from .factories import FieldFactory, LegalDocumentFactory, VersionFactory, complete_version, published_version

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def v1(org):
    return published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])


EDITOR_URLS = [
    ("procedures:manage", []),
    ("procedures:create", []),
    ("procedures:legal_report", []),
    ("procedures:import", []),
    ("procedures:export", []),
    ("procedures:version", ["1.001193", 1]),
    ("procedures:history", ["1.001193", 1]),
    ("procedures:legal_documents", []),
    ("procedures:legal_document_create", []),
]


@pytest.mark.parametrize("name,args", EDITOR_URLS)
def test_anonymous_users_are_sent_to_login(client, v1, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name,args", EDITOR_URLS)
@pytest.mark.parametrize("who", ["citizen", "clerk", "supervisor"])
def test_non_editors_are_refused(client_for, v1, request, who, name, args):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("name", ["procedures:publish", "procedures:duplicate", "procedures:retire"])
def test_clerk_cannot_post_editor_actions(client_for, clerk, v1, name):
    assert client_for(clerk).post(reverse(name, args=["1.001193", 1])).status_code == 403
    assert ProcedureVersion.objects.count() == 1


def test_editor_of_a_district_does_not_see_province_procedures(client_for, org, v1):
    district_editor = staff(Role.EDITOR, org.d1, username="editor_d1")
    client = client_for(district_editor)
    assert "Đăng ký khai sinh" not in client.get(reverse("procedures:manage")).content.decode()
    assert client.get(reverse("procedures:version", args=["1.001193", 1])).status_code == 404
    assert client.post(reverse("procedures:duplicate", args=["1.001193", 1])).status_code == 404
    Procedure.objects.filter(pk=v1.procedure_id).update(managing_unit=org.c1)
    assert client.get(reverse("procedures:version", args=["1.001193", 1])).status_code == 200


def test_editor_list_filters_and_query_count(client_for, editor, org):
    client = client_for(editor)
    counter = iter(range(1000))

    def make_rows(n):
        for _ in range(n):
            i = next(counter)
            published_version(code=f"1.{i + 400000:06d}", name=f"Thủ tục biên tập {i}", receiving=[org.c1])

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(reverse("procedures:manage")))
    content = client.get(reverse("procedures:manage"), {"q": "bien tap 3"}).content.decode()
    assert "Thủ tục biên tập 3" in content and "Thủ tục biên tập 4" not in content
    assert client.get(reverse("procedures:manage"), {"status": "bogus", "field": "x"}).status_code == 200


def _version_post(version=None, **overrides):
    """The whole version page as the browser posts it."""
    data = {
        "version-name": "Đăng ký khai sinh lưu động",
        "version-authority_level": level("commune").pk,
        "version-effective_from": TODAY.isoformat(),
        "version-online_level": 3,
        "version-time_unit": "working_days",
        "version-processing_time": "3",
        "version-supplement_clock_rule": "pause",
        "version-supplement_window_days": "3",
        "version-fee_payment": "before",
    }
    for prefix in ("components", "steps", "methods", "fees"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
                     f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(overrides)
    return data


def test_editor_creates_edits_and_publishes_a_procedure(client_for, editor, org):
    client = client_for(editor)
    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    doc = LegalDocumentFactory(number="60/2014/QH13")
    data = {"procedure-national_code": "1.009001", "procedure-field": field.pk, "procedure-managing_unit": ""}
    data.update({k: v for k, v in _version_post().items() if k.startswith("version-")})
    data["version-receiving_units"] = [org.c1.pk]
    data["version-legal_documents"] = [doc.pk]
    response = client.post(reverse("procedures:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version = ProcedureVersion.objects.get(procedure__national_code="1.009001")
    assert response["Location"] == reverse("procedures:version", args=["1.009001", 1])
    assert version.created_by == editor and version.is_draft

    page = client.get(response["Location"]).content.decode()
    assert "Thủ tục phải có ít nhất một thành phần hồ sơ." in page

    rows = _version_post(**{
        "version-receiving_units": [org.c1.pk], "version-legal_documents": [doc.pk],
        "components-TOTAL_FORMS": "1", "components-0-order": "1", "components-0-name": "Tờ khai đăng ký khai sinh",
        "components-0-originals": "1", "components-0-certified_copies": "0", "components-0-photocopies": "0",
        "components-0-is_required": "on", "components-0-accepted_types": "pdf, .JPG",
        "steps-TOTAL_FORMS": "3",
        "steps-0-order": "1", "steps-0-is_counter": "on", "steps-0-action": "Tiếp nhận", "steps-0-budget": "0.5",
        "steps-1-order": "2", "steps-1-handler_level": level("commune").pk, "steps-1-action": "Thẩm định",
        "steps-1-budget": "2",
        "steps-2-order": "3", "steps-2-is_counter": "on", "steps-2-action": "Trả kết quả", "steps-2-budget": "0.5",
    })
    response = client.post(reverse("procedures:version", args=["1.009001", 1]), rows)
    assert response.status_code == 302, response.content.decode()[:5000]
    version.refresh_from_db()
    assert version.name == "Đăng ký khai sinh lưu động"
    assert version.components.get().accepted_types == "pdf,jpg"
    assert version.steps.count() == 3

    response = client.post(reverse("procedures:publish", args=["1.009001", 1]), follow=True)
    assert "Đã công bố phiên bản 1." in response.content.decode()
    version.refresh_from_db()
    assert version.status == "published"
    assert client.get("/procedures/", {"q": "dang ky khai sinh luu dong"}).content.decode().count(
        "Đăng ký khai sinh lưu động") >= 1

    history = client.get(reverse("procedures:history", args=["1.009001", 1])).content.decode()
    assert editor.get_full_name() in history
    assert "Tạo" in history and "Tờ khai đăng ký khai sinh" in history
    assert "Trạng thái" in history and "Đã công bố" in history


def test_bad_input_keeps_what_was_typed_and_explains(client_for, editor, org):
    client = client_for(editor)
    version = VersionFactory(number=1, effective_from=TODAY)
    code = version.procedure.national_code
    rows = _version_post(**{
        "version-name": "Tên mới chưa lưu",
        "version-processing_time": "abc",
        "steps-TOTAL_FORMS": "1", "steps-0-order": "1", "steps-0-action": "Bước không có nơi xử lý",
        "steps-0-budget": "1",
    })
    response = client.post(reverse("procedures:version", args=[code, 1]), rows)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tên mới chưa lưu" in content and "Bước không có nơi xử lý" in content
    assert "Chọn nơi xử lý bước này" in content
    assert "Chưa lưu được" in content
    version.refresh_from_db()
    assert version.name != "Tên mới chưa lưu"


def test_duplicate_code_is_refused_with_a_message(client_for, editor, v1):
    client = client_for(editor)
    data = {"procedure-national_code": "1.001193", "procedure-field": v1.procedure.field_id}
    data.update({k: v for k, v in _version_post().items() if k.startswith("version-")})
    response = client.post(reverse("procedures:create"), data)
    assert response.status_code == 200
    assert Procedure.objects.count() == 1
    content = response.content.decode()
    assert "1.001193" in content and ("đã có" in content or "đã tồn tại" in content)


def test_publish_with_problems_shows_them(client_for, editor, org):
    client = client_for(editor)
    version = VersionFactory(number=1, effective_from=TODAY)
    complete_version(version, receiving=[org.c1], budgets=("1", "1"))
    code = version.procedure.national_code
    response = client.post(reverse("procedures:publish", args=[code, 1]), follow=True)
    assert "Tổng thời gian các bước (2) khác thời hạn giải quyết (3)." in response.content.decode()
    version.refresh_from_db()
    assert version.is_draft


def test_new_version_from_published_then_retire(client_for, editor, v1):
    client = client_for(editor)
    response = client.post(reverse("procedures:duplicate", args=["1.001193", 1]))
    assert response["Location"] == reverse("procedures:version", args=["1.001193", 2])
    assert v1.procedure.versions.count() == 2
    response = client.post(reverse("procedures:retire", args=["1.001193", 1]), {"on": TODAY.isoformat()}, follow=True)
    assert "Đã bãi bỏ phiên bản 1." in response.content.decode()
    assert client.get("/procedures/1.001193/").status_code == 404
    response = client.post(reverse("procedures:retire", args=["1.001193", 1]), {"on": "not a date"}, follow=True)
    assert "Ngày bãi bỏ không hợp lệ." in response.content.decode()


def test_published_version_page_is_read_only(client_for, editor, v1):
    client = client_for(editor)
    content = client.get(reverse("procedures:version", args=["1.001193", 1])).content.decode()
    assert "Tạo phiên bản mới" in content and "Lưu bản nháp" not in content
    assert client.post(reverse("procedures:version", args=["1.001193", 1]), {}).status_code == 405


def test_legal_basis_report_lists_procedures_on_expired_or_replaced_documents(client_for, editor, org, v1):
    new = LegalDocumentFactory(number="04/2020/TT-BTP")
    old = LegalDocumentFactory(number="15/2015/TT-BTP", expired_on=datetime.date(2020, 7, 16), replaced_by=new)
    affected = published_version(code="1.004837", name="Đăng ký giám hộ", receiving=[org.c1])
    affected.legal_documents.add(old)
    content = client_for(editor).get(reverse("procedures:legal_report")).content.decode()
    assert "Đăng ký giám hộ" in content and "15/2015/TT-BTP" in content and "04/2020/TT-BTP" in content
    assert "Đăng ký khai sinh" not in content


def test_editor_records_that_a_legal_document_was_replaced(client_for, editor, v1):
    client = client_for(editor)
    response = client.post(reverse("procedures:legal_document_create"), {
        "number": "04/2020/TT-BTP", "title": "Thông tư hướng dẫn Luật Hộ tịch", "issuer": "Bộ Tư pháp",
        "issued_on": "2020-05-28", "effective_from": "2020-07-16",
    })
    assert response.status_code == 302
    old = v1.legal_documents.get()
    response = client.post(reverse("procedures:legal_document_edit", args=[old.pk]), {
        "number": old.number, "title": old.title, "issuer": old.issuer, "effective_from": "2016-01-01",
        "expired_on": "2015-01-01", "replaced_by": LegalDocumentFactory(number="04/2020/TT-BTP").pk,
    })
    assert response.status_code == 200
    assert "Ngày hết hiệu lực phải sau ngày có hiệu lực." in response.content.decode()
    response = client.post(reverse("procedures:legal_document_edit", args=[old.pk]), {
        "number": old.number, "title": old.title, "issuer": old.issuer, "effective_from": "2016-01-01",
        "expired_on": "2020-07-16", "replaced_by": LegalDocumentFactory(number="04/2020/TT-BTP").pk,
    })
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.history.latest().history_user == editor
    listing = client.get(reverse("procedures:legal_documents"), {"q": old.number}).content.decode()
    assert "Được thay thế bởi 04/2020/TT-BTP" in listing
    assert "Đăng ký khai sinh" in client.get(reverse("procedures:legal_report")).content.decode()


def test_a_district_editor_must_name_a_managing_unit(client_for, org):
    district_editor = staff(Role.EDITOR, org.d1, username="editor_d1")
    client = client_for(district_editor)
    data = {"procedure-national_code": "1.009002", "procedure-field": FieldFactory().pk,
            "procedure-managing_unit": ""}
    data.update({k: v for k, v in _version_post().items() if k.startswith("version-")})
    response = client.post(reverse("procedures:create"), data)
    assert response.status_code == 200 and not Procedure.objects.exists()
    data["procedure-managing_unit"] = org.province.pk  # above the editor: not offered
    assert client.post(reverse("procedures:create"), data).status_code == 200
    data["procedure-managing_unit"] = org.c1.pk
    assert client.post(reverse("procedures:create"), data).status_code == 302
    assert client.get(reverse("procedures:version", args=["1.009002", 1])).status_code == 200


def test_form_template_upload_accepts_documents_only(client_for, editor, org, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor)
    version = VersionFactory(number=1, effective_from=TODAY)
    code = version.procedure.national_code
    row = {"components-TOTAL_FORMS": "1", "components-0-order": "1", "components-0-name": "Tờ khai",
           "components-0-originals": "1", "components-0-certified_copies": "0", "components-0-photocopies": "0",
           "components-0-accepted_types": "pdf"}
    bad = client.post(reverse("procedures:version", args=[code, 1]),
                      {**_version_post(**row), "components-0-form_template": SimpleUploadedFile("x.html", b"<script>")})
    assert "Mẫu đơn phải là tệp" in bad.content.decode()
    upload = SimpleUploadedFile("to-khai.docx", b"PK")
    good = client.post(reverse("procedures:version", args=[code, 1]),
                       {**_version_post(**row), "components-0-form_template": upload})
    assert good.status_code == 302
    component = version.components.get()
    assert component.form_template.name.endswith("to-khai.docx")
    response = client.get(reverse("procedures:component_form_template", args=[component.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK"


def test_editor_adds_and_renames_a_field(client_for, editor, clerk):
    client = client_for(editor)
    response = client.post(reverse("procedures:fields"), {"code": "dat-dai", "name": "Đất đai"})
    assert response.status_code == 302
    from procedures.models import Field

    field = Field.objects.get(code="dat-dai")
    bad = client.post(reverse("procedures:fields"), {"code": "Đất đai!", "name": "x"})
    assert bad.status_code == 200 and Field.objects.count() == 1
    client.post(reverse("procedures:field_edit", args=[field.pk]), {"code": "dat-dai", "name": "Đất đai, môi trường"})
    assert "Đất đai, môi trường" in client.get(reverse("procedures:fields")).content.decode()
    assert client_for(clerk).get(reverse("procedures:fields")).status_code == 403


def test_rows_added_without_a_number_go_to_the_end_and_can_be_deleted(client_for, editor, org):
    client = client_for(editor)
    version = complete_version(VersionFactory(number=1, effective_from=TODAY), receiving=[org.c1])
    code = version.procedure.national_code
    existing = version.components.get()
    data = _version_post(**{
        "components-TOTAL_FORMS": "2", "components-INITIAL_FORMS": "1",
        "components-0-id": existing.pk, "components-0-order": "1", "components-0-name": existing.name,
        "components-0-originals": "1", "components-0-certified_copies": "0", "components-0-photocopies": "0",
        "components-0-accepted_types": "pdf", "components-0-DELETE": "on",
        "components-1-name": "Giấy chứng sinh", "components-1-originals": "1", "components-1-certified_copies": "0",
        "components-1-photocopies": "0", "components-1-accepted_types": "pdf",
    })
    response = client.post(reverse("procedures:version", args=[code, 1]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(c.order, c.name) for c in version.components.all()] == [(2, "Giấy chứng sinh")]
    assert existing.history.filter(history_type="-", history_user=editor).exists()


def test_editor_keeps_every_level_a_procedure_is_implemented_at(client_for, editor, org):
    """Issue 21: a procedure at several levels keeps them all, in the form as in the import."""
    client = client_for(editor)
    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    data = {"procedure-national_code": "1.009002", "procedure-field": field.pk, "procedure-managing_unit": ""}
    data.update({k: v for k, v in _version_post().items() if k.startswith("version-")})
    data["version-other_levels"] = [level("district").pk, level("province").pk, level("commune").pk]
    response = client.post(reverse("procedures:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version = ProcedureVersion.objects.get(procedure__national_code="1.009002")
    assert {lv.code for lv in version.other_levels.all()} == {"district", "province"}

    response = client.post(reverse("procedures:version", args=["1.009002", 1]),
                           _version_post(**{"version-other_levels": [level("district").pk]}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [lv.code for lv in version.other_levels.all()] == ["district"]
    page = client.get(reverse("procedures:version", args=["1.009002", 1])).content.decode()
    assert 'name="version-other_levels"' in page
