"""Schemathesis against a live server: examples generated from the committed schema
(docs/api/openapi.yaml) for every operation, sent over HTTP with a real key; no answer may be a
server error or break the schema (status codes, content types, bodies). Bounded by
SCHEMATHESIS_EXAMPLES per operation (default 25) to stay well under two minutes; the numbers
of the run are printed at the end (`-s`)."""

import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.api.clients import api_client_create
from portal.api.models import Scope
from tests.api.conftest import online_version

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CALLS = Counter()
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture
def api_schema(live_server, org, settings_override):
    version = online_version()
    _client, key, _secret = api_client_create(name="Schemathesis", unit=org.c1, scopes=[s.value for s in Scope],
                                              created_by=None)
    raw = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml").read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(raw)
    schema.base = {"url": live_server.url, "key": key, "version": version, "unit": org.c1}
    return schema


@pytest.fixture
def settings_override(settings):
    settings.THROTTLE_RULES = {"api-client": {"limit": 100000}, "api-anonymous": {"limit": 100000}}


def test_api_answers_by_its_schema(api_schema):
    base = api_schema.base
    headers = {"Authorization": f"Bearer {base['key']}"}
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            CALLS[f"{case.method.upper()} {case.path}"] += 1
            case.call_and_validate(base_url=base["url"], headers=headers, checks=CHECKS, timeout=30)

        try:
            run()
        except Exception as exc:  # noqa: BLE001  (collect every operation's failure, then report)
            failures.append(f"{label}: {exc}")
    total = sum(CALLS.values())
    print(f"\nschemathesis: {total} examples over {len(CALLS)} operations, {len(failures)} failing operations "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(CALLS.items()))})")
    assert not failures, "\n\n".join(failures)


def test_real_answers_conform_to_the_schema(api_schema, clerk):
    """The examples above rarely name a real dossier: the same checks on real ones, from the
    create to the decision, with every read in between."""
    from dossiers.models import Dossier
    from tests.api.conftest import create_body
    from workflow.routing import services as routing

    base = api_schema.base
    headers = {"Authorization": f"Bearer {base['key']}", "Idempotency-Key": "real-1"}

    def call(path, method, **parts):
        return api_schema[path][method].Case(**parts).call_and_validate(
            base_url=base["url"], headers=headers, checks=CHECKS, timeout=30)

    created = call("/api/v1/dossiers/", "POST", body=create_body(base["version"], base["unit"]))
    assert created.status_code == 201
    code = created.json()["code"]
    routing.online_accept(dossier=Dossier.objects.get(code=code), clerk=clerk)
    decided = call("/api/v1/dossiers/{code}/actions/", "POST", path_parameters={"code": code},
                   body={"action": "refuse", "note": "Không đủ điều kiện"})
    assert decided.status_code == 200
    for path in ("/api/v1/dossiers/{code}/", "/api/v1/dossiers/{code}/events/", "/api/v1/dossiers/{code}/result/"):
        assert call(path, "GET", path_parameters={"code": code}).status_code == 200
    file_id = created.json()["files"][0]["id"]
    assert call("/api/v1/dossiers/{code}/files/{file_id}/", "GET",
                path_parameters={"code": code, "file_id": file_id}).status_code == 200
    assert call("/api/v1/dossiers/", "GET", query={"limit": 1}).json()["results"]
    assert call("/api/v1/procedures/", "GET").status_code == 200
    assert call("/api/v1/procedures/{national_code}/", "GET",
                path_parameters={"national_code": base["version"].procedure.national_code}).status_code == 200
