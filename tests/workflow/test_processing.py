import datetime
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from dossiers.models import Delivery, Outcome, Status
from dossiers.services import ConcurrentChange
from portal import workdays
from portal.models import Role
from procedures.models import RouteStep
from tests.dossiers.factories import published_version, walk_in
from tests.factories import level, staff
from workflow.models import Apology, Handoff, Timeliness
from workflow.routing import services

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def three_level_version(org):
    """commune counter → district office → province department → commune counter."""
    version = published_version(code="2.000100", name="Cấp Phiếu lý lịch tư pháp", processing_time=Decimal("10"))
    district_office = level("district-office")
    office = org.d1.children.model.objects.create(name="Phòng Tư pháp huyện Mỹ Lộc", code="P01.20.50",
                                                  level=district_office, parent=org.d1)
    steps = [
        dict(is_counter=True, action="Tiếp nhận, chuyển hồ sơ", budget="0.5"),
        dict(handler_level=district_office, action="Phòng Tư pháp huyện kiểm tra, chuyển Sở", budget="2"),
        dict(handler_unit=org.department, action="Sở Tư pháp thẩm định, ký kết quả", budget="7"),
        dict(is_counter=True, action="Trả kết quả", budget="0.5"),
    ]
    for order, step in enumerate(steps):
        RouteStep.objects.create(version=version, order=order, budget=Decimal(step.pop("budget")), **step)
    return version, office


def commune_version():
    version = published_version(code="2.000200", name="Đăng ký khai sinh", processing_time=Decimal("3"))
    commune = level("commune")
    for order, (is_counter, action, budget) in enumerate([
        (True, "Tiếp nhận", "0.5"), (False, "Thẩm định, dự thảo", "1"), (False, "Lãnh đạo ký", "1"),
        (True, "Trả kết quả", "0.5"),
    ]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=action,
                                 handler_level=None if is_counter else commune, budget=Decimal(budget))
    return version


def receive(clerk, unit, version, at=None):
    return walk_in(
        clerk=clerk, unit=unit, version=version,
        applicant={"applicant_name": "Hoàng Thị Lan", "applicant_phone": "0912000111",
                   "applicant_personal_id": "019190004321"},
        received_at=at,
    )


def test_reception_instantiates_the_route_over_three_levels(org, clerk):
    version, office = three_level_version(org)
    dossier = receive(clerk, org.c1, version)
    rows = list(dossier.handoffs.values_list("unit__code", "state"))
    assert rows == [("P01.20.01", "active"), ("P01.20.50", "pending"), ("P01.15", "pending"),
                    ("P01.20.01", "pending")]
    assert dossier.handoffs.get(order=0).due_at is not None


def test_three_level_dossier_goes_up_and_comes_back_to_the_receiving_counter(org, clerk, officer, leader):
    version, office = three_level_version(org)
    district_officer = staff(Role.OFFICER, office, username="cv_huyen", full_name="Vi Văn Đức")
    dossier = receive(clerk, org.c1, version)
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    assert dossier.status == Status.PROCESSING and dossier.current_unit == office
    with pytest.raises(PermissionDenied):
        services.dossier_forward(dossier=dossier, actor=officer)  # the province cannot act on the district's step
    dossier = services.dossier_forward(dossier=dossier, actor=district_officer, note="Đủ điều kiện, chuyển Sở")
    assert dossier.current_unit == org.department
    with pytest.raises(ValidationError, match="bước quyết định"):
        services.dossier_forward(dossier=dossier, actor=officer)
    with pytest.raises(PermissionDenied):
        services.dossier_decide(dossier=dossier, leader=clerk, outcome=Outcome.APPROVED)  # a clerk cannot approve
    dossier = services.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED)
    assert dossier.status == Status.RESULT_READY and dossier.current_unit == org.c1
    dossier = services.dossier_return(dossier=dossier, clerk=clerk, collected_by="Hoàng Thị Lan", confirmed=True)
    assert dossier.status == Status.RETURNED and dossier.collected_by == "Hoàng Thị Lan"
    handoffs = list(dossier.handoffs.order_by("order"))
    assert [h.state for h in handoffs] == ["done"] * 4
    assert all(h.outcome in Timeliness.values for h in handoffs)
    assert [e.transition for e in dossier.events.all()] == [
        "receive", "start_processing", "forward", "finish", "return_result"]


