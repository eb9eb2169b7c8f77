"""The public lookup page kept per URL (dossiers/lookup_cache.py): served again only while the
dossier is unchanged, never across check digits, languages or signed-in visitors, and always
with the visitor's own CSRF token."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dossiers import lookup_cache
from dossiers.services import dossier_transition, record_event
from tests.dossiers.factories import DossierFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token, in a form or the htmx headers


@pytest.fixture
def dossier(org, clerk):
    return DossierFactory(receiving_unit=org.c1, current_unit=org.c1, received_by=clerk,
                          applicant_name="Trần Thị Bích Ngọc", applicant_phone="0987654321")


def lookup(client, dossier, secret=None, csrfmiddlewaretoken=None, **extra):
    data = {"code": dossier.code, "secret": dossier.lookup_pin if secret is None else secret}
    if csrfmiddlewaretoken:
        data["csrfmiddlewaretoken"] = csrfmiddlewaretoken
    return client.post(reverse("dossiers:track"), data, **extra)


def test_a_repeated_lookup_is_served_with_two_queries(client, dossier, django_assert_num_queries):
    first = lookup(client, dossier).content.decode()
    with django_assert_num_queries(2):  # the code's lock (issue 19), the stamp: the dossier has not changed
        again = lookup(Client(), dossier)
    body = again.content.decode()
    assert again.status_code == 200 and 'data-testid="lookup-result"' in body
    # The same page, but for the token of the header's forms.
    assert ANY_TOKEN.sub("", body) == ANY_TOKEN.sub("", first)
    assert lookup_cache.TOKEN_PLACEHOLDER not in body


def test_a_kept_page_carries_the_visitors_own_working_csrf_token(dossier):
    lookup(Client(), dossier)  # kept
    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get(reverse("dossiers:track")).content.decode()
    body = lookup(visitor, dossier, csrfmiddlewaretoken=TOKEN.search(form).group(1)).content.decode()
    tokens = set(ANY_TOKEN.findall(body))
    assert len(tokens) == 1 and set(TOKEN.findall(body)) == tokens  # forms and htmx: one token
    assert settings.CSRF_COOKIE_NAME in visitor.cookies
    response = visitor.post(reverse("set_language"), {"language": "en", "next": "/track/",
                                                      "csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302


def test_a_transition_shows_at_once(client, dossier, clerk):
    assert 'data-testid="status">Đã tiếp nhận<' in lookup(client, dossier).content.decode()
    dossier_transition(dossier=dossier, actor=clerk, transition="start_processing")
    assert 'data-testid="status">Đang xử lý<' in lookup(client, dossier).content.decode()


def test_an_event_without_a_save_of_the_dossier_shows_at_once(client, dossier, clerk):
    before = lookup(client, dossier).content.decode()
    timeline = before[before.index('data-testid="public-timeline"'):]
    record_event(dossier=dossier, actor=clerk, transition="forward", from_status=dossier.status)
    after = lookup(client, dossier).content.decode()
    assert after[after.index('data-testid="public-timeline"'):].count("<li") == timeline.count("<li") + 1


def test_a_kept_page_is_never_served_for_another_secret(client, dossier):
    lookup(client, dossier)
    body = lookup(client, dossier, secret="0000000000").content.decode()
    assert "Không tìm thấy hồ sơ" in body and 'data-testid="lookup-result"' not in body
    assert 'data-testid="lookup-result"' in lookup(client, dossier, secret=dossier.lookup_pin).content.decode()


def test_languages_are_kept_apart(client, dossier):
    assert "Tra cứu hồ sơ" in lookup(client, dossier).content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = lookup(english, dossier).content.decode()
    assert '<html lang="en"' in body and "Tra cứu hồ sơ" not in body


def test_signed_in_visitors_get_their_own_page(client, client_for, dossier, citizen):
    lookup(client, dossier)  # kept for anonymous visitors
    body = lookup(client_for(citizen), dossier).content.decode()
    assert 'data-testid="lookup-result"' in body and "Nguyễn Văn An" in body  # the header names them


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client, dossier, django_assert_num_queries):
    lookup(Client(), dossier)  # kept
    client.cookies["messages"] = "pending"
    with django_assert_num_queries(3):  # the lock, the dossier and its events: rendered, with the message
        assert 'data-testid="lookup-result"' in lookup(client, dossier).content.decode()


def test_the_rate_limit_applies_to_kept_pages(client, dossier, time_machine):
    from django.utils import timezone

    lookup(Client(), dossier)  # kept
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(30):
        client.get(reverse("dossiers:track"))
    response = lookup(client, dossier)
    assert response.status_code == 429 and 'data-testid="lookup-result"' not in response.content.decode()
