import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from citizens import services
from citizens.models import DraftFile, OnlineDraft
from dossiers.models import Channel, Dossier, Status
from procedures.models import ProcedureVersion

from .conftest import fake_pdf, pdf, png, submitted


def _applicant(client, draft, **changes):
    data = {"applicant_name": "Nguyễn Văn An", "applicant_personal_id": "001090012345",
            "applicant_phone": "0912345678", "applicant_email": "an@example.vn",
            "applicant_address": "Thôn 1, xã Mỹ Hà", "unit": str(draft.unit_id or ""), "delivery": "online"}
    data.update(changes)
    return client.post(reverse("citizens:draft_step", args=[draft.pk, "applicant"]), data)


def test_the_wizard_from_the_procedure_page_to_a_submitted_dossier(client_for, citizen, version, org):
    client = client_for(citizen)
    response = client.get(reverse("citizens:submit", args=[version.procedure.national_code]))
    draft = OnlineDraft.objects.get(citizen=citizen)
    assert response.url == reverse("citizens:draft_step", args=[draft.pk, "applicant"])
    page = client.get(response.url).content.decode()
    assert citizen.full_name in page and citizen.personal_id in page  # pre-filled from the profile
    response = _applicant(client, draft, unit=str(org.c1.pk))
    assert response.url.endswith("/components/")
    first, second = version.components.all()
    response = client.post(response.url, {f"files-{first.pk}": pdf(), f"files-{second.pk}": png(), "action": "next"})
    assert response.status_code == 302 and response.url.endswith("/review/")
    review = client.get(response.url).content.decode()
    assert "to-khai.pdf" in review and "giay-chung-sinh.png" in review
    response = client.post(reverse("citizens:draft_submit", args=[draft.pk]), {"declaration": "on"})
    dossier = Dossier.objects.get(citizen=citizen)
    assert response.url == reverse("citizens:dossier", args=[dossier.code])
    assert dossier.status == Status.SUBMITTED and dossier.channel == Channel.ONLINE and dossier.is_priority
    assert dossier.receiving_unit == org.c1 and dossier.applicant_address == "Thôn 1, xã Mỹ Hà"
    assert sorted(dossier.files.values_list("original_name", flat=True)) == ["giay-chung-sinh.png", "to-khai.pdf"]
    assert set(dossier.files.values_list("component__name", flat=True)) == {"Tờ khai đăng ký khai sinh",
                                                                           "Giấy chứng sinh"}
    draft.refresh_from_db()
    assert draft.state == OnlineDraft.State.SUBMITTED and draft.dossier == dossier and not draft.files.exists()
    assert dossier.code in client.get(reverse("citizens:my_dossiers")).content.decode()


def test_missing_applicant_fields_and_a_wrong_id_number_keep_what_was_typed(client_for, citizen, version, org):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    response = _applicant(client, draft, applicant_personal_id="0010900", applicant_address="", unit=str(org.c1.pk),
                          delivery="post")
    content = response.content.decode()
    assert response.status_code == 400
    assert "12 chữ số" in content and "Vui lòng nhập địa chỉ" in content
    assert 'value="0010900"' in content and 'value="an@example.vn"' in content
    assert response.context["delivery_form"]["delivery"].value() == "post"  # the other half of the screen too
    draft.refresh_from_db()
    assert "applicant_done" not in draft.data and "delivery" not in draft.data  # both saved or neither


def test_who_applies_and_how_the_result_comes_back_share_the_first_screen(client_for, citizen, version, org):
    """Issue 20: one screen fewer; a link or draft of the old delivery step lands on it."""
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    response = _applicant(client, draft, delivery="", unit=str(org.c1.pk))
    assert response.status_code == 400 and "Vui lòng chọn cách nhận kết quả." in response.content.decode()
    response = _applicant(client, draft, delivery="post", unit=str(org.c1.pk))
    assert response.status_code == 302 and response.url.endswith("/components/")
    draft.refresh_from_db()
    assert draft.data["delivery"] == {"delivery": "post"} and draft.data["applicant"]["applicant_address"]
    old = reverse("citizens:draft_step", args=[draft.pk, "delivery"])
    assert client.get(old).url == reverse("citizens:draft_step", args=[draft.pk, "applicant"])
    again = client.get(reverse("citizens:draft_step", args=[draft.pk, "applicant"]))
    assert again.context["delivery_form"]["delivery"].value() == "post"  # what was chosen, shown again


