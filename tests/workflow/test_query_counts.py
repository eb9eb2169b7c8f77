"""Query-count gates of the workflow pages: each costs the same number of queries for a few
rows as for many, and the rows made really are on the page.

Gated elsewhere: the officer's inbox (test_inbox_and_actions), the supervision dashboard, dossier
list and statistics page (test_supervision_pages), the process-control slip and the tracking
book (test_reports)."""

import csv
import io
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import Role
from tests.dossiers.factories import DossierFactory
from tests.factories import UnitFactory, staff
from tests.helpers import assert_queries_do_not_grow
from tests.procedures.factories import FieldFactory, published_version
from tests.workflow.test_inbox_and_actions import forwarded
from tests.workflow.test_processing import commune_version, receive
from tests.workflow.test_stats import at
from workflow.models import Handoff, Notification, NotificationChannel
from workflow.notifications import outbox as notifications
from workflow.routing import services

OCTOBER_QUERY = {"period": "month", "year": 2026, "month": 10}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def text(response):
    return response.content.decode()


# --- notifications ---------------------------------------------------------------------------


def test_notification_list_query_count_does_not_grow(client_for, citizen, org):
    dossier = DossierFactory(receiving_unit=org.c1, citizen=citizen)
    context = notifications.dossier_context(dossier)

    def make_rows(n):
        Notification.objects.bulk_create(
            Notification(recipient=citizen, channel=NotificationChannel.IN_APP, kind="result_ready",
                         dossier=dossier, context=context) for _ in range(n))
        notifications.forget_unread([citizen.pk])  # as outbox_add does for the bell's count

    client = client_for(citizen)
    url = reverse("workflow:notifications")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = text(client.get(url))
    assert body.count(f"Hồ sơ {dossier.code} đã có kết quả") == 12
    assert body.count(f"Kính gửi {citizen.get_full_name()}") == 12  # the body names its recipient


def test_notification_failures_query_count_does_not_grow(client_for, supervisor, org):
    made = []

    def make_rows(n):
        for _ in range(n):
            i = len(made)
            dossier = DossierFactory(receiving_unit=org.c1)
            recipient = staff(Role.CLERK, org.c1, username=f"failed{i}", full_name=f"Người nhận lỗi {i}")
            made.append(Notification.objects.create(
                recipient=recipient, address=f"failed{i}@example.vn", channel=NotificationChannel.EMAIL,
                kind="received", dossier=dossier, failed_permanently=True, attempts=6,
                last_error="SMTPRecipientsRefused: 550 no such user"))

    client = client_for(supervisor)
    url = reverse("workflow:notification_failures")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = text(client.get(url))
    assert body.count("Người nhận lỗi") == 12
    assert all(reverse("workflow:dossier", args=[row.dossier.code]) in body for row in made)


# --- the leader's inbox ----------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["leader_c1", "officer_c1"])  # assignment pickers / assignees' names
def test_inbox_with_assignees_query_count_does_not_grow(request, client_for, clerk, leader_c1, officer_c1, org,
                                                        viewer):
    version = commune_version()
    made = []

    def make_rows(n):
        """n more active steps at commune C1, assigned to the commune officer."""
        for _ in range(n):
            dossier = forwarded(clerk, org, version)
            Handoff.objects.filter(dossier=dossier, state=Handoff.State.ACTIVE).update(assignee=officer_c1)
            made.append(dossier)

    client = client_for(request.getfixturevalue(viewer))
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(reverse("workflow:inbox")))
    body = text(client.get(reverse("workflow:inbox")))
    table = body[body.index('data-testid="inbox"'):body.index("</table>")]
    assert all(d.code in table for d in made) and len(made) == 12
    name = officer_c1.get_full_name()
    assert table.count(f"selected>{name}</option>" if viewer == "leader_c1" else name) == 12


# --- supervision: public disclosure, exports and the monthly report ---------------------------


@pytest.fixture
def units_receiving(org):
    """make_rows(n): n more communes of district D2, each receiving one dossier of its own
    procedure (in a field of its own) on 5 October and sending it on to its officers."""
    made = []

    def make_rows(n):
        for _ in range(n):
            i = len(made)
            unit = UnitFactory(parent=org.d2, code=f"P01.30.{i + 10}", name=f"Ủy ban nhân dân xã Số Liệu {i}")
            counter_clerk = staff(Role.CLERK, unit, username=f"clerk_qc{i}", full_name="Cán bộ một cửa")
            version = published_version(code=f"1.{900000 + i:06d}", name=f"Thủ tục số liệu {i}", receiving=[unit],
                                        field=FieldFactory(code=f"so-lieu-{i}", name=f"Lĩnh vực số liệu {i}"))
            dossier = receive(counter_clerk, unit, version, at(5, 8))
            services.dossier_forward(dossier=dossier, actor=counter_clerk, at=at(5, 9))
            made.append(unit)

    make_rows.made = made
    return make_rows


def test_public_disclosure_query_count_does_not_grow_with_units_and_fields(client, units_receiving,
                                                                            on_the_20th):
    def fetch():
        cache.clear()  # the page caches its tables: count the queries that compute them
        return client.get(reverse("workflow:disclosure"))

    assert_queries_do_not_grow(make_rows=units_receiving, fetch=fetch, small=1, large=4)
    body = text(fetch())
    # Each unit and each field, in this month's and this year's table.
    assert body.count("Ủy ban nhân dân xã Số Liệu") == 2 * 4 and body.count("Lĩnh vực số liệu") == 2 * 4


@pytest.mark.parametrize("table, fmt", [("figures", "csv"), ("steps", "csv"), ("all", "xlsx")])
def test_statistics_export_query_count_does_not_grow_with_units(client_for, supervisor, units_receiving,
                                                                on_the_20th, table, fmt):
    client = client_for(supervisor)
    url = reverse("workflow:statistics_export", args=[table, fmt])
    assert_queries_do_not_grow(make_rows=units_receiving, fetch=lambda: client.get(url, OCTOBER_QUERY),
                               small=1, large=4)
    response = client.get(url, {**OCTOBER_QUERY, "group": "unit"})
    if fmt == "csv":
        names = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0 if table != "steps" else 1]
        names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert all(unit.name in names for unit in units_receiving.made) and len(units_receiving.made) == 4


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_monthly_report_query_count_does_not_grow_with_units(client_for, supervisor, units_receiving,
                                                             on_the_20th, fmt):
    client = client_for(supervisor)
    url = reverse("workflow:monthly_report", args=[fmt])
    params = {"year": 2026, "month": 10}
    assert_queries_do_not_grow(make_rows=units_receiving, fetch=lambda: client.get(url, params), small=1, large=4)
    response = client.get(url, params)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        content = " ".join(str(row[0]) for row in sheet.iter_rows(values_only=True))
    else:
        content = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                                 check=True).stdout.decode()
    assert all(unit.name in content for unit in units_receiving.made)