def test_actions_on_a_finished_dossier_are_refused(org, clerk, officer_c1, leader_c1):
    dossier = receive(clerk, org.c1, commune_version())
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    dossier = services.dossier_forward(dossier=dossier, actor=officer_c1)
    dossier = services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.REFUSED,
                                      note="Người yêu cầu không thuộc diện được đăng ký")
    dossier = services.dossier_return(dossier=dossier, clerk=clerk, collected_by="Hoàng Thị Lan", confirmed=True)
    for action in (lambda: services.dossier_forward(dossier=dossier, actor=clerk),
                   lambda: services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED),
                   lambda: services.dossier_withdraw(dossier=dossier, actor=clerk, reason="rút"),
                   lambda: services.supplement_request(dossier=dossier, actor=officer_c1, reason="x",
                                                       missing_components=["Giấy tờ"])):
        with pytest.raises(ValidationError):
            action()


def test_refusal_after_appraisal_needs_reasons(org, clerk, officer_c1, leader_c1):
    dossier = receive(clerk, org.c1, commune_version())
    services.dossier_forward(dossier=dossier, actor=clerk)
    dossier = services.dossier_forward(dossier=dossier, actor=officer_c1)
    with pytest.raises(ValidationError, match="lý do"):
        services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.REFUSED)


def test_officer_of_another_unit_cannot_act(org, clerk, other_clerk, officer):
    dossier = receive(clerk, org.c1, commune_version())
    with pytest.raises(PermissionDenied):
        services.dossier_forward(dossier=dossier, actor=other_clerk)
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    with pytest.raises(PermissionDenied):
        services.dossier_forward(dossier=dossier, actor=officer)


def test_supplementation_pauses_and_resumes_with_the_remaining_budget(org, clerk, officer_c1, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=HANOI), tick=False)  # Monday
    dossier = receive(clerk, org.c1, commune_version())
    due = dossier.due_at  # 3 working days: Mon 08:00 + 24 h, skipping Tue 24/11 (holiday) -> Fri 08:00
    assert due == datetime.datetime(2026, 11, 27, 8, 0, tzinfo=HANOI)
    services.dossier_forward(dossier=dossier, actor=clerk)
    time_machine.move_to(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=HANOI), tick=False)
    dossier = services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu giấy chứng sinh",
                                          missing_components=["Giấy chứng sinh"])
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.supplement_count == 1
    pause = dossier.pauses.get()
    assert pause.dossier_hours_left == Decimal("22")
    # The applicant comes back on Thursday at 07:00: 22 h remain -> Thu 7 h... Mon 13:30 + ...
    time_machine.move_to(datetime.datetime(2026, 11, 26, 7, 0, tzinfo=HANOI), tick=False)
    dossier = services.supplement_resume(dossier=dossier, actor=clerk)
    # Thu 8 h, Fri 8 h, Mon 30/11 6 h: 07:00–11:30 (4.5 h) + 1.5 h from 13:30 -> 15:00.
    assert dossier.due_at == datetime.datetime(2026, 11, 30, 15, 0, tzinfo=HANOI)
    assert dossier.status == Status.PROCESSING
    pause.refresh_from_db()
    assert pause.resumed_at is not None and pause.due_after == dossier.due_at


def test_second_supplementation_request_counts_the_dossier_late(org, clerk, officer_c1):
    dossier = receive(clerk, org.c1, commune_version())
    services.dossier_forward(dossier=dossier, actor=clerk)
    for _ in range(2):
        dossier = services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu giấy tờ",
                                              missing_components=["Giấy chứng sinh"])
        dossier = services.supplement_resume(dossier=dossier, actor=clerk)
    assert dossier.supplement_count == 2


def test_supplementation_is_refused_after_the_window(org, clerk, officer_c1, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 8, 0, tzinfo=HANOI), tick=False)
    dossier = receive(clerk, org.c1, commune_version())
    services.dossier_forward(dossier=dossier, actor=clerk)
    time_machine.move_to(datetime.datetime(2026, 11, 6, 9, 0, tzinfo=HANOI), tick=False)
    with pytest.raises(ValidationError, match="không được yêu cầu bổ sung"):
        services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu",
                                    missing_components=["Giấy chứng sinh"])


