import pytest

from portal.models import Role
from portal.permissions import can_see_unit, has_role, home_url_name, roles_of, units_visible_to
from tests.factories import MembershipFactory, UserFactory, staff


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_clerk_sees_only_own_commune(org, clerk):
    assert codes(units_visible_to(clerk)) == ["P01.20.01"]


def test_officer_of_department_does_not_see_communes(org, officer):
    assert codes(units_visible_to(officer)) == ["P01.15"]


def test_district_supervisor_sees_district_subtree_only(org, supervisor_d1):
    assert codes(units_visible_to(supervisor_d1)) == ["P01.20", "P01.20.01", "P01.20.02"]


def test_province_supervisor_sees_whole_province(org, supervisor):
    assert len(codes(units_visible_to(supervisor))) == 7


def test_user_with_several_roles_sees_the_union(org):
    user = staff(Role.CLERK, org.c1)
    MembershipFactory(user=user, unit=org.d2, role=Role.SUPERVISOR)
    assert codes(units_visible_to(user)) == ["P01.20.01", "P01.30", "P01.30.01"]
    assert codes(units_visible_to(user, Role.CLERK)) == ["P01.20.01"]


def test_citizen_and_anonymous_see_no_unit(org, citizen):
    from django.contrib.auth.models import AnonymousUser

    assert units_visible_to(citizen).count() == 0
    assert units_visible_to(AnonymousUser()).count() == 0


def test_expired_membership_grants_nothing(org):
    import datetime

    user = UserFactory()
    MembershipFactory(user=user, unit=org.c1, role=Role.CLERK, valid_to=datetime.date(2021, 1, 1))
    assert roles_of(user) == set()
    assert units_visible_to(user).count() == 0


def test_inactive_user_has_no_roles(org, clerk):
    clerk.is_active = False
    clerk.save()
    clerk.refresh_from_db()
    assert roles_of(clerk) == set()


def test_has_role_in_unit_respects_subtree_roles(org, clerk, supervisor_d1):
    assert has_role(clerk, Role.CLERK, unit=org.c1)
    assert not has_role(clerk, Role.CLERK, unit=org.c2)
    assert not has_role(clerk, Role.CLERK, unit=org.d1), "a clerk's scope does not extend upwards"
    assert has_role(supervisor_d1, Role.SUPERVISOR, unit=org.c2)
    assert not has_role(supervisor_d1, Role.SUPERVISOR, unit=org.c3)
    assert can_see_unit(supervisor_d1, org.c1) and not can_see_unit(supervisor_d1, org.department)


@pytest.mark.parametrize(
    "fixture, url_name",
    [
        ("clerk", "dossiers:counter"),
        ("officer", "workflow:inbox"),
        ("leader", "workflow:inbox"),
        ("supervisor", "workflow:overview"),
        ("editor", "procedures:manage"),
        ("citizen", "citizens:my_dossiers"),
    ],
)
def test_each_role_has_its_home(request, fixture, url_name):
    assert home_url_name(request.getfixturevalue(fixture)) == url_name


def test_moving_a_unit_rewrites_the_paths_of_its_subtree(org):
    org.d1.parent = org.department
    org.d1.save()
    org.c1.refresh_from_db()
    assert org.c1.path == f"{org.department.path}{org.d1.pk}/{org.c1.pk}/"
    assert [u.code for u in org.c1.ancestors()] == ["P01", "P01.15", "P01.20"]
