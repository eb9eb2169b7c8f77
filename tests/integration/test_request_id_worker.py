"""A real Celery worker (issue 22): the task queued by a request logs, as JSON, the request's id;
a task queued with no request logs its own task id."""

import json
import uuid

import pytest

from portal.observability import request_id_var
from portal.tasks import echo
from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration


def json_lines(text):
    lines = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return lines


def test_the_request_id_travels_into_the_task_on_a_real_worker(celery_on_redis, tmp_path, monkeypatch, db):
    monkeypatch.setenv("LOG_FORMAT", "json")
    worker = WorkerProcess(queue=f"q-{uuid.uuid4().hex[:10]}", log_path=tmp_path / "worker.log").start()
    try:
        token = request_id_var.set("req-from-node-a-42")
        try:
            carried = echo.apply_async(args=["xin chào"], queue=worker.queue)
        finally:
            request_id_var.reset(token)
        alone = echo.apply_async(args=["không có yêu cầu"], queue=worker.queue)
        assert carried.get(timeout=30) == "xin chào"
        assert alone.get(timeout=30) == "không có yêu cầu"
    finally:
        worker.stop()
    lines = json_lines((tmp_path / "worker.log").read_text())
    assert lines, "the worker logged no JSON line"
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    of_carried = [line for line in lines if line.get("task_id") == carried.id]
    assert any(line["message"] == "echo task ran" for line in of_carried)
    assert of_carried and all(line["request_id"] == "req-from-node-a-42" for line in of_carried)
    of_alone = [line for line in lines if line.get("task_id") == alone.id]
    assert of_alone and all(line["request_id"] == alone.id for line in of_alone)
