"""Issue 20 item 5 in the browser: the clerk who returned a result turns the tablet to the
applicant, who rates with one tap on a face; the return slip's link works on a phone."""

import pytest
from django.utils import timezone

from citizens import services
from citizens.models import Rating
from dossiers.models import Status
from tests.dossiers.factories import DossierFactory
from tests.e2e.conftest import PHONE, login, screenshot
from tests.workflow.test_processing import commune_version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_walk_in_applicant_rates_on_the_counter_kiosk_and_by_the_slip_link(page, browser, live_server, clerk, org):
    version = commune_version()
    first = DossierFactory(procedure_version=version, receiving_unit=org.c1, status=Status.RETURNED,
                           returned_at=timezone.now())
    second = DossierFactory(procedure_version=version, receiving_unit=org.c1, status=Status.RETURNED,
                            returned_at=timezone.now())
    login(page, "clerk")
    page.goto(f"/dossiers/{first.code}/")
    page.get_by_test_id("kiosk-link").click()
    assert page.get_by_test_id("kiosk").is_visible()
    assert page.locator("header.portal-header").count() == 0  # no menus on the kiosk screen
    page.get_by_label("Thái độ phục vụ").check()
    screenshot(page, "kiosk-rating")
    page.get_by_test_id("face-5").click()
    assert page.get_by_test_id("rated").is_visible()
    rating = Rating.objects.get(dossier=first)
    assert (rating.score, rating.aspects, rating.source) == (5, ["attitude"], "kiosk")

    phone = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url).new_page()
    phone.goto(f"/rate/{services.rating_link_token(second)}/")
    phone.get_by_test_id("face-3").click()
    assert phone.get_by_test_id("rated").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "rating-by-slip-link")
    assert Rating.objects.get(dossier=second).source == "slip"
