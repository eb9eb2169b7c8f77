"""Counter reception as one service per action, each in one transaction
(workflow/reception/services.py): the checklist rules, the route started with the dossier,
settlement on the spot closing the whole route, idempotency by the form's token, and the one
constructor shared with online submission."""

import datetime
import re
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse

from dossiers.models import (
    Channel,
    CounterSlip,
    Delivery,
    Dossier,
    DossierEvent,
    DossierSequence,
    Outcome,
    StagedUpload,
    Status,
)
from dossiers.services import compute_due, dossier_build, dossier_submit_online, staged_upload_add
from portal.models import Role
from procedures.models import ProcedureVersion, RouteStep, TimeUnit
from tests.dossiers.factories import published_version, scan
from tests.factories import level, staff
from workflow.models import DeadlineMark, Handoff, HandoffMark, Notification
from workflow.reception import services
from workflow.routing import services as routing_services
from workflow.tasks import deadline_sweep

APPLICANT = {"applicant_name": "Trần Thị Bích Ngọc", "applicant_personal_id": "019190001234",
             "applicant_phone": "0987654321"}
MONDAY_9 = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Hà Nội
# Five weeks later, in the first minutes of an hour: the sweep looks at every overdue row.
LATER = datetime.datetime(2026, 12, 28, 3, 2, tzinfo=datetime.UTC)


def with_route(version):
    """Counter 0.5 day → the commune's officers 1 day → counter 0.5 day."""
    for order, (is_counter, budget) in enumerate([(True, "0.5"), (False, "1"), (True, "0.5")]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=f"Bước {order + 1}",
                                 handler_level=None if is_counter else level("commune"), budget=Decimal(budget))
    return version


