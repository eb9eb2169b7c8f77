"""Issue 22, item 2: supervision statistics, exports and the public disclosure page read the
replica (portal/db_router.py); everything else, the acting user's dossier pages first, reads the
primary. The replica here is a second PostgreSQL test database (portal/settings/test.py): the
tests copy the primary's rows into it, then change the primary, so the replica holds the older
state (as a lagging replica does) and each page shows which database it read."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.urls import reverse

from portal.db_router import STICKY_COOKIE, replica_lag, use_replica
from portal.models import Unit
from tests.dossiers.test_pages import received  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db(databases=["default", "replica"]), pytest.mark.usefixtures("replica_tables")]

OLD, NEW = "Ủy ban nhân dân xã Mỹ Hà", "Ủy ban nhân dân phường Mỹ Hà Mới"


@pytest.fixture(scope="session")
def replica_tables(django_db_setup, django_db_blocker):
    """The replica's tables, made from the models once per run (the router never migrates the
    replica: in production it follows the primary)."""
    connection = connections["replica"]
    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        with connection.schema_editor() as editor:
            for model in apps.get_models():
                if model._meta.managed and not model._meta.proxy and model._meta.db_table not in existing:
                    editor.create_model(model)


def mirror():
    """Replace every row of the replica with the primary's (foreign keys are checked at commit,
    which a test never reaches, so the order does not matter; the test's rollback undoes it all)."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    with connections["replica"].cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connections['replica'].ops.quote_name(m._meta.db_table) for m in models)}")
    for model in models:
        rows = list(model._base_manager.using("default").all())
        if rows:
            model._base_manager.using("replica").bulk_create(rows)


@pytest.fixture
def replica(settings, received, citizen, time_machine):  # noqa: F811
    """The replica switched on, holding the primary's rows from before the commune was renamed.
    Early December 2026: the disclosure page's "this year" holds the dossier received in November."""
    time_machine.move_to(datetime.datetime(2026, 12, 6, 3, 0, tzinfo=datetime.UTC))
    settings.DATABASE_REPLICA_ENABLED = True
    settings.DATABASE_REPLICA_LAG_CHECK_SECONDS = 0  # measure on every request
    received.citizen = citizen
    received.save(update_fields=["citizen"])
    mirror()
    Unit.objects.filter(pk=received.receiving_unit_id).update(name=NEW)
    assert Unit.objects.using("replica").get(pk=received.receiving_unit_id).name == OLD
    return received


def disclosure(client):
    cache.clear()  # the page caches its tables
    return client.get(reverse("workflow:disclosure")).content.decode()


def statistics(client):
    return client.get(reverse("workflow:statistics"), {"period": "year", "year": "2026"}).content.decode()


def test_the_public_disclosure_page_reads_the_replica(client, replica, settings):
    assert OLD in disclosure(client) and NEW not in disclosure(client)
    settings.DATABASE_REPLICA_ENABLED = False  # no DATABASE_REPLICA_URL: the primary
    assert NEW in disclosure(client) and OLD not in disclosure(client)


def test_statistics_and_their_export_read_the_replica(client_for, supervisor, replica):
    client = client_for(supervisor)
    body = statistics(client)
    assert OLD in body and NEW not in body
    export = client.get(reverse("workflow:statistics_export", args=["figures", "csv"]),
                        {"period": "year", "year": "2026"})
    assert export.status_code == 200
    assert OLD in export.content.decode("utf-8-sig") and NEW not in export.content.decode("utf-8-sig")


def test_the_acting_users_dossier_pages_always_read_the_primary(client_for, citizen, clerk, replica):
    page = client_for(citizen).get(reverse("citizens:dossier", args=[replica.code])).content.decode()
    assert NEW in page and OLD not in page
    page = client_for(clerk).get(reverse("workflow:dossier", args=[replica.code])).content.decode()
    assert NEW in page  # (its route table keeps each hand-off's unit name as it was then)


def test_after_a_change_the_user_reads_the_primary_for_a_while(client_for, supervisor, replica, settings):
    client = client_for(supervisor)
    assert OLD in statistics(client)
    response = client.post(reverse("workflow:notifications_read_all"))
    assert response.cookies[STICKY_COOKIE]["max-age"] == settings.DATABASE_REPLICA_STICKY_SECONDS
    assert NEW in statistics(client)  # their own change would be visible: the primary
    client.cookies[STICKY_COOKIE] = "1"  # the moment has passed
    assert OLD in statistics(client)


def test_no_sticky_cookie_without_a_replica(client_for, supervisor, settings):
    settings.DATABASE_REPLICA_ENABLED = False
    response = client_for(supervisor).post(reverse("workflow:notifications_read_all"))
    assert STICKY_COOKIE not in response.cookies


def test_a_replica_too_far_behind_is_skipped(client, replica, settings):
    assert replica_lag(fresh=True) == 0  # a database not in recovery: nothing to replay
    settings.DATABASE_REPLICA_MAX_LAG = -1  # any lag is too much
    assert NEW in disclosure(client)


def test_a_replica_that_does_not_answer_is_skipped(client, replica):
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])  # the replica's connection is cut
    assert replica_lag(fresh=True) is None
    assert NEW in disclosure(client)


def test_in_a_replica_scope_writes_go_to_the_primary_and_later_reads_follow_them(replica):
    pk = replica.receiving_unit_id
    with use_replica():
        assert Unit.objects.get(pk=pk).name == OLD
        Unit.objects.filter(pk=pk).update(short_name="Mỹ Hà")
        assert Unit.objects.get(pk=pk).name == NEW  # read after write: the primary
    assert Unit.objects.get(pk=pk).name == NEW  # outside the scope: the primary
    assert Unit.objects.using("replica").get(pk=pk).short_name != "Mỹ Hà"
