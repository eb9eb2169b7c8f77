import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from procedures.models import ComponentRequirement
from tests.helpers import assert_queries_do_not_grow

from .factories import FieldFactory, published_version

pytestmark = pytest.mark.django_db


def test_catalogue_lists_published_procedures_and_searches(client, org):
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    published_version(code="1.000894", name="Đăng ký kết hôn", receiving=[org.c1])
    response = client.get("/procedures/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Đăng ký khai sinh" in content
    assert "Đăng ký kết hôn" not in content
    assert reverse("procedures:detail", args=["1.001193"]) == "/procedures/1.001193/"


def test_catalogue_filters_by_field_level_unit_and_online_level(client, org):
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    land = FieldFactory(code="dat-dai", name="Đất đai")
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1], field=civil, online_level=4)
    published_version(code="1.004227", name="Cấp giấy chứng nhận quyền sử dụng đất", receiving=[org.d1],
                      field=land, online_level=3)

    def listed(**params):
        content = client.get("/procedures/", params).content.decode()
        return [n for n in ("Đăng ký khai sinh", "Cấp giấy chứng nhận") if n in content]

    assert listed(field=civil.pk) == ["Đăng ký khai sinh"]
    assert listed(online_level=3) == ["Cấp giấy chứng nhận"]
    assert listed(unit=org.d1.code) == ["Cấp giấy chứng nhận"]
    assert listed(level=org.c1.level.pk) == ["Đăng ký khai sinh", "Cấp giấy chứng nhận"]
    # A stale or forged filter value is ignored, never a 500.
    assert client.get("/procedures/", {"field": "abc", "online_level": "9", "page": "x"}).status_code == 200


def test_catalogue_paginates(client, org):
    for n in range(25):
        published_version(code=f"1.{n + 200000:06d}", name=f"Thủ tục số {n}", receiving=[org.c1])
    first = client.get("/procedures/").content.decode()
    assert "Tìm thấy 25 thủ tục" in first and "Trang 1/2" in first
    assert "Trang 2/2" in client.get("/procedures/", {"page": 2}).content.decode()


def test_catalogue_query_count_does_not_grow(client, org):
    counter = iter(range(1000))

    def make_rows(n):
        for _ in range(n):
            i = next(counter)
            published_version(code=f"1.{i + 300000:06d}", name=f"Đăng ký thử {i}", receiving=[org.c1])

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get("/procedures/", {"q": "dang ky"}))


def test_detail_shows_steps_components_fees_legal_basis_and_submit_button(client, org):
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1], online_level=4)
    response = client.get("/procedures/1.001193/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Đăng ký khai sinh", "Trình tự thực hiện", "Tờ khai số 1", "8.000 đ", "Miễn cho hộ nghèo",
                 "123/2015/NĐ-CP", "Dịch vụ công trực tuyến toàn trình", "3 ngày làm việc",
                 'data-testid="submit-online"', org.c1.name):
        assert text in content, text
    assert version.pk
    assert f'href="{reverse("citizens:submit", args=["1.001193"])}"' in content


def test_detail_has_no_submit_button_below_level_3(client, org):
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1], online_level=2)
    assert 'data-testid="submit-online"' not in client.get("/procedures/1.001193/").content.decode()


def test_unknown_or_unpublished_code_is_404(client, org):
    assert client.get("/procedures/9.999999/").status_code == 404
    assert client.get("/procedures/not-a-code/").status_code == 404
    future = published_version(code="1.000001", name="Sắp có hiệu lực", receiving=[org.c1],
                               effective_from=datetime.date.today() + datetime.timedelta(days=5))
    assert client.get(f"/procedures/{future.procedure.national_code}/").status_code == 404


