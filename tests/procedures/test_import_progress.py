"""Issue 21, item 7: with eager Celery (the dev default without Redis) the import runs in a
background thread, so the upload and the confirmation return at once and the page polls the
progress. The thread is held up by a lock that another connection takes on a table validation
reads: each request must come back while its job is still running."""

import time

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from procedures.models import ImportJob, Procedure

from . import importdata
from .factories import FieldFactory, LegalDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)
N = 120


def _wait_for(job, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job still {job.status}")


@pytest.fixture
def threaded(settings, tmp_path, org):
    settings.MEDIA_ROOT = tmp_path
    settings.CATALOGUE_IMPORT_IN_THREAD = True
    assert settings.CELERY_TASK_ALWAYS_EAGER
    FieldFactory(code="ho-tich", name="Hộ tịch")
    LegalDocumentFactory(number="60/2014/QH13")


@pytest.fixture
def hold_fields():
    """hold() locks procedures_field from another connection and returns its release."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg2.connect(**params)

    def hold():
        other.cursor().execute("LOCK TABLE procedures_field IN ACCESS EXCLUSIVE MODE")
        return other.commit

    yield hold
    other.rollback()
    other.close()


def _assert_polling(client, job):
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="progress-bar"' in page and 'data-hx-trigger="every 1s"' in page


def test_upload_and_confirm_return_at_once_and_the_page_polls_progress(client_for, editor, org, threaded,
                                                                       hold_fields):
    client = client_for(editor)
    content = importdata.to_csv(importdata.rows(N, unit_code=org.c1.code, document="60/2014/QH13"))

    release = hold_fields()
    response = client.post(reverse("procedures:import"), {"file": SimpleUploadedFile("d.csv", content)})
    assert response.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert job.is_running, job.status  # the request did not wait for the validation
    _assert_polling(client, job)
    release()
    job = _wait_for(job, {ImportJob.Status.PREVIEW, ImportJob.Status.INVALID})
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:3]
    assert job.summary["create"] == N

    release = hold_fields()
    response = client.post(reverse("procedures:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING and job.finished_at is None
    _assert_polling(client, job)
    assert Procedure.objects.count() == 0
    release()
    job = _wait_for(job, {ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.INVALID})
    assert job.status == ImportJob.Status.DONE, job.message
    assert Procedure.objects.count() == N


def test_without_the_setting_the_tasks_run_in_the_request(client_for, editor, org, threaded, settings):
    settings.CATALOGUE_IMPORT_IN_THREAD = False
    content = importdata.to_csv(importdata.rows(3, unit_code=org.c1.code, document="60/2014/QH13"))
    client_for(editor).post(reverse("procedures:import"), {"file": SimpleUploadedFile("d.csv", content)})
    assert ImportJob.objects.latest("created_at").status == ImportJob.Status.PREVIEW
