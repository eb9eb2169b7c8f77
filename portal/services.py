"""Writes to the organisation: each function is one business action in one transaction."""

import datetime

from django.db import transaction

from .models import Membership, Unit
from .permissions import forget_memberships


@transaction.atomic
def membership_grant(*, user, unit, role, title="", is_head=False, valid_from=None):
    membership, _ = Membership.objects.update_or_create(
        user=user,
        unit=unit,
        role=role,
        defaults={
            "title": title,
            "is_head": is_head,
            "valid_from": valid_from or datetime.date(2000, 1, 1),
            "valid_to": None,
        },
    )
    forget_memberships(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership, on):
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    forget_memberships(membership.user)
    return membership


@transaction.atomic
def unit_create(*, name, code, level, parent=None, **fields):
    unit = Unit(name=name, code=code, level=level, parent=parent, **fields)
    unit.full_clean()
    unit.save()
    return unit
