import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procedures import services
from procedures.models import ComponentRequirement, ProcedureVersion, RouteStep
from tests.factories import level

from .factories import LegalDocumentFactory, VersionFactory, complete_version, published_version

TODAY = datetime.date.today()


@pytest.fixture
def draft(org, editor):
    version = VersionFactory(number=1, effective_from=TODAY)
    return complete_version(version, receiving=[org.c1])


def test_publish_makes_the_draft_the_version_in_force(draft, editor):
    services.procedure_version_publish(version=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.PUBLISHED
    assert draft.published_by == editor
    assert draft.procedure.current_version() == draft


def test_publish_refuses_a_route_that_does_not_add_up(draft, editor):
    RouteStep.objects.filter(version=draft, order=2).update(budget=Decimal("1"))
    with pytest.raises(ValidationError) as exc:
        services.procedure_version_publish(version=draft, user=editor)
    assert any("Tổng thời gian các bước (2)" in m for m in exc.value.messages)
    draft.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.DRAFT


def test_publish_requires_a_component_and_a_legal_basis(draft, editor):
    ComponentRequirement.objects.filter(version=draft).delete()
    draft.legal_documents.clear()
    problems = services.publish_problems(draft)
    assert "Thủ tục phải có ít nhất một thành phần hồ sơ." in problems
    assert "Thủ tục phải có ít nhất một căn cứ pháp lý." in problems
    with pytest.raises(ValidationError):
        services.procedure_version_publish(version=draft, user=editor)


def test_same_day_budget_is_limited_to_one_working_day(draft, editor):
    draft.time_unit = ProcedureVersion.TimeUnit.SAME_DAY
    draft.processing_time = Decimal("9")
    draft.save()
    RouteStep.objects.filter(version=draft, order=2).update(budget=Decimal("8"))
    problems = services.publish_problems(draft)
    assert "Thủ tục giải quyết trong ngày: tổng thời gian không quá 8 giờ làm việc." in problems


def test_a_dossier_reference_to_a_version_stays_valid_after_a_new_version(org, editor):
    """A dossier keeps the version it was received under (DOMAIN §3): publishing v2 neither
    changes nor deletes v1, and v1 stays the version in force on its dates."""
    v1 = published_version(name="Đăng ký khai sinh", receiving=[org.c1], effective_from=datetime.date(2025, 1, 1))
    received_under = v1.pk  # what a dossier stores
    v2 = services.procedure_version_duplicate(version=v1, user=editor)
    assert v2.number == 2 and v2.status == ProcedureVersion.Status.DRAFT
    assert v2.components.count() == v1.components.count() and v2.steps.count() == v1.steps.count()
    v2.processing_time = Decimal("5")
    v2.effective_from = TODAY
    v2.save()
    RouteStep.objects.filter(version=v2, order=2).update(budget=Decimal("4"))
    services.procedure_version_publish(version=v2, user=editor)

    v1 = ProcedureVersion.objects.get(pk=received_under)
    assert v1.processing_time == Decimal("3")
    assert v1.steps.get(order=2).budget == Decimal("2")
    assert v1.effective_to == TODAY - datetime.timedelta(days=1)
    assert v1.status == ProcedureVersion.Status.RETIRED
    procedure = v1.procedure
    assert procedure.current_version() == v2
    assert procedure.current_version(on=TODAY - datetime.timedelta(days=1)) == v1


def test_a_new_version_starting_later_leaves_the_old_one_in_force_until_then(org, editor):
    v1 = published_version(receiving=[org.c1])
    v2 = services.procedure_version_duplicate(version=v1, user=editor)
    start = TODAY + datetime.timedelta(days=10)
    v2.effective_from = start
    v2.save()
    services.procedure_version_publish(version=v2, user=editor)
    v1.refresh_from_db()
    assert v1.status == ProcedureVersion.Status.PUBLISHED
    assert v1.effective_to == start - datetime.timedelta(days=1)
    assert v1.procedure.current_version() == v1
    assert v1.procedure.current_version(on=start) == v2
    # The daily tidy-up retires it once its last day has passed.
    assert services.procedure_versions_retire_superseded(on=start) == 1


def test_duplicating_twice_returns_the_same_draft(org, editor):
    v1 = published_version(receiving=[org.c1])
    first = services.procedure_version_duplicate(version=v1, user=editor)
    assert services.procedure_version_duplicate(version=v1, user=editor) == first


def test_published_versions_cannot_be_edited(org, editor):
    v1 = published_version(receiving=[org.c1])
    with pytest.raises(ValidationError):
        services.procedure_version_update(version=v1, user=editor, fields={"name": "Khác"})


def test_retire_ends_the_version(org, editor):
    v1 = published_version(receiving=[org.c1])
    services.procedure_version_retire(version=v1, user=editor, on=TODAY)
    v1.refresh_from_db()
    assert v1.status == ProcedureVersion.Status.RETIRED
    assert v1.procedure.current_version() is None


def test_every_edit_is_kept_in_the_history_with_its_author(draft, editor):
    services.procedure_version_update(version=draft, user=editor, fields={"name": "Đăng ký khai sinh lưu động"})
    record = draft.history.latest()
    assert record.history_user == editor
    assert record.name == "Đăng ký khai sinh lưu động"
    assert "name" in record.diff_against(record.prev_record).changed_fields


def test_online_level_is_shown_in_both_vocabularies():
    version = ProcedureVersion(online_level=4)
    assert str(version.online_class) == "Dịch vụ công trực tuyến toàn trình"
    assert "Mức độ 4" in version.get_online_level_display()
    assert ProcedureVersion(online_level=3).online_class == "Dịch vụ công trực tuyến một phần"
    assert ProcedureVersion(online_level=2).online_class is None


def test_route_step_needs_exactly_one_kind_of_handler(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RouteStep.objects.create(version=draft, order=9, budget=1, action="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        RouteStep.objects.create(version=draft, order=9, budget=1, action="x", handler_level=level("district"),
                                 handler_unit=draft.receiving_units.first())


def test_legal_document_expiry(db):
    new = LegalDocumentFactory(number="04/2020/TT-BTP")
    old = LegalDocumentFactory(number="15/2015/TT-BTP", expired_on=datetime.date(2020, 7, 16), replaced_by=new)
    assert old.is_expired() and not old.is_in_force()
    assert new.is_in_force()


def test_the_listing_name_follows_a_version_that_starts_later(org, editor):
    v1 = published_version(name="Đăng ký khai sinh", receiving=[org.c1])
    v2 = services.procedure_version_duplicate(version=v1, user=editor)
    start = TODAY + datetime.timedelta(days=3)
    services.procedure_version_update(version=v2, user=editor, fields={"name": "Đăng ký khai sinh (mới)",
                                                                      "effective_from": start})
    services.procedure_version_publish(version=v2, user=editor)
    v1.procedure.refresh_from_db()
    assert v1.procedure.name == "Đăng ký khai sinh"
    services.procedure_versions_retire_superseded(on=start)
    v1.procedure.refresh_from_db()
    assert v1.procedure.name == "Đăng ký khai sinh (mới)"
    assert v1.procedure.search_text.startswith("dang ky khai sinh (moi)")
