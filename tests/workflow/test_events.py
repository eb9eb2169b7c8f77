"""Every change a citizen or an auditor would ask about leaves an event, and a step's state
changes only through its transitions (issue 15, item 6)."""

import datetime

import pytest
from django.utils import timezone

from dossiers.models import Status
from tests.dossiers.factories import DossierFactory
from tests.helpers import real_pdf
from tests.workflow.factories import HandoffFactory
from tests.workflow.test_policy import act, commune_dossier
from workflow.models import Handoff


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_uploading_a_result_writes_an_event_naming_the_file(org, client_for, leader_c1):
    dossier = commune_dossier(org)
    upload = real_pdf("trich-luc-khai-sinh.pdf")
    response = client_for(leader_c1).post(f"/dossiers/{dossier.code}/act/result/", {"file": upload})
    assert response.status_code == 302
    event = dossier.events.get(transition="result_upload")
    assert event.actor == leader_c1 and event.unit == org.c1
    assert "trich-luc-khai-sinh.pdf" in event.note
    assert event.from_status == event.to_status == Status.PROCESSING


def test_drafting_an_apology_writes_an_event_with_the_proposed_date(org, client_for, officer_c1):
    now = timezone.now()
    dossier = commune_dossier(org, active=1)
    dossier.due_at = now + datetime.timedelta(hours=2)  # inside the window: a working day before
    dossier.save(update_fields=["due_at"])
    new_due = timezone.localtime(now + datetime.timedelta(days=7)).replace(hour=10, minute=0, second=0,
                                                                            microsecond=0)
    response = act(client_for(officer_c1), dossier, "apology", note="Chờ xác minh của cơ quan công an",
                   new_due_at=new_due.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302, response.content[:500]
    event = dossier.events.get(transition="apology_draft")
    assert event.actor == officer_c1
    assert "Chờ xác minh của cơ quan công an" in event.note
    assert new_due.strftime("%d/%m/%Y") in event.note
    dossier.refresh_from_db()
    assert dossier.due_at < new_due  # a draft moves nothing until a leader approves it


def test_a_steps_state_cannot_be_assigned_directly(org):
    step = HandoffFactory(dossier=DossierFactory(receiving_unit=org.c1), order=0, unit=org.c1,
                          state=Handoff.State.PENDING)
    with pytest.raises(AttributeError):
        step.state = Handoff.State.DONE
    step.activate()
    step.save()
    step.refresh_from_db()
    assert step.state == Handoff.State.ACTIVE
