"""Request ids (issue 22): taken from a valid X-Request-ID or made, returned, in every log line
of the request (JSON), and carried into the tasks it runs."""

import io
import json
import logging
import re

import pytest
from django.conf import settings

from portal.observability import current_request_id
from portal.tasks import echo


@pytest.fixture
def json_log():
    """The console handler of settings.LOGGING writing JSON into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if any(
        type(f).__name__ == "RequestIdFilter" for f in h.filters))
    formatter_conf = dict(settings.LOGGING["formatters"]["json"])
    factory = formatter_conf.pop("()")
    from django.utils.module_loading import import_string

    buffer = io.StringIO()
    previous_stream, previous_formatter = handler.stream, handler.formatter
    handler.setStream(buffer)
    handler.setFormatter(import_string(factory)(**formatter_conf))
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    handler.setStream(previous_stream)
    handler.setFormatter(previous_formatter)


def test_a_request_without_an_id_gets_a_new_one_in_its_answer(db, client):
    first = client.get("/healthz/")["X-Request-ID"]
    second = client.get("/healthz/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_valid_id_from_the_proxy_is_kept(db, client):
    response = client.get("/healthz/", HTTP_X_REQUEST_ID="3f1c7a9e-5b2d-4c11-9f3e-0a1b2c3d4e5f")
    assert response["X-Request-ID"] == "3f1c7a9e-5b2d-4c11-9f3e-0a1b2c3d4e5f"


@pytest.mark.parametrize("offered", ["a" * 65, "id with spaces", "id\nInjected: header", "<script>", "ã-bc",
                                     "a;b", ""])
def test_an_invalid_id_is_replaced_not_echoed(db, client, offered):
    response = client.get("/healthz/", HTTP_X_REQUEST_ID=offered)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_every_log_line_of_a_request_carries_its_id_as_json(db, client, json_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abc-123")
    assert response.status_code == 404
    lines = json_log()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == "req-abc-123" for line in not_found)
    assert {"time", "level", "logger", "message"} <= set(not_found[0])
    # Outside a request, lines say "-" rather than another request's id.
    logging.getLogger("portal.test").warning("après la requête")
    last = json_log()[-1]
    assert last["request_id"] == "-" and last["message"] == "après la requête"


def test_an_eager_task_keeps_the_id_of_the_request_that_ran_it(db, json_log):
    from portal.observability import request_id_var

    token = request_id_var.set("req-eager-1")
    try:
        assert echo.delay("xin chào").get() == "xin chào"
        assert current_request_id() == "req-eager-1"  # restored after the task
    finally:
        request_id_var.reset(token)
    lines = [line for line in json_log() if line.get("task_name") == "portal.tasks.echo"]
    assert lines and all(line["request_id"] == "req-eager-1" for line in lines)
    assert current_request_id() is None
