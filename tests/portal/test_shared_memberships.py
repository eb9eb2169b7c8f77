"""Issue 22 item 5: a staff member's memberships are kept in the shared cache between requests
(one query fewer on every signed-in page), and a change is seen by the very next request."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services
from portal.models import Membership, Role
from portal.permissions import memberships_of
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _membership_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries if 'FROM "portal_membership"' in q["sql"]]


def test_read_once_then_from_the_shared_cache(org, client_for):
    clerk = staff(Role.CLERK, org.c1)
    client = client_for(clerk)
    url = reverse("dossiers:counter")
    cache.clear()  # signing in (the second step) already read them
    response, first = _membership_queries(client, url)
    assert response.status_code == 200 and len(first) == 1
    response, again = _membership_queries(client, url)
    assert response.status_code == 200 and again == []


def test_a_revoked_membership_is_refused_on_the_next_request(org, client_for):
    clerk = staff(Role.CLERK, org.c1)
    client = client_for(clerk)
    url = reverse("dossiers:counter")
    assert client.get(url).status_code == 200
    services.membership_revoke(membership=Membership.objects.get(user=clerk),
                               on=datetime.date.today() - datetime.timedelta(days=1))
    assert client.get(url).status_code == 403


def test_a_membership_deleted_or_granted_elsewhere_is_seen(org, client_for):
    clerk = staff(Role.CLERK, org.c1)
    client = client_for(clerk)
    assert client.get(reverse("dossiers:counter")).status_code == 200
    Membership.objects.filter(user=clerk).delete()  # e.g. in the admin: post_delete per row
    assert client.get(reverse("dossiers:counter")).status_code == 403
    Membership.objects.create(user=clerk, unit=org.c1, role=Role.CLERK, valid_from=datetime.date(2000, 1, 1))
    assert client.get(reverse("dossiers:counter")).status_code == 200


def test_a_unit_renamed_is_seen_in_the_memberships_kept(org):
    clerk = staff(Role.CLERK, org.c1)
    assert memberships_of(clerk)[0].unit.name == org.c1.name
    org.c1.name = "Ủy ban nhân dân phường Mỹ Hà"
    org.c1.save()
    clerk.__dict__.pop("_portal_memberships")  # a new request
    assert memberships_of(clerk)[0].unit.name == "Ủy ban nhân dân phường Mỹ Hà"


def test_a_deactivated_user_keeps_no_membership(org):
    clerk = staff(Role.CLERK, org.c1)
    assert memberships_of(clerk)
    clerk.is_active = False
    clerk.save()
    clerk.__dict__.pop("_portal_memberships")
    assert memberships_of(clerk) == []
