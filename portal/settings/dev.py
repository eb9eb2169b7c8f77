"""Development and demo (`make run`): DEBUG on, SQLite and eager Celery unless configured."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The embedded database of `make run` has no covering indexes (INCLUDE): PostgreSQL's
    # index-only scans are a production concern, and SQLite's warning about them would greet
    # every demo start. One running step per dossier is still kept by the services (every
    # transition locks its dossier first); PostgreSQL also enforces it as a constraint.
    SILENCED_SYSTEM_CHECKS = ["models.W039", "models.W040"]
