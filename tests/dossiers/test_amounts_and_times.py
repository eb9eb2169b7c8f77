"""Amounts with a dot between thousands and processing times as people say them, on the
counter's pages and on the receipt (Form 01)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from dossiers.models import Delivery
from dossiers.templatetags.dossier_tags import processing_time
from portal.money import vnd
from procedures.models import Fee, TimeUnit
from tests.dossiers.factories import published_version
from tests.dossiers.test_pages import PDF, pdftotext
from workflow.reception.services import dossier_receive


@pytest.fixture
def same_day_with_fee(org):
    version = published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("8"))
    Fee.objects.create(version=version, name="Lệ phí cấp bản sao trích lục", amount=8000)
    return version


@pytest.fixture
def received(org, clerk, same_day_with_fee):
    return dossier_receive(
        clerk=clerk, unit=org.c1, version=same_day_with_fee,
        applicant={"applicant_name": "Trần Thị Bích Ngọc", "applicant_personal_id": "019190001234",
                   "applicant_phone": "0987654321", "applicant_address": "Tổ 5, phường Mỹ Hà"},
        components=[{"requirement": c, "name": c.name, "originals": 1} for c in same_day_with_fee.components.all()],
        files=[(0, SimpleUploadedFile("to-khai.pdf", PDF))],
        delivery=Delivery.COUNTER,
        received_at=datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC),
    )


def test_amounts_have_a_dot_between_thousands_in_any_language():
    with translation.override("en"):
        assert vnd(8000) == "8.000" and vnd(1200000) == "1.200.000" and vnd(500) == "500"


def test_same_day_time_is_said_without_its_hours(db):
    assert processing_time(published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("8"))) == "trong ngày"


def test_working_days_are_said_with_their_number_and_no_trailing_zeros(db):
    version = published_version(time_unit=TimeUnit.WORKING_DAYS, processing_time=Decimal("3.00"))
    assert processing_time(version) == "3 ngày làm việc"
    assert processing_time(version, Decimal("0.50")) == "0.5 ngày làm việc"


def test_receipt_says_trong_ngay_and_the_fee_with_thousands_separator(client_for, clerk, received):
    text = pdftotext(client_for(clerk).get(reverse("workflow:receipt", args=[received.code])).content)
    assert "Thời gian giải quyết hồ sơ theo quy định: trong ngày" in text
    assert "8 trong ngày" not in text
    assert "Lệ phí cấp bản sao trích lục: 8.000 đồng" in text


def test_counter_reception_page_says_trong_ngay(client_for, clerk, same_day_with_fee):
    body = client_for(clerk).get(reverse("workflow:receive", args=["1.001193"])).content.decode()
    assert "trong ngày" in body and "8 trong ngày" not in body
