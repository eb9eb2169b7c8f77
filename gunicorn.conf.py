"""Gunicorn settings read from the working directory (the image's /app); GUNICORN_CMD_ARGS and the
command line still override them. Issue 22: access log lines carry the request id, and the
Prometheus multi-process directory (PROMETHEUS_MULTIPROC_DIR, docs/operations.md "Metrics") is
emptied when the server starts and told when a worker process exits."""

import os
import shutil
from pathlib import Path

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}o)s'


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for item in path.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