def test_a_bad_file_is_refused_by_content_and_the_good_one_is_kept(client_for, citizen, version, org, settings):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    first, second = version.components.all()
    url = reverse("citizens:draft_step", args=[draft.pk, "components"])
    response = client.post(url, {f"files-{first.pk}": pdf(), f"files-{second.pk}": fake_pdf(), "action": "next"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in content and "to-khai.pdf" in content
    assert list(draft.files.values_list("original_name", flat=True)) == ["to-khai.pdf"]
    settings.UPLOAD_MAX_BYTES = 10
    response = client.post(url, {f"files-{second.pk}": pdf("lon.pdf"), "action": "next"})
    assert "vượt quá giới hạn" in response.content.decode()
    assert draft.files.count() == 1


def test_next_without_a_required_component_says_which(client_for, citizen, version):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    response = client.post(reverse("citizens:draft_step", args=[draft.pk, "components"]), {"action": "next"})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    # Missing is said as missing, beside each component, never as an invalid file (issue 20).
    assert [e.get_text() for e in page.select("[data-testid=upload-error]")] == [
        "Còn thiếu: thành phần bắt buộc, hãy tải lên ít nhất một tệp."] * 2
    assert page.select_one("[data-testid=missing-files]") is not None
    assert page.select_one("[data-testid=invalid-files]") is None


def test_an_invalid_file_is_said_invalid_not_missing(client_for, citizen, version):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    first, _second = version.components.all()
    response = client.post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                           {f"files-{first.pk}": fake_pdf()})
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("[data-testid=invalid-files]") is not None
    assert page.select_one("[data-testid=missing-files]") is None


def test_submit_without_declaration_or_files_explains_and_creates_nothing(client_for, citizen, version, org):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    response = client.post(reverse("citizens:draft_submit", args=[draft.pk]), {})
    content = response.content.decode()
    assert response.status_code == 400
    assert "cam đoan" in content and "Chưa có tệp cho thành phần" in content
    assert not Dossier.objects.exists()


def test_double_submit_creates_one_dossier(client_for, citizen, version, org):
    client = client_for(citizen)
    dossier = submitted(citizen, version, org)
    draft = OnlineDraft.objects.get(dossier=dossier)
    response = client.post(reverse("citizens:draft_submit", args=[draft.pk]), {"declaration": "on"})
    assert response.url == reverse("citizens:dossier", args=[dossier.code])
    assert services.draft_submit(draft=draft, citizen=citizen, declaration=True) == (dossier, False)
    assert Dossier.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_create_one_dossier(org):
    from tests.factories import CitizenFactory

    from .conftest import online_version

    version = online_version(org)
    citizen = CitizenFactory(username="concurrent")
    draft = services.draft_start(citizen=citizen, version=version)
    services.draft_save(draft=draft, step="applicant", data={**services.applicant_initial(citizen),
                                                             "applicant_address": "Thôn 1"}, unit=org.c1)
    for requirement in version.components.all():
        services.draft_file_add(draft=draft, requirement=requirement, upload=pdf())
    services.draft_save(draft=draft, step="delivery", data={"delivery": "online"})
    results, barrier = [], threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            results.append(services.draft_submit(draft=draft, citizen=citizen, declaration=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Dossier.objects.count() == 1
    assert sorted(created for _dossier, created in results) == [False, True]


def test_a_procedure_without_online_service_has_no_wizard(client_for, citizen, version):
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=2)
    url = reverse("citizens:submit", args=[version.procedure.national_code])
    assert client_for(citizen).get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, version):
    response = client.get(reverse("citizens:submit", args=[version.procedure.national_code]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_drafts_and_their_files_are_the_owners_only(client_for, citizen, other_citizen, version):
    draft = services.draft_start(citizen=citizen, version=version)
    item = services.draft_file_add(draft=draft, requirement=version.components.first(), upload=pdf())
    client = client_for(other_citizen)
    assert client.get(reverse("citizens:draft_step", args=[draft.pk, "applicant"])).status_code == 404
    assert client.get(reverse("citizens:draft_file", args=[draft.pk, item.pk])).status_code == 404
    assert client.post(reverse("citizens:draft_submit", args=[draft.pk]), {"declaration": "on"}).status_code == 404
    assert client.post(reverse("citizens:draft_discard", args=[draft.pk])).status_code == 404
    client = client_for(citizen)
    assert client.get(reverse("citizens:draft_file", args=[draft.pk, item.pk])).status_code == 200


def test_a_draft_resumes_where_it_was_left(client_for, citizen, version, org):
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    _applicant(client, draft, unit=str(org.c1.pk))
    services.draft_file_add(draft=draft, requirement=version.components.first(), upload=pdf())
    page = client.get(reverse("citizens:my_dossiers")).content.decode()
    assert reverse("citizens:draft_step", args=[draft.pk, "components"]) in page
    response = client.get(reverse("citizens:submit", args=[version.procedure.national_code]))
    assert response.url == reverse("citizens:draft_step", args=[draft.pk, "components"])
    assert "to-khai.pdf" in client.get(response.url).content.decode()


def test_level_3_offers_only_counter_delivery(client_for, citizen, version):
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=3)
    draft = services.draft_start(citizen=citizen, version=version)
    client = client_for(citizen)
    response = _applicant(client, draft, delivery="online")
    assert response.status_code == 400 and "Nhận tại bộ phận một cửa" in response.content.decode()
    assert response.context["delivery_form"].errors["delivery"]


@override_settings(UPLOAD_MAX_BYTES=20 * 1024 * 1024)
def test_wallet_file_is_reused_with_one_click(client_for, citizen, version, org):
    first_dossier = submitted(citizen, version, org)
    source = first_dossier.files.first()
    client = client_for(citizen)
    wallet = client.get(reverse("citizens:wallet")).content.decode()
    assert source.original_name in wallet and first_dossier.code in wallet
    draft = services.draft_start(citizen=citizen, version=version)
    requirement = version.components.first()
    client.post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                {"reuse": f"{requirement.pk}:{source.pk}", "action": "upload"})
    reused = draft.files.get()
    assert reused.source == DraftFile.Source.WALLET and reused.source_file == source


def test_someone_elses_file_cannot_be_reused(client_for, citizen, other_citizen, version, org):
    theirs = submitted(other_citizen, version, org).files.first()
    draft = services.draft_start(citizen=citizen, version=version)
    requirement = version.components.first()
    response = client_for(citizen).post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                                        {"reuse": f"{requirement.pk}:{theirs.pk}", "action": "upload"})
    assert response.status_code == 404 and not draft.files.exists()
    assert client_for(citizen).get(reverse("citizens:wallet_file", args=[theirs.pk])).status_code == 404


