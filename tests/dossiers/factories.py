import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Channel, Delivery, Dossier, Status
from procedures.models import ComponentRequirement, Field, Procedure, ProcedureVersion, TimeUnit


def published_version(*, code="1.001193", name="Đăng ký khai sinh", time_unit=TimeUnit.WORKING_DAYS,
                      processing_time=Decimal("3"), receiving_units=(), components=("Tờ khai đăng ký khai sinh",)):
    field, _ = Field.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    procedure, _ = Procedure.objects.get_or_create(national_code=code, defaults={"field": field, "name": name})
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=procedure.versions.count() + 1,
        status=ProcedureVersion.Status.PUBLISHED,
        effective_from=datetime.date(2025, 1, 1),
        name=name,
        time_unit=time_unit,
        processing_time=processing_time,
    )
    version.receiving_units.set(receiving_units)
    for order, component in enumerate(components):
        ComponentRequirement.objects.create(version=version, order=order, name=component, originals=1)
    return version


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    code = factory.Sequence(lambda n: f"P01.20.01-261120-{n + 1:04d}")
    procedure_version = factory.LazyFunction(published_version)
    procedure = factory.LazyAttribute(lambda d: d.procedure_version.procedure)
    applicant_name = "Nguyễn Văn An"
    applicant_personal_id = "001090012345"
    applicant_phone = "0912345678"
    receiving_unit = None
    current_unit = factory.LazyAttribute(lambda d: d.receiving_unit)
    channel = Channel.COUNTER
    delivery = Delivery.COUNTER
    status = Status.RECEIVED
    received_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC))
    due_at = factory.LazyAttribute(lambda d: d.received_at + datetime.timedelta(days=3))


SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(name="scan.pdf"):
    return SimpleUploadedFile(name, SCAN, content_type="application/pdf")


def walk_in(*, clerk, unit, version, applicant, received_at=None, **kwargs):
    """A complete walk-in reception through the counter's service: every component of the
    checklist received, each with its scan, the route started."""
    from workflow.reception.services import dossier_receive

    requirements = list(version.components.all())
    kwargs.setdefault("files", [(i, scan(f"scan-{i + 1}.pdf")) for i in range(len(requirements))])
    return dossier_receive(
        clerk=clerk, unit=unit, version=version, applicant=applicant,
        components=[{"requirement": r, "originals": max(r.originals, 1)} for r in requirements],
        delivery=kwargs.pop("delivery", Delivery.COUNTER), received_at=received_at, **kwargs)
