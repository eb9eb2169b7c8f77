"""A real Celery worker process against the test Redis and the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import stop_process

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery -A portal worker` in a subprocess, consuming a queue unique to this test."""

    def __init__(self, queue, log_path):
        self.queue = queue
        self.name = f"test-{queue}@localhost"
        self.log_path = log_path
        self.process = None

    def start(self, timeout=60):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "CELERY_WORKER_UNDER_TEST": "1",
            "DATABASE_URL": database_url(),
        }
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
             "-Q", self.queue, "-n", self.name, "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        from portal.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}: {self.read_log()}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return self
        raise RuntimeError(f"worker did not become ready: {self.read_log()}")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self):
        stop_process(self.process)
        self.log.close()

    def read_log(self):
        return Path(self.log_path).read_text(errors="replace")[-4000:]


@pytest.fixture
def celery_worker_process(celery_on_redis, tmp_path):
    """Start a real worker; tests send tasks with `.apply_async(queue=worker.queue)`."""
    worker = WorkerProcess(queue=f"q-{uuid.uuid4().hex[:10]}", log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
