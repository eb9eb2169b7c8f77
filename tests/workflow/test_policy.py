"""Who may see a dossier and who may act on it, driven through HTTP only.

Each test states the correct policy:

1. Only the unit whose step is active acts on it (its leaders for leader-only actions); a
   leader of a parent unit (district D1 over commune C1) does not.
2. A unit whose only step was skipped never held the dossier and does not see it.
3. A catalogue editor is not a dossier role: no dossier pages, no ID-card scans.
4. A consulted unit sees the dossier, finds the consultation in its inbox, answers once
   (late answers included); a late consultation is escalated by the deadline sweep.
5. A citizen opening the staff page of their own dossier is sent to their citizen page and
   never sees internal opinions or staff names.

Data is built with the shared factories; every state change goes through the HTTP action
endpoints (`workflow:act`, `workflow:assign`) or the deadline sweep task, so the tests do not
depend on where the workflow's Python modules live.
"""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dossiers.models import DossierFile, Status
from portal.models import Role
from tests.dossiers.factories import DossierFactory
from tests.factories import MembershipFactory, staff
from tests.workflow.factories import ApologyFactory, ConsultationFactory, HandoffFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUESTION = "Đề nghị Sở cho ý kiến về tính hợp lệ của trích lục hộ tịch cũ"
OPINION = "Trích lục hợp lệ, đề nghị xã tiếp tục giải quyết"

COUNTER, PROCESS = "counter", "process"
PENDING, ACTIVE, DONE, SKIPPED = "pending", "active", "done", "skipped"


# --- helpers ---------------------------------------------------------------------------------


def model(name):
    return apps.get_model("workflow", name)


def dossier_on_route(steps, *, active, status=Status.PROCESSING, **fields):
    """A dossier received at the first step's unit, `steps` being (kind, unit) pairs: steps
    before `active` are done, `active` is running, the rest pending (as reception and
    forwarding leave them)."""
    now = timezone.now()
    received_at = now - datetime.timedelta(hours=2)
    dossier = DossierFactory(receiving_unit=steps[0][1], current_unit=steps[active][1], status=status,
                             received_at=received_at, due_at=now + datetime.timedelta(days=5), **fields)
    for order, (kind, unit) in enumerate(steps):
        state = DONE if order < active else ACTIVE if order == active else PENDING
        started = received_at + datetime.timedelta(minutes=10 * order) if order <= active else None
        HandoffFactory(dossier=dossier, order=order, kind=kind, unit=unit, state=state, started_at=started,
                       due_at=now + datetime.timedelta(days=1 + order),
                       finished_at=started + datetime.timedelta(minutes=5) if state == DONE else None)
    return dossier


def commune_dossier(org, *, active=2, **fields):
    """Commune-only route: C1 counter → C1 appraisal → C1 leader signs → C1 counter returns.
    Default: at the signing step, where the leader decides."""
    return dossier_on_route([(COUNTER, org.c1), (PROCESS, org.c1), (PROCESS, org.c1), (COUNTER, org.c1)],
                            active=active, **fields)


def dossier_via_department(org, *, active):
    """C1 counter → C1 appraisal → province department decides → C1 counter returns."""
    return dossier_on_route([(COUNTER, org.c1), (PROCESS, org.c1), (PROCESS, org.department), (COUNTER, org.c1)],
                            active=active)


def scan(dossier, name="cccd-mat-truoc.pdf"):
    """An ID-card scan attached to the dossier (stored under MEDIA_ROOT)."""
    return DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.COMPONENT,
                                      file=ContentFile(PDF, name=name), original_name=name,
                                      content_type="application/pdf", size=len(PDF),
                                      sha256=hashlib.sha256(PDF).hexdigest())


def detail(dossier):
    return reverse("workflow:dossier", args=[dossier.code])


def file_url(dossier, stored):
    return reverse("workflow:dossier_file", args=[dossier.code, stored.pk])


def act(client, dossier, action, **data):
    return client.post(reverse("workflow:act", args=[dossier.code, action]), data)


def active_step(dossier):
    return dossier.handoffs.get(state=ACTIVE)


