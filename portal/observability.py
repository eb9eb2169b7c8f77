"""Request ids in every log line, from the request into the Celery tasks it queues (issue 22).

A request gets an id: the `X-Request-ID` header sent by our own reverse proxy when it is a
plausible id (letters, digits, `.`, `_`, `-`; at most 64), else a new one. The id is held in a
context variable for the request's duration, returned in the response's `X-Request-ID` header,
and added to every log record by `RequestIdFilter` (installed on the console handler, so every
logger's records carry it). A task queued while the id is set carries it in its message headers
(`before_task_publish`); the worker sets it again around the task (`task_prerun` /
`task_postrun`), so the task's log lines carry the id of the request that queued it. A task
queued by beat (no request) uses its own task id.
"""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "portal_request_id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_id_var = contextvars.ContextVar("portal_request_id", default=None)
_task_var = contextvars.ContextVar("portal_task", default=None)


def new_request_id():
    return uuid.uuid4().hex


def valid_request_id(value):
    return bool(value) and bool(_VALID.match(value))


def current_request_id():
    return request_id_var.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request, and the answer, carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get(META_KEY, "")
        request_id = offered if valid_request_id(offered) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and, inside a Celery task, `task_id` and `task_name`) to each record."""

    def filter(self, record):
        # Django logs an error answer ("Not Found: …") after the middleware has returned: the
        # record then carries the request itself.
        record.request_id = (request_id_var.get() or getattr(getattr(record, "request", None), "request_id", None)
                             or "-")
        task = _task_var.get()
        if task is not None:
            record.task_id, record.task_name = task
        return True


# --- Celery: the id travels in the task's message headers --------------------------------------


@before_task_publish.connect(dispatch_uid="portal.observability.publish")
def _publish_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_tokens = {}


@task_prerun.connect(dispatch_uid="portal.observability.prerun")
def _task_started(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    carried = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    # Eager tasks run inside the request that called them: they keep its id.
    request_id = carried if valid_request_id(carried or "") else (request_id_var.get() or task_id)
    _tokens[task_id] = (request_id_var.set(request_id), _task_var.set((task_id, getattr(task, "name", ""))))


@task_postrun.connect(dispatch_uid="portal.observability.postrun")
def _task_finished(task_id=None, **kwargs):
    tokens = _tokens.pop(task_id, None)
    if tokens is not None:
        request_token, task_token = tokens
        _task_var.reset(task_token)
        request_id_var.reset(request_token)


@setup_logging.connect(dispatch_uid="portal.observability.logging")
def _keep_django_logging(**kwargs):
    """Celery workers and beat keep Django's LOGGING (JSON lines with the request id) instead of
    installing their own format: connecting this signal tells Celery not to touch logging."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
