"""The OpenAPI contract: the committed docs/api/openapi.yaml is the schema the code generates
(change the API, regenerate the file: `python manage.py spectacular --file docs/api/openapi.yaml`),
the schema is served, and its documentation page loads Swagger UI from our own static files."""

from pathlib import Path

import yaml
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def test_committed_schema_matches_the_code():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert yaml.safe_load(yaml.safe_dump(generated)) == committed, (
        "The API changed: regenerate docs/api/openapi.yaml (python manage.py spectacular --file docs/api/openapi.yaml)")


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
