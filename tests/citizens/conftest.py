"""Fixtures of the citizen portal tests: an online (level 4) birth registration received by
commune C1, with a commune route, two components and a fee; files to upload."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Delivery, Outcome
from procedures.models import Fee, ProcedureVersion, RouteStep
from tests.dossiers.factories import published_version
from tests.factories import CitizenFactory, level

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def pdf(name="to-khai.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="giay-chung-sinh.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def fake_pdf(name="virus.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is an executable", content_type="application/pdf")


def online_version(org, *, code="1.001193", fee=0, fee_payment=ProcedureVersion.FeePayment.BEFORE,
                   online_level=4):
    version = published_version(code=code, name="Đăng ký khai sinh", processing_time=Decimal("3"),
                                receiving_units=[org.c1],
                                components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"))
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=online_level, fee_payment=fee_payment)
    version.refresh_from_db()
    if fee:
        Fee.objects.create(version=version, name="Lệ phí cấp bản sao trích lục", amount=fee)
    commune = level("commune")
    for order, (is_counter, action, budget) in enumerate([
        (True, "Tiếp nhận", "0.5"), (False, "Thẩm định, dự thảo", "1"), (False, "Lãnh đạo ký", "1"),
        (True, "Trả kết quả", "0.5"),
    ]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=action,
                                 handler_level=None if is_counter else commune, budget=Decimal(budget))
    return version


@pytest.fixture
def version(org):
    return online_version(org)


@pytest.fixture
def other_citizen(db):
    return CitizenFactory(username="other_citizen", full_name="Lê Thị Bình")


def submitted(citizen, version, org, *, delivery=Delivery.ONLINE, files=True):
    """An online dossier submitted by `citizen` through the services (no browser)."""
    from citizens import services

    draft = services.draft_start(citizen=citizen, version=version)
    applicant = services.applicant_initial(citizen)
    applicant["applicant_address"] = "Thôn 1, xã Mỹ Hà"
    services.draft_save(draft=draft, step="applicant", data=applicant, unit=org.c1)
    if files:
        for requirement in version.components.all():
            services.draft_file_add(draft=draft, requirement=requirement, upload=pdf())
    services.draft_save(draft=draft, step="delivery", data={"delivery": delivery}, next_step="review")
    dossier, _created = services.draft_submit(draft=draft, citizen=citizen, declaration=True)
    return dossier


_RESULT = []


def result_pdf(name="trich-luc-khai-sinh.pdf"):
    """A real (WeasyPrint) PDF: a result the leader's approval can sign."""
    if not _RESULT:
        from portal.pdf import html_to_pdf

        _RESULT.append(html_to_pdf("<h1>Trích lục khai sinh</h1><p>Bản điện tử.</p>"))
    return pdf(name, _RESULT[0])


def returned(dossier, *, clerk, officer, leader):
    """Move an online dossier through the commune route to a returned, signed result file
    (the test needs the `unit_certificate` fixture: commune C1 signs)."""
    from workflow.routing import services as wf

    dossier = wf.online_accept(dossier=dossier, clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=officer)
    wf.result_file_add(dossier=dossier, actor=leader, upload=result_pdf())
    dossier = wf.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED, note="Đã đăng ký")
    return wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)


