import time

import pytest
from django.db import transaction

from portal.tasks import echo
from tests.helpers import wait_for

pytestmark = pytest.mark.integration


def test_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    result = echo.apply_async(args=["xin chào"], queue=celery_worker_process.queue)
    assert result.get(timeout=30) == "xin chào"
    # The worker stores the result before it logs the success line: wait for the line.
    assert wait_for(lambda: f"Task portal.tasks.echo[{result.id}] succeeded" in celery_worker_process.read_log())


def test_tasks_are_enqueued_only_when_the_transaction_commits(celery_worker_process, transactional_db):
    worker = celery_worker_process
    with transaction.atomic():
        echo.apply_async_on_commit(args=["sau khi commit"], queue=worker.queue)
        time.sleep(1)
        assert "sau khi commit" not in worker.read_log()
    assert wait_for(lambda: "'sau khi commit'" in worker.read_log() and "succeeded" in worker.read_log())


def test_rolled_back_transaction_enqueues_nothing(celery_worker_process, transactional_db):
    worker = celery_worker_process
    with pytest.raises(RuntimeError), transaction.atomic():
        echo.apply_async_on_commit(args=["không bao giờ"], queue=worker.queue)
        raise RuntimeError("rollback")
    marker = echo.apply_async(args=["mốc"], queue=worker.queue)
    assert marker.get(timeout=30) == "mốc"
    assert "không bao giờ" not in worker.read_log()
