"""Query-count gates of the dossier pages: each costs the same number of queries for 2 rows as
for 12, and the rows made really are on the page.

Gated elsewhere: the counter's receptions of the day (test_pages)."""

import itertools
import subprocess

import pytest
from django.urls import reverse

from dossiers.models import DossierComponent, DossierEvent, DossierFile, Status
from procedures.models import ComponentRequirement, Fee
from tests.dossiers.factories import DossierFactory
from tests.helpers import assert_queries_do_not_grow
from tests.procedures.factories import published_version
from tests.workflow.factories import ConsultationFactory, HandoffFactory, PauseFactory, at
from workflow.models import Handoff


def pdftotext(pdf):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())


@pytest.fixture
def dossier(org, clerk):
    return DossierFactory(receiving_unit=org.c1, status=Status.PROCESSING, received_by=clerk,
                          applicant_name="Trần Thị Bích Ngọc", received_at=at(16, 8, 30), due_at=at(24, 17))


def add_dossier_rows(dossier, n, start, *, clerk, officer, org):
    """n more of everything the dossier page lists: components with a file, loose files,
    events, route steps, pauses and consultations (each naming the people and units involved)."""
    for i in range(start, start + n):
        component = DossierComponent.objects.create(dossier=dossier, order=i, name=f"Giấy tờ số {i}", originals=1)
        for kind, name, of in ((DossierFile.Kind.COMPONENT, f"ban-quet-{i}.pdf", component),
                               (DossierFile.Kind.OTHER, f"tai-lieu-khac-{i}.pdf", None)):
            DossierFile.objects.create(dossier=dossier, component=of, kind=kind, file=f"dossiers/test/{name}",
                                       original_name=name, content_type="application/pdf", size=100,
                                       sha256=f"{i:064d}", uploaded_by=clerk)
        DossierEvent.objects.create(dossier=dossier, actor=officer, unit=org.department, transition="note",
                                    from_status=Status.PROCESSING, to_status=Status.PROCESSING,
                                    note=f"Sự kiện số {i}")
        step = HandoffFactory(dossier=dossier, order=10 + i, unit=org.department, unit_name=f"Bước tại Sở {i}",
                              state=Handoff.State.DONE, assignee=officer, received_by=officer, handed_by=officer,
                              started_at=at(17), due_at=at(18, 17), finished_at=at(18, 9))
        PauseFactory(dossier=dossier, handoff=step, requested_by=officer, reason=f"Tạm dừng số {i}",
                     resumed_at=at(22, 9), resumed_by=clerk, due_after=at(25, 17))
        ConsultationFactory(dossier=dossier, unit=org.c2, requested_by=officer, question=f"Xin ý kiến số {i}",
                            opinion="Đồng ý", answered_at=at(22, 10), answered_by=officer)


def test_dossier_detail_query_count_does_not_grow(client_for, clerk, officer, org, dossier):
    starts = itertools.count(0, 100)
    client = client_for(clerk)
    url = reverse("workflow:dossier", args=[dossier.code])
    client.get(url)  # the calendars and the version's methods, fees and components are then in the shared cache
    queries = assert_queries_do_not_grow(
        make_rows=lambda n: add_dossier_rows(dossier, n, next(starts), clerk=clerk, officer=officer, org=org),
        fetch=lambda: client.get(url),
    )
    # 13 on the load test's dossier (22 before the calendars and the version's methods, fees and
    # components came from the shared cache, the component and loose files from one query, and
    # one query asked whether there is an apology, consultation or pause).
    # 19 before the memberships and the bell's count came from the shared cache too and a dossier
    # that owes nothing stopped asking for its payment; + the dossier's Forms 02/03 slips.
    assert queries <= 16, queries  # + the dossier's Forms 02/03 slips, listed on the page
    body = client.get(url).content.decode()
    for label in ("Giấy tờ số", "ban-quet-", "tai-lieu-khac-", "Sự kiện số", "Bước tại Sở", "Tạm dừng số",
                  "Xin ý kiến số"):
        assert body.count(label) == 12, label


def test_dossier_page_without_apology_consultation_or_pause_asks_once_for_the_three(client_for, clerk, org, dossier,
                                                                                      django_assert_max_num_queries):
    """Most dossiers have no apology, consultation or pause: one query finds that out instead
    of one query for each."""
    client = client_for(clerk)
    url = reverse("workflow:dossier", args=[dossier.code])
    client.get(url)
    with django_assert_max_num_queries(14) as captured:
        assert client.get(url).status_code == 200
    read = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in read if sql.startswith(('SELECT "workflow_apology"', 'SELECT "workflow_pause"',
                                                        'SELECT "workflow_consultation"'))]
    PauseFactory(dossier=dossier, requested_by=clerk, reason="Tạm dừng để thử")
    body = client.get(url).content.decode()
    assert "Tạm dừng để thử" in body