@pytest.fixture
def version(org):
    return with_route(published_version(components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh")))


@pytest.fixture
def on_the_spot(org):
    version = with_route(published_version(code="2.000815", name="Chứng thực bản sao từ bản chính",
                                           components=("Bản chính giấy tờ",)))
    ProcedureVersion.objects.filter(pk=version.pk).update(settled_on_spot=True)
    version.refresh_from_db()
    return version


def checklist(version, *, missing=()):
    return [{"requirement": r, "received": r.name not in missing, "originals": 1} for r in version.components.all()]


def scans(version, *, missing=()):
    return [(i, scan(f"scan-{i}.pdf")) for i, r in enumerate(version.components.all()) if r.name not in missing]


def receive(clerk, unit, version, **kwargs):
    kwargs.setdefault("components", checklist(version))
    kwargs.setdefault("files", scans(version))
    return services.dossier_receive(clerk=clerk, unit=unit, version=version, applicant=APPLICANT,
                                    delivery=Delivery.COUNTER, **kwargs)


def stage(clerk, version, token):
    for requirement in version.components.all():
        staged_upload_add(token=token, user=clerk, requirement=requirement, upload=scan(f"{requirement.pk}.pdf"))


# --- the dossier and its route --------------------------------------------------------------


def test_reception_opens_the_route_at_the_counter_in_the_same_transaction(org, clerk, version):
    dossier = receive(clerk, org.c1, version, received_at=MONDAY_9)
    route = list(dossier.handoffs.order_by("order"))
    assert [(h.unit, h.state) for h in route] == [(org.c1, "active"), (org.c1, "pending"), (org.c1, "pending")]
    first = route[0]
    assert first.started_at == MONDAY_9 and first.received_by == clerk
    assert first.due_at == MONDAY_9 + datetime.timedelta(hours=6)  # half a day: 09:00–11:30, 13:30–15:00
    assert dossier.files.count() == 2 and dossier.status == Status.RECEIVED


def test_staged_scans_of_the_form_are_attached_to_their_components(org, clerk, version):
    token = uuid.uuid4()
    stage(clerk, version, token)
    dossier = receive(clerk, org.c1, version, token=token, files=())
    assert sorted(dossier.files.values_list("component__name", flat=True)) == ["Giấy chứng sinh",
                                                                               "Tờ khai đăng ký khai sinh"]
    assert not StagedUpload.objects.exists() and dossier.reception_token == token


# --- the checklist rules --------------------------------------------------------------------


def test_a_missing_required_paper_is_a_completion_request_not_a_reception(org, clerk, version):
    with pytest.raises(ValidationError) as error:
        receive(clerk, org.c1, version, components=checklist(version, missing=["Giấy chứng sinh"]),
                files=scans(version, missing=["Giấy chứng sinh"]))
    assert error.value.messages == ["Thiếu giấy tờ bắt buộc: Giấy chứng sinh. Hãy yêu cầu bổ sung thay vì tiếp nhận."]
    assert not Dossier.objects.exists()


def test_a_missing_optional_paper_does_not_stop_the_reception(org, clerk, version):
    version.components.filter(name="Giấy chứng sinh").update(is_required=False)
    dossier = receive(clerk, org.c1, version, components=checklist(version, missing=["Giấy chứng sinh"]),
                      files=scans(version, missing=["Giấy chứng sinh"]))
    assert [c.name for c in dossier.components.all()] == ["Tờ khai đăng ký khai sinh"]


def test_every_received_paper_must_be_scanned_and_every_problem_is_reported_at_once(org, clerk, version):
    with pytest.raises(ValidationError) as error:
        receive(clerk, org.c1, version, files=[])
    assert error.value.messages == [
        "Chưa quét giấy tờ: Tờ khai đăng ký khai sinh. Mọi giấy tờ đã nhận phải được quét vào hệ thống.",
        "Chưa quét giấy tờ: Giấy chứng sinh. Mọi giấy tờ đã nhận phải được quét vào hệ thống.",
    ]
    assert not Dossier.objects.exists()


def test_only_a_clerk_of_the_unit_itself_may_receive(org, clerk, version):
    district_clerk = staff(Role.CLERK, org.d1, username="motcua_huyen")
    officer = staff(Role.OFFICER, org.c1, username="cv_xa")
    for user in (district_clerk, officer):
        with pytest.raises(PermissionDenied):
            receive(user, org.c1, version)
    assert not Dossier.objects.exists()


# --- settled on the spot --------------------------------------------------------------------


def test_settled_on_the_spot_closes_every_step_and_returns_the_result(org, clerk, on_the_spot):
    dossier = services.dossier_receive_and_settle(clerk=clerk, unit=org.c1, version=on_the_spot, applicant=APPLICANT,
                                                  components=checklist(on_the_spot), files=scans(on_the_spot))
    assert dossier.status == Status.RETURNED and dossier.outcome == Outcome.APPROVED
    assert dossier.returned_by == clerk and dossier.collected_by == "Trần Thị Bích Ngọc"
    assert [e.transition for e in dossier.events.all()] == ["receive", "start_processing", "finish", "return_result"]
    route = list(dossier.handoffs.all())
    assert len(route) == 3
    assert all(h.state == Handoff.State.DONE and h.outcome in ("early", "on_time") and h.finished_at for h in route)


def test_a_settled_dossier_is_in_no_inbox_and_never_overdue(client_for, org, clerk, officer_c1, on_the_spot,
                                                          time_machine):
    time_machine.move_to(MONDAY_9)
    dossier = services.dossier_receive_and_settle(clerk=clerk, unit=org.c1, version=on_the_spot, applicant=APPLICANT,
                                                  components=checklist(on_the_spot), files=scans(on_the_spot))
    assert dossier.code not in client_for(officer_c1).get(reverse("workflow:inbox")).content.decode()
    notifications = Notification.objects.count()
    time_machine.move_to(LATER)
    deadline_sweep.delay()
    assert not HandoffMark.objects.exists() and not DeadlineMark.objects.exists()
    assert Notification.objects.count() == notifications  # no alert to anyone


def test_a_received_dossier_left_open_would_be_overdue(org, clerk, version, time_machine):
    """The sweep above is not idle: the same route, received and not settled, is flagged."""
    time_machine.move_to(MONDAY_9)
    receive(clerk, org.c1, version)
    time_machine.move_to(LATER)
    deadline_sweep.delay()
    assert HandoffMark.objects.exists()


def test_a_same_day_procedure_not_marked_settled_on_the_spot_cannot_be_settled(org, clerk):
    version = with_route(published_version(code="1.001193", time_unit=TimeUnit.SAME_DAY,
                                           processing_time=Decimal("8"), components=("Tờ khai đăng ký khai sinh",)))
    with pytest.raises(ValidationError, match="Thủ tục này không giải quyết ngay tại quầy"):
        services.dossier_receive_and_settle(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT,
                                            components=checklist(version), files=scans(version))
    assert not Dossier.objects.exists() and not Handoff.objects.exists()


# --- one transaction ------------------------------------------------------------------------


def test_a_failure_after_the_dossier_row_leaves_nothing_and_gives_the_number_back(org, clerk, version,
                                                                                   monkeypatch):
    token = uuid.uuid4()
    stage(clerk, version, token)

    def broken(*args, **kwargs):
        assert Dossier.objects.exists() and Handoff.objects.exists()  # written, then rolled back
        raise RuntimeError("worker killed")

    monkeypatch.setattr(routing_services, "_activate", broken)  # opens the route (route_open)
    with pytest.raises(RuntimeError):
        receive(clerk, org.c1, version, token=token, files=())
    assert not Dossier.objects.exists() and not Handoff.objects.exists() and not DossierEvent.objects.exists()
    assert StagedUpload.objects.filter(token=token).count() == 2  # the clerk's scans are kept for the retry
    monkeypatch.undo()
    assert receive(clerk, org.c1, version, token=token, files=()).code.endswith("-0001")


def test_a_scan_that_cannot_be_stored_leaves_no_dossier_and_no_handoff(org, clerk, version, monkeypatch):
    def disk_full(self, name, content):
        raise OSError("No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    # The clerk gets a message to show (portal/object_storage.py: store_upload), not a 500.
    with pytest.raises(ValidationError, match="Chưa lưu được tệp"):
        receive(clerk, org.c1, version)
    assert not Dossier.objects.exists() and not Handoff.objects.exists()
    assert not DossierSequence.objects.filter(last__gt=0).exists()


# --- the form's token -----------------------------------------------------------------------


def test_the_same_form_received_twice_is_one_dossier(org, clerk, version):
    token = uuid.uuid4()
    stage(clerk, version, token)
    first = receive(clerk, org.c1, version, token=token, files=())
    stage(clerk, version, token)  # the browser posts the files again
    second = receive(clerk, org.c1, version, token=token, files=())
    assert second.pk == first.pk and Dossier.objects.count() == 1
    assert Handoff.objects.count() == 3 and first.files.count() == 2
    assert not StagedUpload.objects.exists()


def test_another_clerk_cannot_claim_a_form_token(org, clerk, version):
    token = uuid.uuid4()
    receive(clerk, org.c1, version, token=token)
    colleague = staff(Role.CLERK, org.c1, username="motcua_2")
    with pytest.raises(PermissionDenied):
        receive(colleague, org.c1, version, token=token)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_the_same_form_make_one_dossier(org, clerk):
    version = with_route(published_version(components=()))
    token, results, barrier = uuid.uuid4(), [], threading.Barrier(2)

    def post():
        try:
            barrier.wait()
            results.append(receive(clerk, org.c1, version, token=token).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Dossier.objects.count() == 1 and results == [Dossier.objects.get().pk] * 2
    assert Handoff.objects.count() == 3


# --- Forms 02 and 03 ------------------------------------------------------------------------


def test_completion_request_lists_what_is_missing_and_drops_the_scans(org, clerk, version,
                                                                      django_capture_on_commit_callbacks):
    token = uuid.uuid4()
    stage(clerk, version, token)
    names = [s.file.name for s in StagedUpload.objects.all()]
    with django_capture_on_commit_callbacks(execute=True):
        slip = services.completion_request_issue(
            clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT, token=token,
            components=checklist(version, missing=["Giấy chứng sinh"]), reason="Thiếu giấy chứng sinh.")
    assert slip.kind == CounterSlip.Kind.COMPLETION
    assert slip.missing_components == [{"name": "Giấy chứng sinh", "originals": 1, "certified_copies": 0,
                                        "photocopies": 0}]
    assert not Dossier.objects.exists() and not DossierSequence.objects.filter(series="dossier").exists()
    assert not StagedUpload.objects.exists() and not any(FileSystemStorage().exists(n) for n in names)


def test_completion_request_needs_something_missing_and_a_reason(org, clerk, version):
    with pytest.raises(ValidationError) as error:
        services.completion_request_issue(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT,
                                          components=checklist(version), reason=" ")
    assert error.value.messages == ["Hãy bỏ chọn những giấy tờ còn thiếu để ghi vào phiếu yêu cầu bổ sung.",
                                    "Hãy ghi lý do yêu cầu bổ sung, hoàn thiện hồ sơ."]
    assert not CounterSlip.objects.exists()


def test_refusal_needs_a_reason(org, clerk, version):
    with pytest.raises(ValidationError, match="Hãy ghi rõ lý do từ chối tiếp nhận"):
        services.reception_refuse(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT, reason="")
    slip = services.reception_refuse(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT,
                                     reason="Không thuộc thẩm quyền.")
    assert slip.kind == CounterSlip.Kind.REFUSAL and not Dossier.objects.exists()


# --- the one constructor --------------------------------------------------------------------


def test_online_submission_and_counter_reception_come_from_the_one_constructor(org, clerk, citizen, version,
                                                                               time_machine):
    time_machine.move_to(MONDAY_9, tick=False)
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=3)
    version.refresh_from_db()
    online = dossier_submit_online(citizen=citizen, unit=org.c1, version=version, applicant=APPLICANT,
                                   components=[], delivery=Delivery.ONLINE)
    counter = receive(clerk, org.c1, version)
    # One numbering: the unit's series of the day, whatever the channel.
    assert (online.code, counter.code) == ("P01.20.01-261123-0001", "P01.20.01-261123-0002")
    assert all(re.fullmatch(r"[0-9A-Z]{10}", d.lookup_pin) for d in (online, counter))
    assert (online.status, online.channel, online.is_priority, online.due_at) == (
        Status.SUBMITTED, Channel.ONLINE, True, None)
    assert (counter.status, counter.channel, counter.is_priority) == (Status.RECEIVED, Channel.COUNTER, False)
    assert counter.due_at == compute_due(version=version, received_at=MONDAY_9, unit=org.c1).due_at
    assert [e.transition for e in online.events.all()] == ["submit"]


def test_the_constructors_pure_half_needs_no_query(org, version, django_assert_num_queries):
    """The load generator builds a million rows through it."""
    with django_assert_num_queries(0):
        dossier = dossier_build(version=version, unit=org.c1, channel=Channel.ONLINE, status=Status.SUBMITTED,
                                applicant=APPLICANT, number=42, submitted_at=MONDAY_9, lookup_pin="123456")
    assert (dossier.code, dossier.lookup_pin, dossier.is_priority) == ("P01.20.01-261123-0042", "123456", True)
    assert dossier.pk is None and dossier.current_unit == org.c1 and dossier.procedure_id == version.procedure_id


def test_the_same_completion_form_posted_twice_is_one_form_02(org, clerk, version):
    token = uuid.uuid4()
    asked = dict(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT, token=token,
                 components=checklist(version, missing=["Giấy chứng sinh"]), reason="Thiếu giấy chứng sinh.")
    first = services.completion_request_issue(**asked)
    stage(clerk, version, token)  # the browser posts the files again
    second = services.completion_request_issue(**asked)
    assert second == first and CounterSlip.objects.count() == 1
    assert not StagedUpload.objects.exists()
    assert services.completion_request_issue(**{**asked, "token": uuid.uuid4()}).number != first.number


def test_the_same_refusal_posted_twice_is_one_form_03_and_no_one_else_claims_it(org, clerk, other_clerk, version):
    token = uuid.uuid4()
    first = services.reception_refuse(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT,
                                      reason="Không thuộc thẩm quyền.", token=token)
    again = services.reception_refuse(clerk=clerk, unit=org.c1, version=version, applicant=APPLICANT,
                                      reason="Không thuộc thẩm quyền.", token=token)
    assert again == first and CounterSlip.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.reception_refuse(clerk=other_clerk, unit=org.c2, version=version, applicant=APPLICANT,
                                  reason="Không thuộc thẩm quyền.", token=token)
