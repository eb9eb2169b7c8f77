"""Issue 20: the home page's shortcuts take a first-time citizen to the procedure page in one tap:
the procedures most filed in the last 90 days first, then those that can be filed online."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from dossiers import selectors
from procedures import catalogue_cache
from procedures.models import ProcedureVersion

from .factories import DossierFactory, published_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _version(code, name, online_level=2):
    version = published_version(code=code, name=name)
    ProcedureVersion.objects.filter(pk=version.pk).update(online_level=online_level)
    version.refresh_from_db()
    return version


def _filed(org, version, count, *, days_ago=1):
    received = timezone.now() - datetime.timedelta(days=days_ago)
    for _ in range(count):
        DossierFactory(procedure_version=version, received_at=received, receiving_unit=org.c1)


def test_most_filed_first_then_online_ones(org, django_assert_max_num_queries):
    marriage = _version("1.000894", "Đăng ký kết hôn")
    birth = _version("1.001193", "Đăng ký khai sinh", online_level=4)
    residence = _version("1.004222", "Đăng ký thường trú", online_level=3)
    _version("2.000001", "Cấp giấy phép xây dựng")  # neither filed nor online: not shown
    old = _version("1.001022", "Đăng ký khai tử")
    _filed(org, marriage, 3)
    _filed(org, birth, 1)
    _filed(org, old, 5, days_ago=120)  # outside the 90 days
    with django_assert_max_num_queries(3):
        found = selectors.most_requested_procedures(limit=6)
    assert found == [("1.000894", "Đăng ký kết hôn", 2), ("1.001193", "Đăng ký khai sinh", 4),
                     ("1.004222", "Đăng ký thường trú", 3)]
    assert residence.procedure.national_code == found[-1][0]
    assert selectors.most_requested_procedures(limit=2) == found[:2]


def test_kept_an_hour_and_forgotten_when_the_catalogue_changes(django_assert_num_queries):
    birth = _version("1.001193", "Đăng ký khai sinh", online_level=4)
    assert selectors.most_requested_procedures() == [("1.001193", "Đăng ký khai sinh", 4)]
    with django_assert_num_queries(0):
        selectors.most_requested_procedures()
    ProcedureVersion.objects.filter(pk=birth.pk).update(status=ProcedureVersion.Status.DRAFT)
    catalogue_cache.catalogue_changed()  # as the editor's save does through the signals
    assert selectors.most_requested_procedures() == []


def test_the_home_page_links_each_shortcut_to_its_procedure(client):
    _version("1.001193", "Đăng ký khai sinh", online_level=4)
    page = client.get("/").content.decode()
    assert 'data-testid="popular-procedures"' in page
    assert 'href="/procedures/1.001193/"' in page and "Trực tuyến toàn trình" in page


def test_no_shortcut_section_without_procedures(client):
    assert 'data-testid="popular-procedures"' not in client.get("/").content.decode()