def test_public_tracking_timeline_query_count_does_not_grow(client, clerk, officer, org, dossier):
    starts = itertools.count(0, 100)
    params = {"code": dossier.code, "secret": dossier.lookup_pin}
    assert_queries_do_not_grow(
        make_rows=lambda n: add_dossier_rows(dossier, n, next(starts), clerk=clerk, officer=officer, org=org),
        fetch=lambda: client.post(reverse("dossiers:track"), params),
    )
    body = client.post(reverse("dossiers:track"), params).content.decode()
    timeline = body[body.index('data-testid="public-timeline"'):]
    assert timeline.count("<li") == 12


def test_receipt_pdf_query_count_does_not_grow(client_for, clerk, officer, org, dossier):
    starts = itertools.count(0, 100)

    def make_rows(n):
        start = next(starts)
        add_dossier_rows(dossier, n, start, clerk=clerk, officer=officer, org=org)
        for i in range(start, start + n):
            Fee.objects.create(version=dossier.procedure_version, order=i, name=f"Lệ phí số {i}", amount=1000)

    client = client_for(clerk)
    url = reverse("workflow:receipt", args=[dossier.code])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    text = pdftotext(client.get(url).content)
    assert text.count("Giấy tờ số") == 12 and "Giấy tờ số 109" in text


def test_counter_search_waiting_and_to_return_query_count_does_not_grow(client_for, clerk, org):
    client = client_for(clerk)
    made = []

    def make_rows(n):
        for _ in range(n):
            for status in (Status.SUBMITTED, Status.RESULT_READY):
                made.append(DossierFactory(receiving_unit=org.c1, status=status, applicant_name="Lê Văn Cường",
                                           submitted_at=at(15)))

    url = reverse("dossiers:counter")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url, {"q": "Lê Văn Cường"}))
    body = client.get(url, {"q": "Lê Văn Cường"}).content.decode()
    # Each dossier is in the search results and in its own section (waiting check or to return).
    assert all(body.count(f">{d.code}<") == 2 for d in made) and len(made) == 24


def test_results_awaiting_collection_come_in_pages_earliest_due_first(client_for, clerk, org):
    import datetime

    from dossiers.views import COUNTER_PAGE_SIZE

    base = at(15)
    made = [DossierFactory(receiving_unit=org.c1, status=Status.RESULT_READY, due_at=base + datetime.timedelta(hours=i))
            for i in range(COUNTER_PAGE_SIZE + 5)]
    elsewhere = DossierFactory(receiving_unit=org.c3, status=Status.RESULT_READY, due_at=base)
    client = client_for(clerk)
    url = reverse("dossiers:counter")
    first, second = client.get(url), client.get(url, {"page": 2})
    shown = [[d.code for d in r.context["to_return"].object_list] for r in (first, second)]
    assert shown[0] == [d.code for d in made[:COUNTER_PAGE_SIZE]] and shown[1] == [d.code for d in made[-5:]]
    assert 'data-testid="to-return-count">25<' in first.content.decode()
    assert "page=2" in first.content.decode() and elsewhere.code not in first.content.decode()
    # The search typed is kept across pages; a page past the end shows the last one.
    assert "q=L%C3%AA&amp;page=2" in client.get(url, {"q": "Lê"}).content.decode()
    assert client.get(url, {"page": 99}).context["to_return"].number == 2


@pytest.mark.parametrize("htmx", [False, True])  # the page, and its results as htmx swaps them in
def test_procedure_picker_query_count_does_not_grow(client_for, clerk, org, htmx):
    client = client_for(clerk)
    codes = (f"1.{n:06d}" for n in itertools.count(800000))
    made = []

    def make_rows(n):
        for _ in range(n):
            made.append(published_version(code=next(codes), name=f"Đăng ký thử nghiệm {len(made)}",
                                          receiving=[org.c1]))

    url = reverse("workflow:receive_pick")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url, {"q": "dang ky thu"}, **headers))
    body = client.get(url, {"q": "dang ky thu"}, **headers).content.decode()
    assert all(reverse("workflow:receive", args=[v.procedure.national_code]) in body for v in made)
    assert len(made) == 12


def test_reception_checklist_query_count_does_not_grow(client_for, clerk, org):
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    orders = itertools.count(10)

    def make_rows(n):
        for _ in range(n):
            i = next(orders)
            ComponentRequirement.objects.create(version=version, order=i, name=f"Giấy tờ phải nộp {i}",
                                                originals=1)

    client = client_for(clerk)
    url = reverse("workflow:receive", args=["1.001193"])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    assert client.get(url).content.decode().count('data-testid="component"') == 13  # 12 added, 1 of the version
