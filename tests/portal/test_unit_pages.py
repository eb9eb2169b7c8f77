import pytest
from django.urls import reverse

from tests.helpers import assert_queries_do_not_grow


def test_clerk_sees_own_unit_page(client_for, clerk, org):
    response = client_for(clerk).get(reverse("unit_detail", args=[org.c1.code]))
    assert response.status_code == 200
    assert "Ủy ban nhân dân xã Mỹ Hà" in response.content.decode()


def test_clerk_of_other_commune_gets_404_on_unit_page(client_for, clerk, org):
    response = client_for(clerk).get(reverse("unit_detail", args=[org.c2.code]))
    assert response.status_code == 404
    assert "Mỹ Thắng" not in response.content.decode()


def test_clerk_of_commune_gets_404_on_parent_district_page(client_for, clerk, org):
    assert client_for(clerk).get(reverse("unit_detail", args=[org.d1.code])).status_code == 404


def test_unit_list_shows_only_visible_units(client_for, clerk, org):
    body = client_for(clerk).get(reverse("unit_list")).content.decode()
    assert "Mỹ Hà" in body and "Mỹ Thắng" not in body and "Đồng Tâm" not in body


def test_citizen_gets_403_on_unit_pages(client_for, citizen, org):
    client = client_for(citizen)
    assert client.get(reverse("unit_list")).status_code == 403
    assert client.get(reverse("unit_detail", args=[org.c1.code])).status_code == 403


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(reverse("unit_detail", args=[org.c1.code]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_403_page_is_vietnamese(client_for, citizen):
    response = client_for(citizen).get(reverse("unit_list"))
    assert "Bạn không có quyền truy cập trang này" in response.content.decode()


@pytest.mark.parametrize(
    "fixture, url_name, status",
    [
        ("clerk", "workflow:inbox", 403),
        ("clerk", "workflow:overview", 403),
        ("clerk", "procedures:manage", 403),
        ("officer", "dossiers:counter", 403),
        ("editor", "dossiers:counter", 403),
        ("citizen", "dossiers:counter", 403),
        ("citizen", "procedures:manage", 403),
        ("clerk", "dossiers:counter", 200),
        ("supervisor", "workflow:supervision", 200),
    ],
)
def test_role_pages_refuse_other_roles(request, client_for, fixture, url_name, status):
    assert client_for(request.getfixturevalue(fixture)).get(reverse(url_name)).status_code == status


def test_switch_unit_refuses_a_unit_the_user_is_not_member_of(client_for, clerk, org):
    response = client_for(clerk).post(reverse("switch_unit"), {"unit": org.c2.pk})
    assert response.status_code == 403


def test_switch_unit_changes_the_header(client_for, org):
    from portal.models import Role
    from tests.factories import MembershipFactory, staff

    user = staff(Role.CLERK, org.c1)
    MembershipFactory(user=user, unit=org.c2, role=Role.CLERK)
    client = client_for(user)
    response = client.post(reverse("switch_unit"), {"unit": org.c2.pk, "next": "/counter/"}, follow=True)
    assert response.status_code == 200
    assert 'data-testid="current-unit">Ủy ban nhân dân xã Mỹ Thắng<' in response.content.decode()


def test_unit_list_query_count_does_not_grow(client_for, supervisor, org):
    from tests.factories import UnitFactory

    client = client_for(supervisor)
    assert_queries_do_not_grow(
        make_rows=lambda n: UnitFactory.create_batch(n, parent=org.d2),
        fetch=lambda: client.get(reverse("unit_list")),
    )
