"""Query-count gates of the organisation pages: each costs the same number of queries for
2 rows as for 12, and the rows made really are on the page.

Gated elsewhere: the unit list (test_unit_pages)."""

import itertools

from django.urls import reverse

from portal.models import Role
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow


def test_unit_detail_query_count_does_not_grow(client_for, supervisor, org):
    client = client_for(supervisor)
    numbers = itertools.count(10)

    def make_rows(n):
        """n more communes under district D2, and n more officers of D2."""
        for _ in range(n):
            i = next(numbers)
            UnitFactory(parent=org.d2, code=f"P01.30.{i}", name=f"Ủy ban nhân dân xã Thử {i}")
            MembershipFactory(user=UserFactory(full_name=f"Cán bộ Thử {i}"), unit=org.d2, role=Role.OFFICER)

    url = reverse("unit_detail", args=[org.d2.code])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert body.count("Ủy ban nhân dân xã Thử") == 12 and body.count("Cán bộ Thử") == 12