def test_apology_moves_the_appointment_once_only(org, clerk, officer_c1, leader_c1, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=HANOI), tick=False)
    dossier = receive(clerk, org.c1, commune_version())
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    new_due = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=HANOI)
    with pytest.raises(ValidationError, match="một ngày làm việc trước"):
        services.apology_draft(dossier=dossier, actor=officer_c1, reason="Cần xác minh", new_due_at=new_due)
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=HANOI), tick=False)
    apology = services.apology_draft(dossier=dossier, actor=officer_c1, reason="Cần xác minh nơi cư trú",
                                     new_due_at=new_due)
    with pytest.raises(PermissionDenied):
        services.apology_approve(apology=apology, leader=officer_c1)
    services.apology_approve(apology=apology, leader=leader_c1)
    dossier.refresh_from_db()
    assert dossier.due_at == new_due and Apology.objects.get().state == Apology.State.APPROVED
    with pytest.raises(ValidationError, match="một lần"):
        services.apology_draft(dossier=dossier, actor=officer_c1, reason="Lần nữa",
                               new_due_at=new_due + datetime.timedelta(days=3))


def test_an_apology_approved_while_waiting_for_a_supplement_survives_the_resumption(
        org, clerk, officer_c1, leader_c1, time_machine):
    """The resumption recomputes the due date from the hours left when the clock stopped: the
    apology's extra time must be part of them, or resuming would drop the new appointment."""
    version = commune_version()
    version.supplement_window_days = 5
    version.save(update_fields=["supplement_window_days"])
    time_machine.move_to(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=HANOI), tick=False)
    dossier = services.dossier_forward(dossier=receive(clerk, org.c1, version), actor=clerk)
    paused_at = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=HANOI)  # inside the apology window
    time_machine.move_to(paused_at, tick=False)
    dossier = services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu giấy chứng sinh",
                                          missing_components=["Giấy chứng sinh"])
    new_due = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=HANOI)
    apology = services.apology_draft(dossier=dossier, actor=officer_c1, reason="Chờ xác minh nơi sinh",
                                     new_due_at=new_due)
    services.apology_approve(apology=apology, leader=leader_c1)
    resumed_at = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=HANOI)
    time_machine.move_to(resumed_at, tick=False)
    dossier = services.supplement_resume(dossier=dossier, actor=clerk)
    # The appointment moves on by the time the clock was stopped, never back before the new date.
    paused = workdays.working_hours_between(paused_at, resumed_at, unit=org.c1)
    assert dossier.due_at == workdays.add_working_hours(new_due, paused, unit=org.c1) > new_due


def test_leader_assigns_an_officer_of_the_unit_only(org, clerk, officer_c1, leader_c1, officer):
    dossier = receive(clerk, org.c1, commune_version())
    services.dossier_forward(dossier=dossier, actor=clerk)
    handoff = services.active_handoff(dossier)
    with pytest.raises(ValidationError):
        services.handoff_assign(handoff=handoff, leader=leader_c1, officer=officer)
    with pytest.raises(PermissionDenied):
        services.handoff_assign(handoff=handoff, leader=officer_c1, officer=officer_c1)
    assert services.handoff_assign(handoff=handoff, leader=leader_c1, officer=officer_c1).assignee == officer_c1


@pytest.mark.django_db(transaction=True)
def test_two_officers_acting_at_once_one_wins_and_the_other_is_told(org, clerk, officer_c1):
    second_officer = staff(Role.OFFICER, org.c1, username="officer_c1b", full_name="Lò Văn Pao")
    dossier = receive(clerk, org.c1, commune_version())
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    seen_status = dossier.status
    seen_handoff = services.active_handoff(dossier).pk
    barrier = threading.Barrier(2)
    results = []

    def act(officer):
        try:
            barrier.wait()
            services.dossier_forward(dossier=dossier, actor=officer, expected_status=seen_status,
                                     expected_handoff=seen_handoff)
            results.append("ok")
        except ConcurrentChange:
            results.append("conflict")
        except ValidationError as error:
            results.append(f"refused: {error.messages}")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(o,)) for o in (officer_c1, second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    assert Handoff.objects.filter(dossier=dossier, state="done").count() == 2  # counter + one officer step
    assert dossier.events.filter(transition="forward").count() == 1


def test_units_that_handled_a_step_keep_seeing_the_dossier_but_not_before_it_arrives(org, clerk, officer, leader):
    from workflow.policies import dossiers_visible_to

    version, office = three_level_version(org)
    district_officer = staff(Role.OFFICER, office, username="cv_huyen2", full_name="Vi Văn Đức")
    dossier = receive(clerk, org.c1, version)
    assert dossier not in dossiers_visible_to(district_officer)
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    assert dossier in dossiers_visible_to(district_officer)
    assert dossier not in dossiers_visible_to(officer)
    dossier = services.dossier_forward(dossier=dossier, actor=district_officer)
    services.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED)
    # The district office handled a step; the province decided; the counter returns it.
    assert dossier in dossiers_visible_to(district_officer)
    assert dossier in dossiers_visible_to(officer)
    assert dossier in dossiers_visible_to(clerk)
    assert dossiers_visible_to(clerk).filter(pk=dossier.pk).count() == 1


