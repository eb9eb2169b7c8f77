"""The editor's screen for a component's electronic declaration: start from a shipped form,
build field by field, edit the JSON (kept when invalid), preview; invalid definitions block
publishing; published versions are read-only; the public page says "Tờ khai điện tử"."""

import json

import pytest
from django.urls import reverse

from procedures import services
from procedures.eforms import library
from procedures.models import ComponentRequirement, ProcedureVersion

from .factories import published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(org, editor):
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    return services.procedure_version_duplicate(version=version, user=editor)


def _url(component):
    return reverse("procedures:component_eform", args=[component.pk])


def test_editor_starts_from_a_shipped_form_and_previews_it(client_for, editor, draft):
    component = draft.components.first()
    client = client_for(editor)
    assert client.get(_url(component)).status_code == 200
    response = client.post(_url(component), {"action": "load", "shipped": "khai-sinh"})
    assert response.status_code == 302
    component.refresh_from_db()
    assert component.eform["code"] == "HT-KHAI-SINH"
    page = client.get(_url(component)).text
    assert "Người được khai sinh" in page and 'data-testid="eform-preview"' in page and "Ghi đúng như trên" in page


def test_builder_adds_moves_and_removes_fields(client_for, editor, draft):
    component = draft.components.first()
    client = client_for(editor)
    for key, kind in (("ho_ten", "text"), ("gioi_tinh", "choice")):
        response = client.post(_url(component), {
            "action": "add_field", "b-section_key": "nguoi_khai", "b-section_title": "Người khai", "b-key": key,
            "b-type": kind, "b-label_vi": key.replace("_", " "), "b-required": "on", "b-options": "nam|Nam\nnu|Nữ"})
        assert response.status_code == 302
    component.refresh_from_db()
    fields = component.eform["sections"][0]["fields"]
    assert [f["key"] for f in fields] == ["ho_ten", "gioi_tinh"]
    assert fields[1]["options"][1] == {"value": "nu", "label": {"vi": "Nữ"}}
    client.post(_url(component), {"action": "up", "key": "gioi_tinh"})
    component.refresh_from_db()
    assert [f["key"] for f in component.eform["sections"][0]["fields"]] == ["gioi_tinh", "ho_ten"]
    client.post(_url(component), {"action": "remove", "key": "gioi_tinh"})
    component.refresh_from_db()
    assert [f["key"] for f in component.eform["sections"][0]["fields"]] == ["ho_ten"]
    # A blank form has no legal basis yet: kept, but the version cannot be published.
    assert any("Tờ khai điện tử của" in p for p in services.publish_problems(draft))


def test_broken_json_is_kept_and_explained_and_invalid_definitions_block_publishing(client_for, editor, draft):
    component = draft.components.first()
    client = client_for(editor)
    response = client.post(_url(component), {"action": "save_json", "definition": '{"format": "portal.eform/1",'})
    assert response.status_code == 400
    assert "JSON không hợp lệ ở dòng 1" in response.text and "portal.eform/1" in response.text
    component.refresh_from_db()
    assert component.eform == {}
    bad = library.load("khai-sinh")
    bad["sections"][0]["fields"][1]["type"] = "colour"
    response = client.post(_url(component), {"action": "save_json", "definition": json.dumps(bad)})
    assert response.status_code == 302
    page = client.get(_url(component)).text
    assert 'data-testid="eform-definition-errors"' in page and "colour" in page
    import datetime

    ProcedureVersion.objects.filter(pk=draft.pk).update(effective_from=datetime.date(2030, 1, 1))
    client.post(reverse("procedures:publish", args=[draft.procedure.national_code, draft.number]))
    draft.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.DRAFT
    assert any("colour" in p for p in services.publish_problems(draft))
    client.post(_url(component), {"action": "save_json", "definition": json.dumps(library.load("khai-sinh"))})
    assert not [p for p in services.publish_problems(draft) if "Tờ khai" in p]


def test_published_versions_are_read_only_and_other_editors_get_404(client_for, editor, org, draft):
    published = ComponentRequirement.objects.filter(version__status="published").first()
    client = client_for(editor)
    response = client.post(_url(published), {"action": "load", "shipped": "khai-sinh"})
    assert response.status_code == 200 and "chỉ xem được" in response.text
    published.refresh_from_db()
    assert published.eform == {}
    from portal.models import Role
    from tests.factories import staff

    outsider = staff(Role.EDITOR, org.c2, username="editor_c2")
    assert client_for(outsider).get(_url(published)).status_code == 404


def test_new_version_copies_the_declaration_and_public_page_announces_it(client, editor, org):
    version = published_version(code="1.000894", name="Đăng ký kết hôn", receiving=[org.c1], online_level=4)
    ComponentRequirement.objects.filter(version=version).update(eform=library.load("ket-hon"))
    page = client.get(reverse("procedures:detail", args=["1.000894"])).text
    assert "Tờ khai điện tử" in page and "không cần in, ký và tải lên" in page
    copy = services.procedure_version_duplicate(version=version, user=editor)
    assert copy.components.get().eform["code"] == "HT-KET-HON"
