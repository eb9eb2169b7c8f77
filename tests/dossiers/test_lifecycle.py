import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import TransitionNotAllowed

from dossiers.models import NATIONAL_STATUS, Delivery, DossierEvent, NationalStatus, Status
from dossiers.services import ConcurrentChange, dossier_transition
from tests.dossiers.factories import DossierFactory, published_version, scan
from workflow.reception.services import dossier_receive

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

APPLICANT = {
    "applicant_name": "Trần Thị Bích Ngọc",
    "applicant_personal_id": "019190001234",
    "applicant_phone": "0987654321",
    "applicant_address": "Tổ 5, phường Phan Đình Phùng",
}


def receive(clerk, unit, version, **kwargs):
    components = [{"requirement": c, "name": c.name, "originals": 1} for c in version.components.all()]
    return dossier_receive(
        clerk=clerk, unit=unit, version=version, applicant=APPLICANT, components=components,
        files=kwargs.pop("files", [(i, scan()) for i in range(len(components))]), delivery=Delivery.COUNTER,
        received_at=kwargs.pop("received_at", datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)),
        **kwargs,
    )


def test_every_state_maps_to_a_national_status():
    assert set(NATIONAL_STATUS) == set(Status)
    assert set(NATIONAL_STATUS.values()) == set(NationalStatus)


def test_clerk_receives_a_dossier_with_code_due_date_components_files_and_event(org, clerk):
    version = published_version(processing_time=Decimal("3"))
    upload = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    dossier = receive(clerk, org.c1, version, files=[(0, upload)])
    assert dossier.code == "P01.20.01-261123-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.national_status == NationalStatus.RECEIVED
    assert dossier.due_at > dossier.received_at
    assert [c.name for c in dossier.components.all()] == ["Tờ khai đăng ký khai sinh"]
    stored = dossier.files.get()
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert "to-khai" not in stored.file.name, "stored names are random, never the user's"
    event = dossier.events.get()
    assert (event.transition, event.from_status, event.to_status, event.actor) == ("receive", "", "received", clerk)


def test_clerk_of_another_unit_cannot_receive_for_this_unit(org, other_clerk):
    with pytest.raises(PermissionDenied):
        receive(other_clerk, org.c1, published_version())


def test_draft_procedure_cannot_be_received(org, clerk):
    from procedures.models import ProcedureVersion

    version = published_version()
    ProcedureVersion.objects.filter(pk=version.pk).update(status=ProcedureVersion.Status.DRAFT)
    version.refresh_from_db()
    with pytest.raises(PermissionDenied):
        receive(clerk, org.c1, version)


def test_unit_not_listed_as_receiving_cannot_receive(org, clerk):
    version = published_version(receiving_units=[org.c2])
    with pytest.raises(PermissionDenied):
        receive(clerk, org.c1, version)


def test_a_disguised_file_fails_the_whole_reception_and_consumes_no_number(org, clerk):
    version = published_version()
    fake = SimpleUploadedFile("giay-chung-sinh.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ValidationError, match="không phải PDF, JPEG hoặc PNG"):
        receive(clerk, org.c1, version, files=[(0, fake)])
    png = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    assert receive(clerk, org.c1, version, files=[(0, png)]).code.endswith("-0001")


def test_status_cannot_be_assigned_directly(org):
    dossier = DossierFactory(receiving_unit=org.c1)
    dossier.refresh_from_db()
    with pytest.raises(AttributeError):
        dossier.status = Status.RETURNED


def test_illegal_transition_is_refused_with_a_message_and_no_event(org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1, status=Status.RECEIVED)
    with pytest.raises(ValidationError, match="Không thể thực hiện thao tác này"):
        dossier_transition(dossier=dossier, actor=clerk, transition="return_result")
    assert DossierEvent.objects.filter(dossier=dossier).count() == 0
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_fsm_refuses_actions_on_a_returned_dossier(org):
    dossier = DossierFactory(receiving_unit=org.c1, status=Status.RETURNED)
    for name in ("withdraw", "finish", "start_processing", "stop", "request_supplement"):
        with pytest.raises(TransitionNotAllowed):
            getattr(dossier, name)()


def test_transition_writes_its_event_in_the_same_transaction(org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1, status=Status.RECEIVED)
    dossier = dossier_transition(dossier=dossier, actor=clerk, transition="start_processing", note="Chuyển xử lý")
    assert dossier.status == Status.PROCESSING
    event = dossier.events.get()
    assert (event.from_status, event.to_status, event.note) == ("received", "processing", "Chuyển xử lý")


def test_stale_page_gets_concurrent_change_instead_of_overwriting(org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1, status=Status.RECEIVED)
    dossier_transition(dossier=dossier, actor=clerk, transition="start_processing")
    with pytest.raises(ConcurrentChange):
        dossier_transition(dossier=dossier, actor=clerk, transition="withdraw", expected_status=Status.RECEIVED)


def test_events_are_append_only(org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1, status=Status.RECEIVED)
    event = dossier_transition(dossier=dossier, actor=clerk, transition="start_processing").events.get()
    event.note = "sửa"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_masked_name_hides_all_but_the_given_name(org):
    dossier = DossierFactory(receiving_unit=org.c1, applicant_name="Nguyễn Văn An")
    assert dossier.masked_applicant_name() == "N***** V** An"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_fast_choice_labels_say_what_django_would(language):
    """get_status_display() and friends are written out for speed; they must give the text of
    Django's generated ones, in both languages, and the raw value for an unknown one."""
    from django.db import models
    from django.utils import translation

    from dossiers.models import Channel, Delivery, Dossier, DossierEvent

    def django_label(instance, name):
        return models.Model._get_FIELD_display(instance, instance._meta.get_field(name))

    with translation.override(language):
        for value in [*Status.values, "not-a-status"]:
            dossier, event = Dossier(status=value), DossierEvent(from_status=value, to_status=value)
            assert dossier.get_status_display() == django_label(dossier, "status")
            assert event.get_to_status_display() == django_label(event, "to_status")
            assert event.get_from_status_display() == django_label(event, "from_status")
        for value in Channel.values:
            assert Dossier(channel=value).get_channel_display() == django_label(Dossier(channel=value), "channel")
        for value in Delivery.values:
            dossier = Dossier(delivery=value)
            assert dossier.get_delivery_display() == django_label(dossier, "delivery")
        assert Dossier(status=Status.RETURNED).get_status_display() != Status.RETURNED.value
