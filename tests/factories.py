"""factory_boy factories shared by every test folder."""

import datetime

import factory
from django.conf import settings

from portal.models import Membership, Role, Unit, UnitLevel, User

PASSWORD = "Test@12345"


def level(code):
    """A standard level (migration 0002 creates them; transactional tests flush them, so
    re-create from the same list when missing)."""
    from importlib import import_module

    levels = import_module("portal.migrations.0002_standard_levels_and_schedule").LEVELS
    _code, name, tier, administrative = next(row for row in levels if row[0] == code)
    return UnitLevel.objects.get_or_create(
        code=code, defaults={"name": name, "tier": tier, "is_administrative": administrative}
    )[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    personal_id = factory.Sequence(lambda n: f"{1090000000 + n:012d}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    code = factory.Sequence(lambda n: f"T{n:02d}")
    level = factory.LazyFunction(lambda: level("commune"))
    valid_from = datetime.date(2020, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CLERK
    valid_from = datetime.date(2020, 1, 1)


def staff(role, unit, **user_fields):
    """A user holding `role` in `unit`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


__all__ = ["PASSWORD", "settings"]