def test_stale_drafts_are_purged_but_wallet_files_and_submitted_drafts_stay(citizen, version, org):
    import datetime

    from django.utils import timezone

    from citizens.tasks import purge_stale_drafts

    dossier = submitted(citizen, version, org)
    draft = services.draft_start(citizen=citizen, version=version)
    upload = services.draft_file_add(draft=draft, requirement=version.components.first(), upload=pdf())
    services.draft_file_reuse(draft=draft, requirement=version.components.last(), source_file=dossier.files.first())
    OnlineDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - datetime.timedelta(days=120))
    storage, name = upload.file.storage, upload.file.name
    assert purge_stale_drafts() == 1
    assert not OnlineDraft.objects.filter(pk=draft.pk).exists() and not storage.exists(name)
    assert OnlineDraft.objects.filter(dossier=dossier).exists()
    assert storage.exists(dossier.files.first().file.name)


def test_without_receiving_units_a_citizen_may_send_to_any_unit_of_every_level_implementing_it(version, org):
    """Issue 21: a procedure implemented at several levels keeps them all, here too."""
    from citizens.selectors import receiving_units_for
    from tests.factories import level

    version.receiving_units.clear()
    ProcedureVersion.objects.filter(pk=version.pk).update(authority_level=level("commune"))
    version.refresh_from_db()
    assert set(receiving_units_for(version)) == {org.c1, org.c2, org.c3}
    version.other_levels.set([level("district")])
    units = receiving_units_for(version)
    assert set(units) == {org.c1, org.c2, org.c3, org.d1, org.d2}
    assert set(units[:2]) == {org.d1, org.d2}  # the higher tier first


def test_a_component_only_shown_needs_no_upload(client_for, citizen, version):
    """Issue 20: "xuất trình" — the original is shown, never uploaded."""
    first, second = version.components.all()
    second.presented_only = True
    second.save()
    client = client_for(citizen)
    draft = services.draft_start(citizen=citizen, version=version)
    url = reverse("citizens:draft_step", args=[draft.pk, "components"])
    page = client.get(url).content.decode()
    assert 'data-testid="presented-only"' in page and f'name="files-{second.pk}"' not in page
    response = client.post(url, {f"files-{first.pk}": pdf(), "action": "next"})
    assert response.status_code == 302 and response.url.endswith("/review/")
