import pytest
from django.urls import reverse

from dossiers.models import Status
from tests.helpers import assert_queries_do_not_grow
from tests.workflow.test_processing import commune_version, receive
from workflow.routing import services


@pytest.fixture
def version(db):
    return commune_version()


def forwarded(clerk, org, version):
    dossier = receive(clerk, org.c1, version)
    return services.dossier_forward(dossier=dossier, actor=clerk)


def test_inbox_lists_the_units_active_steps_by_due_date(client_for, clerk, officer_c1, org, version):
    first, second = forwarded(clerk, org, version), forwarded(clerk, org, version)
    body = client_for(officer_c1).get(reverse("workflow:inbox")).content.decode()
    assert body.index(first.code) < body.index(second.code)


def test_inbox_of_another_unit_does_not_show_the_dossier(client_for, clerk, officer, org, version):
    dossier = forwarded(clerk, org, version)
    assert dossier.code not in client_for(officer).get(reverse("workflow:inbox")).content.decode()


def test_inbox_query_count_does_not_grow_with_rows(client_for, clerk, officer_c1, org, version):
    client = client_for(officer_c1)
    assert_queries_do_not_grow(
        make_rows=lambda n: [forwarded(clerk, org, version) for _ in range(n)],
        fetch=lambda: client.get(reverse("workflow:inbox")),
    )


def test_inbox_keyset_pagination_walks_every_row_once(client_for, clerk, officer_c1, org, version):
    from workflow.routing.selectors import PAGE_SIZE

    codes = {forwarded(clerk, org, version).code for _ in range(PAGE_SIZE + 3)}
    client = client_for(officer_c1)
    first = client.get(reverse("workflow:inbox"))
    cursor = first.context["next_cursor"]
    assert cursor and len(first.context["rows"]) == PAGE_SIZE
    second = client.get(reverse("workflow:inbox"), {"after": cursor})
    seen = [h.dossier.code for h in first.context["rows"]] + [h.dossier.code for h in second.context["rows"]]
    assert sorted(seen) == sorted(codes) and second.context["next_cursor"] is None
    assert client.get(reverse("workflow:inbox"), {"after": "!!not-a-cursor"}).status_code == 200


def test_overdue_filter(client_for, clerk, officer_c1, org, version, time_machine):
    import datetime

    dossier = forwarded(clerk, org, version)
    client = client_for(officer_c1)
    assert dossier.code not in client.get(reverse("workflow:inbox"), {"due": "overdue"}).content.decode()
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=10))
    client = client_for(officer_c1)  # ten days later: the idle session ended, sign in again
    assert dossier.code in client.get(reverse("workflow:inbox"), {"due": "overdue"}).content.decode()


def test_leader_assigns_from_the_inbox(client_for, clerk, officer_c1, leader_c1, org, version):
    dossier = forwarded(clerk, org, version)
    handoff = services.active_handoff(dossier)
    response = client_for(leader_c1).post(reverse("workflow:assign", args=[handoff.pk]), {"officer": officer_c1.pk})
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.assignee == officer_c1


def test_officer_cannot_assign(client_for, clerk, officer_c1, org, version):
    handoff = services.active_handoff(forwarded(clerk, org, version))
    assert client_for(officer_c1).post(reverse("workflow:assign", args=[handoff.pk]),
                                       {"officer": officer_c1.pk}).status_code == 403