def test_form_template_is_downloaded_through_a_view(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    component = ComponentRequirement.objects.filter(version=version).first()
    component.form_template.save("to-khai.pdf", ContentFile(b"%PDF-1.4 test"))
    content = client.get("/procedures/1.001193/").content.decode()
    url = reverse("procedures:form_template", args=["1.001193", component.pk])
    assert url in content
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    # Another procedure's code in the URL does not leak the file.
    other = published_version(code="1.000894", name="Đăng ký kết hôn", receiving=[org.c1])
    assert client.get(reverse("procedures:form_template", args=[other.procedure.national_code, component.pk])
                      ).status_code == 404


def test_draft_form_templates_are_not_public(client, org, settings, tmp_path):
    from procedures.models import ProcedureVersion

    settings.MEDIA_ROOT = tmp_path
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    component = ComponentRequirement.objects.filter(version=version).first()
    component.form_template.save("to-khai.pdf", ContentFile(b"x"))
    ProcedureVersion.objects.filter(pk=version.pk).update(status="draft")
    assert client.get(reverse("procedures:form_template", args=["1.001193", component.pk])).status_code == 404


def _listing(response):
    """The cached part of the page: between the title and the footer."""
    html = response.content.decode()
    return html[html.index('data-testid="page-title"'):html.index("<footer")]


def test_catalogue_results_are_cached_until_the_catalogue_changes(client, org, django_assert_max_num_queries):
    from procedures import services

    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    first = client.get("/procedures/", {"q": "khai sinh", "utm_source": "zalo"})
    with django_assert_max_num_queries(0):  # nothing to read: the listing comes from the cache
        again = client.get("/procedures/", {"q": "khai sinh"})
    assert _listing(again) == _listing(first) and "Đăng ký khai sinh" in _listing(again)
    assert "utm_source" not in _listing(first)  # only the catalogue's own parameters are kept
    # An editor renames the procedure: the next visitor sees the new name.
    version.procedure.name = "Đăng ký khai sinh cho trẻ em"
    version.procedure.save(update_fields=["name"])
    assert "Đăng ký khai sinh cho trẻ em" in _listing(client.get("/procedures/", {"q": "khai sinh"}))
    # A bulk retirement (an update(), no signal) is seen too.
    version.effective_to = datetime.date(2025, 6, 30)
    type(version).objects.filter(pk=version.pk).update(effective_to=version.effective_to)
    assert services.procedure_versions_retire_superseded() == 1
    assert "Đăng ký khai sinh" not in _listing(client.get("/procedures/", {"q": "khai sinh"}))


def test_catalogue_cache_keeps_languages_and_queries_apart(client, org):
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    published_version(code="1.000894", name="Đăng ký kết hôn", receiving=[org.c1])
    vietnamese = _listing(client.get("/procedures/", {"q": "khai sinh"}))
    other = _listing(client.get("/procedures/", {"q": "ket hon"}))
    assert "Đăng ký kết hôn" in other and "Đăng ký kết hôn" not in vietnamese
    client.cookies["portal_language"] = "en"
    english = _listing(client.get("/procedures/", {"q": "khai sinh"}))
    assert english != vietnamese and "Administrative procedures" in english


def test_a_procedure_at_several_levels_is_found_under_each(client, org):
    from tests.factories import level

    several = published_version(code="1.001194", name="Cấp bản sao trích lục", receiving=[org.c1],
                                authority_level=level("commune"))
    several.other_levels.set([level("district")])
    published_version(code="1.001195", name="Đăng ký kết hôn", receiving=[org.c1], authority_level=level("commune"))

    def listed(code):
        content = client.get("/procedures/", {"level": level(code).pk}).content.decode()
        return [n for n in ("Cấp bản sao trích lục", "Đăng ký kết hôn") if n in content]

    assert listed("commune") == ["Cấp bản sao trích lục", "Đăng ký kết hôn"]
    assert listed("district") == ["Cấp bản sao trích lục"]
    assert listed("province") == []
    page = client.get("/procedures/1.001194/").content.decode()
    assert "Cấp xã, Cấp huyện" in page


def test_a_versions_parts_come_from_the_shared_cache_until_they_change(org, django_assert_num_queries):
    """Dossier pages read a version's methods, fees and components through
    prefetch_version_parts: from the shared cache after the first time, fresh again once one
    is saved or deleted (or an import applies, which moves the same generation)."""
    from procedures import catalogue_cache
    from procedures.models import Fee, ProcedureMethod, ProcedureVersion

    version = published_version(name="Cấp bản sao trích lục")
    Fee.objects.filter(version=version).delete()
    Fee.objects.create(version=version, order=1, name="Lệ phí", amount=8000)
    expected = sorted(ProcedureMethod.objects.filter(version=version).values_list("pk", flat=True))
    components = list(ComponentRequirement.objects.filter(version=version).values_list("name", flat=True))
    assert expected and components

    def read():
        fresh = ProcedureVersion.objects.get(pk=version.pk)
        catalogue_cache.prefetch_version_parts(fresh)
        return fresh

    read()
    with django_assert_num_queries(1):  # the version itself; its parts from the cache
        fresh = read()
        assert sorted(m.pk for m in fresh.methods.all()) == expected
        assert [c.name for c in fresh.components.all()] == components
        assert [f.amount for f in fresh.fees.all()] == [8000]
        assert all(f.version is fresh for f in fresh.fees.all())
    Fee.objects.filter(version=version).get().delete()
    Fee.objects.create(version=version, order=1, name="Lệ phí", amount=10000)
    assert [f.amount for f in read().fees.all()] == [10000]
    ProcedureMethod.objects.filter(version=version).delete()
    assert list(read().methods.all()) == []
    ComponentRequirement.objects.filter(version=version, name=components[0]).delete()
    assert [c.name for c in read().components.all()] == components[1:]
