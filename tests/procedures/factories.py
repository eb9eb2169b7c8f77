"""Factories of the catalogue: a complete, publishable procedure in one call."""

import datetime
from decimal import Decimal

import factory

from procedures.models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)
from tests.factories import level


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class LegalDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalDocument
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{n + 1}/2015/NĐ-CP")
    title = "Nghị định quy định chi tiết thi hành Luật Hộ tịch"
    issuer = "Chính phủ"
    issued_on = datetime.date(2015, 11, 15)
    effective_from = datetime.date(2016, 1, 1)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("national_code",)

    national_code = factory.Sequence(lambda n: f"1.{n + 100000:06d}")
    field = factory.SubFactory(FieldFactory)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda v: v.procedure.name)
    authority_level = factory.LazyFunction(lambda: level("commune"))
    time_unit = ProcedureVersion.TimeUnit.WORKING_DAYS
    processing_time = Decimal("3")
    online_level = 3
    effective_from = datetime.date(2025, 1, 1)


def complete_version(version, *, receiving=None, budgets=("0.5", "2", "0.5"), components=1, legal=True):
    """Give `version` what publishing requires: a route adding up, components, legal basis."""
    for order, budget in enumerate(budgets, start=1):
        RouteStep.objects.create(
            version=version, order=order, budget=Decimal(budget), is_counter=order in (1, len(budgets)),
            handler_level=None if order in (1, len(budgets)) else level("commune"),
            action=f"Bước {order}",
        )
    for order in range(1, components + 1):
        ComponentRequirement.objects.create(version=version, order=order, name=f"Tờ khai số {order}", originals=1)
    if legal:
        version.legal_documents.add(LegalDocumentFactory(number="123/2015/NĐ-CP"))
    if receiving is not None:
        version.receiving_units.add(*receiving)
    Fee.objects.create(version=version, name="Lệ phí", amount=8000, exemptions="Miễn cho hộ nghèo")
    ProcedureMethod.objects.create(version=version, channel="counter", processing_time=version.processing_time)
    return version


def published_version(*, name="Thủ tục thử nghiệm", code=None, receiving=(), field=None, online_level=3,
                      effective_from=datetime.date(2025, 1, 1), **fields):
    procedure = ProcedureFactory(
        name=name, **({"national_code": code} if code else {}), **({"field": field} if field else {})
    )
    version = VersionFactory(
        procedure=procedure, number=1, name=name, status=ProcedureVersion.Status.PUBLISHED,
        effective_from=effective_from, online_level=online_level, **fields,
    )
    complete_version(version, receiving=list(receiving))
    return version
