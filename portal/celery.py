"""The Celery application. Workers: `celery -A portal worker`; schedule: `celery -A portal beat`.

Configuration lives in Django settings under the CELERY_ namespace (see settings/base.py):
late acknowledgement, prefetch 1 and time limits, so a killed worker's task is redelivered
and one slow task never hoards others.
"""

import os

from celery import Celery

import portal.observability  # noqa: F401 - request ids into tasks, Celery keeps Django's LOGGING

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _redbeat_options_visible(sender, **kwargs):
    """celery-redbeat looks for its settings among `conf.keys()`, where settings read from
    Django (CELERY_REDBEAT_*) do not show: copy them in, so that it uses them without warning."""
    for key in ("redbeat_redis_url", "redbeat_redis_options"):
        value = sender.conf.get(key)
        if value is not None:
            sender.conf[key] = value

