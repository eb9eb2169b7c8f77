"""Connected systems for the API tests: a sectoral system of commune C1 with every scope, and
helpers to call the API as it (JSON, its key, a language)."""

import base64
import json
from decimal import Decimal

import pytest

from portal.api.clients import api_client_create
from portal.api.models import Scope
from procedures.models import OnlineLevel, RouteStep
from tests.dossiers.factories import SCAN, published_version
from tests.factories import level

ALL_SCOPES = [s.value for s in Scope]


class Caller:
    """Calls the API as one connected system through Django's test client."""

    def __init__(self, client, key=None):
        self.client, self.key = client, key

    def _headers(self, headers):
        out = {"HTTP_ACCEPT_LANGUAGE": headers.pop("language", "vi")}
        if self.key:
            out["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        for name, value in headers.items():
            out["HTTP_" + name.upper().replace("-", "_")] = value
        return out

    def get(self, path, **headers):
        return self.client.get(path, **self._headers(headers))

    def post(self, path, data, **headers):
        body = data if isinstance(data, (str, bytes)) else json.dumps(data)
        return self.client.post(path, body, content_type="application/json", **self._headers(headers))


def online_version(code="1.001193"):
    """A published procedure accepting online dossiers, with a commune route:
    counter → appraisal → leader's signature → counter."""
    version = published_version(code=code, processing_time=Decimal("3"))
    version.online_level = OnlineLevel.LEVEL_4
    version.save(update_fields=["online_level"])
    commune = level("commune")
    for order, (is_counter, action, budget) in enumerate([
        (True, "Tiếp nhận", "0"), (False, "Thẩm định, phê duyệt", "2"), (True, "Trả kết quả", "0.5"),
    ]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=action,
                                 handler_level=None if is_counter else commune, budget=Decimal(budget))
    return version


def pdf_b64():
    return base64.b64encode(SCAN).decode()


def create_body(version, unit, **changes):
    requirement = version.components.first()
    body = {
        "procedure": version.procedure.national_code,
        "unit": unit.code,
        "applicant": {"name": "Hoàng Thị Lan", "personal_id": "019190004321", "phone": "0912000111"},
        "components": [{"requirement": requirement.pk, "originals": 1,
                        "files": [{"name": "to-khai.pdf", "content_base64": pdf_b64()}]}],
    }
    body.update(changes)
    return body


@pytest.fixture
def system(org):
    """A sectoral system of commune C1 with every scope; (client, key)."""
    client, key, _secret = api_client_create(name="Phần mềm hộ tịch", unit=org.c1, scopes=ALL_SCOPES,
                                             created_by=None)
    return client, key


@pytest.fixture
def api(client, system):
    return Caller(client, system[1])


@pytest.fixture
def anonymous(client):
    return Caller(client)


@pytest.fixture
def superuser_client(db):
    from django.test import Client

    from tests.factories import UserFactory
    from tests.helpers import pass_second_step

    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    browser = Client()
    browser.force_login(admin)
    pass_second_step(browser, admin)
    return browser