def test_forward_from_the_dossier_page(client_for, clerk, org, version):
    dossier = receive(clerk, org.c1, version)
    client = client_for(clerk)
    assert 'data-testid="act-forward"' in client.get(reverse("workflow:dossier", args=[dossier.code])).content.decode()
    response = client.post(reverse("workflow:act", args=[dossier.code, "forward"]),
                           {"expected_status": "received", "note": "Chuyển công chức tư pháp"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_stale_page_gets_a_clear_message(client_for, clerk, org, version):
    dossier = forwarded(clerk, org, version)
    response = client_for(clerk).post(reverse("workflow:act", args=[dossier.code, "forward"]),
                                      {"expected_status": "received", "note": "Ý kiến của tôi"})
    body = response.content.decode()
    assert "Người khác vừa thay đổi hồ sơ này" in body


def test_refused_action_keeps_what_was_typed(client_for, clerk, officer_c1, leader_c1, org, version):
    dossier = forwarded(clerk, org, version)
    response = client_for(officer_c1).post(reverse("workflow:act", args=[dossier.code, "supplement"]), {
        "expected_status": "processing", "missing_other": "Giấy xác nhận nơi cư trú", "note": ""})
    body = response.content.decode()
    assert "Hãy nêu giấy tờ cần bổ sung và lý do" in body
    assert 'value="Giấy xác nhận nơi cư trú"' in body
    services.dossier_forward(dossier=dossier, actor=officer_c1)
    response = client_for(leader_c1).post(reverse("workflow:act", args=[dossier.code, "refuse"]),
                                          {"expected_status": "processing", "note": "  "})
    assert "Từ chối giải quyết phải nêu rõ lý do" in response.content.decode()


def test_clerk_cannot_approve_through_the_url(client_for, clerk, officer_c1, org, version):
    dossier = forwarded(clerk, org, version)
    services.dossier_forward(dossier=dossier, actor=officer_c1)
    response = client_for(clerk).post(reverse("workflow:act", args=[dossier.code, "approve"]),
                                      {"expected_status": "processing"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_other_unit_gets_404_on_actions(client_for, clerk, other_clerk, org, version):
    dossier = receive(clerk, org.c1, version)
    assert client_for(other_clerk).post(reverse("workflow:act", args=[dossier.code, "forward"]),
                                        {}).status_code == 404


def test_unknown_action_is_404(client_for, clerk, org, version):
    dossier = receive(clerk, org.c1, version)
    assert client_for(clerk).post(reverse("workflow:act", args=[dossier.code, "explode"]), {}).status_code == 404


def test_a_wrong_filter_says_why_next_to_the_field(client_for, officer_c1):
    response = client_for(officer_c1).get(reverse("workflow:inbox"), {"due": "yesterday", "procedure": "1.0001"})
    assert response.status_code == 200
    html = response.content.decode()
    # The select points at its message, which is on the page; the value typed elsewhere is kept.
    assert 'aria-describedby="id_due_error"' in html and 'id="id_due_error"' in html
    assert 'aria-invalid="true"' in html and 'value="1.0001"' in html
    assert 'aria-describedby="id_procedure_error"' not in html


def test_priority_dossiers_come_first_among_steps_due_together_on_every_page(client_for, clerk, officer_c1, org,
                                                                             version):
    """Issue 20 item 7: online dossiers (marked priority) are ordered before the others due at
    the same time; the keyset pages walk that order without losing or repeating a row."""
    from dossiers.models import Dossier
    from workflow.models import Handoff
    from workflow.routing.selectors import PAGE_SIZE

    dossiers = [forwarded(clerk, org, version) for _ in range(PAGE_SIZE + 4)]
    steps = Handoff.objects.filter(dossier__in=dossiers, state=Handoff.State.ACTIVE)
    steps.update(due_at=steps.values_list("due_at", flat=True)[0])
    priority = {d.code for d in dossiers[1::2]}  # every second one, received later than its neighbour
    Dossier.objects.filter(code__in=priority).update(is_priority=True)

    client = client_for(officer_c1)
    first = client.get(reverse("workflow:inbox"))
    second = client.get(reverse("workflow:inbox"), {"after": first.context["next_cursor"]})
    seen = [h.dossier.code for h in first.context["rows"]] + [h.dossier.code for h in second.context["rows"]]
    assert len(seen) == len(set(seen)) == len(dossiers)
    assert set(seen[:len(priority)]) == priority
    assert seen[len(priority):] == [d.code for d in dossiers if d.code not in priority]


def test_counter_lists_priority_results_first_among_those_due_together(client_for, clerk, org, version):
    from dossiers.models import Dossier

    plain, online = receive(clerk, org.c1, version), receive(clerk, org.c1, version)
    Dossier.objects.filter(pk__in=[plain.pk, online.pk]).update(status=Status.RESULT_READY, due_at=plain.due_at)
    Dossier.objects.filter(pk=online.pk).update(is_priority=True)
    rows = list(client_for(clerk).get(reverse("dossiers:counter")).context["to_return"])
    assert [d.code for d in rows] == [online.code, plain.code]
