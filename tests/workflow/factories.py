"""Hand-offs, pauses, consultations and apologies built directly with the ORM, as the
workflow services would leave them, so report tests do not depend on those services."""

import datetime
from decimal import Decimal

import factory

from procedures.models import TimeUnit
from workflow.models import Apology, Consultation, Handoff, Pause, timeliness


def at(day, hour=9, minute=0, *, month=11, year=2026):
    """An aware datetime given in Hà Nội time (UTC+7), stored as UTC."""
    return datetime.datetime(year, month, day, hour - 7, minute, tzinfo=datetime.UTC)


class HandoffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handoff

    dossier = None
    order = factory.Sequence(lambda n: n + 1)
    kind = Handoff.Kind.PROCESS
    unit = None
    unit_name = factory.LazyAttribute(lambda h: h.unit.name)
    action = "Thẩm định hồ sơ"
    budget = Decimal("1")
    time_unit = TimeUnit.WORKING_DAYS
    state = Handoff.State.PENDING
    outcome = factory.LazyAttribute(
        lambda h: timeliness(h.finished_at, h.due_at) if h.state == Handoff.State.DONE else ""
    )


class PauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pause

    dossier = None
    rule = Pause.Rule.PAUSE
    requested_at = factory.LazyFunction(lambda: at(21))
    reason = "Thiếu giấy chứng sinh"
    dossier_hours_left = Decimal("16")
    due_before = factory.LazyAttribute(lambda p: p.dossier.due_at)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    dossier = None
    unit = None
    question = "Xin ý kiến về nơi cư trú của người được đăng ký"
    requested_at = factory.LazyFunction(lambda: at(21))
    due_at = factory.LazyFunction(lambda: at(23, 17))


class ApologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Apology

    dossier = None
    unit = factory.LazyAttribute(lambda a: a.dossier.current_unit)
    number = factory.Sequence(lambda n: f"{n + 1:02d}/PXL")
    reason = "Cần xác minh thông tin nơi cư trú tại địa phương khác"
    old_due_at = factory.LazyAttribute(lambda a: a.dossier.due_at)
    new_due_at = factory.LazyAttribute(lambda a: a.old_due_at + datetime.timedelta(days=4))
    state = Apology.State.APPROVED
    approved_at = factory.LazyAttribute(lambda a: a.old_due_at - datetime.timedelta(days=1))