def snapshot(dossier):
    """What an action would change: status, due date, current unit and the event trail."""
    dossier.refresh_from_db()
    return (dossier.status, dossier.due_at, dossier.current_unit_id, dossier.events.count(),
            dossier.pauses.count())


LEADER_ACTIONS = {
    "approve": {"note": "Đủ điều kiện đăng ký"},
    "refuse": {"note": "Người yêu cầu không thuộc diện được đăng ký"},
    "stop": {"note": "Cơ quan có thẩm quyền đề nghị dừng giải quyết"},
    "supplement": {"note": "Thiếu giấy chứng sinh", "missing_other": "Giấy chứng sinh"},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def leader_d1(org):
    return staff(Role.LEADER, org.d1, username="leader_d1", full_name="Hà Văn Thắng")


@pytest.fixture
def officer_c3(org):
    return staff(Role.OFFICER, org.c3, username="officer_c3", full_name="Đinh Thị Mai")


# --- 1. a parent unit's leader does not act on a commune's step -------------------------------


def assert_leader_action_refused(client, dossier, action):
    before = snapshot(dossier)
    response = act(client, dossier, action, expected_status=Status.PROCESSING, **LEADER_ACTIONS[action])
    assert response.status_code == 403, (action, response.status_code)
    assert snapshot(dossier) == before, action
    assert active_step(dossier).unit.code == "P01.20.01"


def test_district_leader_cannot_approve_commune_dossier(client_for, org, leader_d1):
    dossier = commune_dossier(org)
    assert_leader_action_refused(client_for(leader_d1), dossier, "approve")


def test_district_leader_cannot_refuse_commune_dossier(client_for, org, leader_d1):
    dossier = commune_dossier(org)
    assert_leader_action_refused(client_for(leader_d1), dossier, "refuse")


def test_district_leader_cannot_stop_commune_dossier(client_for, org, leader_d1):
    dossier = commune_dossier(org)
    assert_leader_action_refused(client_for(leader_d1), dossier, "stop")


def test_district_leader_cannot_request_supplement_on_commune_dossier(client_for, org, leader_d1):
    dossier = commune_dossier(org)
    assert_leader_action_refused(client_for(leader_d1), dossier, "supplement")


def test_district_leader_cannot_assign_commune_step(client_for, org, leader_d1, officer_c1):
    dossier = commune_dossier(org)
    step = active_step(dossier)
    before = snapshot(dossier)
    response = client_for(leader_d1).post(reverse("workflow:assign", args=[step.pk]), {"officer": officer_c1.pk})
    assert response.status_code == 404  # the assign view's answer for "not yours"
    step.refresh_from_db()
    assert step.assignee is None
    assert snapshot(dossier) == before


def test_district_leader_cannot_approve_commune_apology(client_for, org, leader_d1, officer_c1):
    dossier = commune_dossier(org)
    apology = ApologyFactory(dossier=dossier, unit=org.c1, drafted_by=officer_c1, number="",
                             state="draft", approved_at=None)
    before = snapshot(dossier)
    response = act(client_for(leader_d1), dossier, "apology_approve")
    assert response.status_code == 403
    apology.refresh_from_db()
    assert apology.state == "draft" and apology.approved_by is None
    assert snapshot(dossier) == before


def test_commune_leader_can_approve_own_commune_dossier(client_for, org, leader_c1):
    dossier = commune_dossier(org)
    response = act(client_for(leader_c1), dossier, "approve", expected_status=Status.PROCESSING,
                   **LEADER_ACTIONS["approve"])
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    assert dossier.events.filter(transition="finish", actor=leader_c1).count() == 1


@pytest.mark.parametrize("action, status_after", [
    ("refuse", Status.RESULT_READY), ("stop", Status.STOPPED), ("supplement", Status.SUPPLEMENT_REQUESTED)])
def test_commune_leader_can_take_leader_actions_on_own_dossier(client_for, org, leader_c1, action, status_after):
    """The control group of the refusals above: the same request by the unit's own leader works."""
    dossier = commune_dossier(org)
    response = act(client_for(leader_c1), dossier, action, expected_status=Status.PROCESSING,
                   **LEADER_ACTIONS[action])
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == status_after


def test_commune_leader_can_assign_and_approve_the_apology(client_for, org, leader_c1, officer_c1):
    dossier = commune_dossier(org)
    apology = ApologyFactory(dossier=dossier, unit=org.c1, drafted_by=officer_c1, number="",
                             state="draft", approved_at=None)
    client = client_for(leader_c1)
    step = active_step(dossier)
    assert client.post(reverse("workflow:assign", args=[step.pk]), {"officer": officer_c1.pk}).status_code == 302
    step.refresh_from_db()
    assert step.assignee == officer_c1
    assert act(client, dossier, "apology_approve").status_code == 302
    apology.refresh_from_db()
    dossier.refresh_from_db()
    assert apology.state == "approved" and dossier.due_at == apology.new_due_at


# --- 2. a skipped step gives no sight of the dossier -------------------------------------------


@pytest.mark.parametrize("closing", ["withdraw", "stop"])
def test_unit_of_a_skipped_step_cannot_see_the_dossier(client_for, org, clerk, leader_c1, officer, closing):
    """Withdrawn (by the counter) or stopped (by the commune leader) during the commune's
    appraisal: the department's decision step never ran."""
    dossier = dossier_via_department(org, active=1)
    stored = scan(dossier)
    closer = clerk if closing == "withdraw" else leader_c1
    response = act(client_for(closer), dossier, closing, expected_status=Status.PROCESSING,
                   note="Người nộp đề nghị rút hồ sơ")
    assert response.status_code == 302
    assert dossier.handoffs.get(unit=org.department).state == SKIPPED
    client = client_for(officer)  # officer of the department: a direct-unit role, not an ancestor
    assert client.get(detail(dossier)).status_code == 404
    assert client.get(file_url(dossier, stored)).status_code == 404


def test_unit_that_handled_a_step_keeps_seeing_the_dossier(client_for, org, leader, officer):
    dossier = dossier_via_department(org, active=2)
    stored = scan(dossier)
    response = act(client_for(leader), dossier, "approve", expected_status=Status.PROCESSING, note="Đồng ý")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_unit == org.c1 and dossier.handoffs.get(unit=org.department).state == DONE
    client = client_for(officer)
    response = client.get(detail(dossier))
    assert response.status_code == 200 and dossier.code in response.content.decode()
    assert client.get(file_url(dossier, stored)).status_code == 200


# --- 3. a catalogue editor is not a dossier role ------------------------------------------------


def test_catalogue_editor_cannot_open_dossier_pages_or_scans(client_for, org, editor):
    dossier = commune_dossier(org, active=1)
    stored = scan(dossier)
    client = client_for(editor)
    assert client.get(detail(dossier)).status_code == 404
    assert client.get(file_url(dossier, stored)).status_code == 404


def test_editor_who_is_also_a_clerk_of_the_receiving_unit_sees_the_dossier(client_for, org):
    user = staff(Role.EDITOR, org.province, username="editor_clerk", full_name="Vũ Thị Hằng")
    MembershipFactory(user=user, unit=org.c1, role=Role.CLERK)
    dossier = commune_dossier(org, active=1)
    stored = scan(dossier)
    client = client_for(user)
    assert client.get(detail(dossier)).status_code == 200
    response = client.get(file_url(dossier, stored))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


# --- 4. consulted units ------------------------------------------------------------------------


@pytest.fixture
def consulted(client_for, org, officer_c1):
    """A commune dossier at its appraisal step; the commune officer asks the department."""
    dossier = commune_dossier(org, active=1)
    response = act(client_for(officer_c1), dossier, "consult", unit=org.department.pk, note=QUESTION)
    assert response.status_code == 302
    consultation = model("Consultation").objects.get(dossier=dossier)
    assert consultation.unit == org.department and consultation.question == QUESTION
    return dossier, consultation


def answer(client, dossier, consultation, opinion=OPINION):
    return act(client, dossier, "consult_answer", consultation=consultation.pk, note=opinion)


def test_consulted_unit_sees_the_dossier_and_the_question(client_for, officer, consulted):
    dossier, _consultation = consulted
    response = client_for(officer).get(detail(dossier))
    assert response.status_code == 200
    assert QUESTION in response.content.decode()


def test_consulted_unit_finds_the_consultation_in_its_inbox(client_for, officer, consulted):
    dossier, _consultation = consulted
    response = client_for(officer).get(reverse("workflow:inbox"))
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_consulted_unit_answers_and_the_answer_is_stored(client_for, officer, officer_c1, consulted):
    dossier, consultation = consulted
    assert answer(client_for(officer), dossier, consultation).status_code == 302
    consultation.refresh_from_db()
    assert consultation.opinion == OPINION and consultation.answered_by == officer
    assert consultation.answered_at is not None
    assert OPINION in client_for(officer_c1).get(detail(dossier)).content.decode()


def test_consulted_unit_cannot_answer_twice(client_for, officer, consulted):
    dossier, consultation = consulted
    client = client_for(officer)
    assert answer(client, dossier, consultation).status_code == 302
    second = answer(client, dossier, consultation, opinion="Ý kiến khác, ghi đè")
    assert second.status_code == 200  # refused with a message on the dossier page
    consultation.refresh_from_db()
    assert consultation.opinion == OPINION
    assert dossier.events.filter(transition="consult_answer").count() == 1


def test_unrelated_unit_cannot_see_or_answer_a_consultation(client_for, officer_c3, consulted):
    dossier, consultation = consulted
    client = client_for(officer_c3)
    assert client.get(detail(dossier)).status_code == 404
    assert answer(client, dossier, consultation).status_code == 404
    consultation.refresh_from_db()
    assert consultation.answered_at is None and consultation.opinion == ""


def test_a_clerk_of_the_consulted_unit_does_not_see_the_dossier(client_for, org, consulted):
    """The question is addressed to the consulted unit's officers and leaders, not its counter."""
    dossier, consultation = consulted
    department_clerk = staff(Role.CLERK, org.department, username="mc_so", full_name="Đinh Thị Thu")
    client = client_for(department_clerk)
    assert client.get(detail(dossier)).status_code == 404
    assert answer(client, dossier, consultation).status_code == 404


def test_late_consultation_is_escalated_to_the_head_of_the_counter(org, leader_c1, consulted):
    """DOMAIN §8: a consulted unit late with its opinion is escalated to the head of the
    receiving counter (its leaders when no head is named); once, however often the sweep runs."""
    from workflow.tasks import deadline_sweep

    dossier, consultation = consulted
    model("Consultation").objects.filter(pk=consultation.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1))
    deadline_sweep()
    deadline_sweep()
    late = model("Notification").objects.filter(kind="consultation_late", dossier=dossier)
    assert set(late.values_list("recipient__username", flat=True)) == {"leader_c1"}
    assert late.filter(recipient=leader_c1, channel="in_app").count() == 1
    assert late.first().context["consulted_unit"] == org.department.name


