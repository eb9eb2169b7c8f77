"""Issue 19 item 5: the public lookup cannot be guessed."""

import logging
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import LOOKUP_ALPHABET
from tests.dossiers.factories import DossierFactory


@pytest.fixture
def dossier(org, clerk):
    return DossierFactory(receiving_unit=org.c1, current_unit=org.c1, received_by=clerk,
                          applicant_name="Trần Thị Bích Ngọc", applicant_phone="0987654321")


def _post(client, code, secret, ip="10.0.0.1"):
    return client.post(reverse("dossiers:track"), {"code": code, "secret": secret}, REMOTE_ADDR=ip)


def test_the_secret_is_long_and_unrelated_to_the_phone(dossier):
    secrets = {DossierFactory(receiving_unit=dossier.receiving_unit).lookup_pin for _ in range(20)}
    assert len(secrets) == 20
    assert all(re.fullmatch(f"[{LOOKUP_ALPHABET}]{{10}}", s) for s in secrets)
    assert "4321" not in dossier.lookup_pin


def test_the_last_phone_digits_no_longer_open_the_dossier(client, dossier):
    body = _post(client, dossier.code, "4321").content.decode()
    assert 'data-testid="lookup-result"' not in body


def test_wrong_secrets_lock_the_code_whatever_the_address(client, dossier, caplog):
    caplog.set_level(logging.WARNING, logger="portal.security")
    for n in range(5):
        _post(client, dossier.code, "AAAAA-AAAA" + str(n), ip=f"198.51.100.{n}")
    response = _post(client, dossier.code, dossier.lookup_pin, ip="203.0.113.50")
    body = response.content.decode()
    assert response.status_code == 429
    assert 'data-testid="lookup-result"' not in body
    assert "Mã hồ sơ này tạm bị khóa tra cứu" in body
    assert "throttle lock scope=lookup-code" in caplog.text


def test_the_lock_also_holds_for_a_page_kept_in_the_cache(client, dossier):
    assert 'data-testid="lookup-result"' in _post(client, dossier.code, dossier.lookup_pin).content.decode()
    for _ in range(5):
        _post(client, dossier.code, "0000000000")
    assert 'data-testid="lookup-result"' not in _post(client, dossier.code, dossier.lookup_pin).content.decode()


def test_a_code_that_does_not_exist_answers_exactly_like_one_that_does(client, dossier, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    def answers(code):
        out = []
        for _ in range(6):
            response = _post(client, code, "0000000000")
            text = re.sub(re.escape(code), "CODE", response.content.decode())
            text = re.sub(r'value="[A-Za-z0-9]{64}"|"X-CSRFToken": "[A-Za-z0-9]{64}"', "", text)
            out.append((response.status_code, text))
        return out

    assert answers(dossier.code) == answers(dossier.code[:-1] + "9")


def test_the_receipt_prints_the_secret(client_for, clerk, dossier):
    response = client_for(clerk).get(reverse("workflow:receipt", args=[dossier.code]))
    assert response.status_code == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert dossier.lookup_pin_display() in text.decode()