def test_payment_request_and_confirmation(org, clerk, officer_c1):
    dossier = services.dossier_forward(dossier=receive(clerk, org.c1, commune_version()), actor=clerk)
    with pytest.raises(ValidationError):
        services.payment_request(dossier=dossier, actor=officer_c1, note=" ")
    dossier = services.payment_request(dossier=dossier, actor=officer_c1, note="Lệ phí 8.000 đồng")
    assert dossier.status == Status.PAYMENT_REQUESTED and dossier.national_status == 6
    dossier = services.payment_confirm(dossier=dossier, actor=clerk)
    assert dossier.status == Status.PROCESSING


def online_dossier(org, citizen, version=None):
    from dossiers.services import dossier_submit_online
    from procedures.models import ProcedureVersion

    version = version or commune_version()
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=4)
    version.refresh_from_db()
    return dossier_submit_online(
        citizen=citizen, unit=org.c1, version=version,
        applicant={"applicant_name": citizen.full_name, "applicant_phone": citizen.phone,
                   "applicant_personal_id": citizen.personal_id},
        components=[{"requirement": c, "name": c.name, "originals": 1} for c in version.components.all()],
        delivery=Delivery.ONLINE,
    )


def test_online_dossier_is_accepted_like_a_paper_one(org, clerk, citizen):
    dossier = online_dossier(org, citizen)
    assert dossier.status == Status.SUBMITTED and dossier.is_priority and dossier.national_status == 1
    assert dossier.received_at is None and not dossier.handoffs.exists()
    dossier = services.online_accept(dossier=dossier, clerk=clerk)
    assert dossier.status == Status.RECEIVED and dossier.due_at is not None and dossier.received_by == clerk
    assert dossier.handoffs.get(order=0).state == "active"


def test_online_dossier_completion_then_resubmission_goes_back_to_the_check(org, clerk, citizen):
    dossier = online_dossier(org, citizen)
    with pytest.raises(ValidationError):
        services.online_request_completion(dossier=dossier, clerk=clerk, reason="", missing_components=[])
    dossier = services.online_request_completion(dossier=dossier, clerk=clerk, reason="Ảnh chụp mờ",
                                                 missing_components=["Tờ khai đăng ký khai sinh"])
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    dossier = services.supplement_resume(dossier=dossier, actor=citizen)
    assert dossier.status == Status.SUBMITTED


def test_online_refusal_and_other_units_cannot_check(org, clerk, other_clerk, citizen):
    dossier = online_dossier(org, citizen)
    with pytest.raises(PermissionDenied):
        services.online_accept(dossier=dossier, clerk=other_clerk)
    dossier = services.online_refuse(dossier=dossier, clerk=clerk, reason="Không thuộc thẩm quyền")
    assert dossier.status == Status.NOT_ACCEPTED and dossier.national_status == 3
    with pytest.raises(ValidationError):
        services.online_accept(dossier=dossier, clerk=clerk)


def test_procedure_below_level_3_refuses_online_submission(org, citizen):
    from dossiers.services import dossier_submit_online

    version = commune_version()
    with pytest.raises(ValidationError, match="không nhận hồ sơ trực tuyến"):
        dossier_submit_online(citizen=citizen, unit=org.c1, version=version,
                              applicant={"applicant_name": "A"}, components=[], delivery=Delivery.ONLINE)