def test_late_answer_is_accepted_and_shown_to_the_requesting_officer(client_for, officer, officer_c1, consulted):
    dossier, consultation = consulted
    model("Consultation").objects.filter(pk=consultation.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1))
    assert answer(client_for(officer), dossier, consultation).status_code == 302
    consultation.refresh_from_db()
    assert consultation.opinion == OPINION
    assert consultation.answered_at > consultation.due_at  # recorded after its due date: late
    body = client_for(officer_c1).get(detail(dossier)).content.decode()
    assert OPINION in body


# --- 5. a citizen never gets the staff page -----------------------------------------------------


def test_citizen_owner_is_redirected_from_the_staff_page(client_for, org, citizen, officer, officer_c1, clerk):
    dossier = commune_dossier(org, active=1, citizen=citizen, received_by=clerk)
    step = active_step(dossier)
    step.assignee = officer_c1
    step.save(update_fields=["assignee"])
    ConsultationFactory(dossier=dossier, unit=org.department, requested_by=officer_c1, question=QUESTION,
                        opinion=OPINION, answered_by=officer, answered_at=timezone.now())
    response = client_for(citizen).get(detail(dossier))
    body = response.content.decode()
    for internal in (OPINION, QUESTION, officer.full_name, officer_c1.full_name, clerk.full_name):
        assert internal not in body, internal
    assert response.status_code == 302
    assert response.url == reverse("citizens:dossier", args=[dossier.code])
