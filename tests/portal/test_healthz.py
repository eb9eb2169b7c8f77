import json

from django.db import OperationalError

from portal import health


def test_healthz_reports_database_and_eager_broker(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "eager"}


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    with monkeypatch.context() as patch:
        patch.setattr(health.connection, "cursor", lambda: BrokenCursor())
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error: OperationalError"


def test_healthz_checks_a_real_broker(client, db, settings, celery_on_redis):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, settings):
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz/")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert json.loads(response.content)["broker"].startswith("error")
