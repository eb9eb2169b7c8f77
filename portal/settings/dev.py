"""Development and demo (`make run`): DEBUG on, SQLite and eager Celery unless configured."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Static files as in production: `make run` collects them (hashed copies, .gz and .br beside each) and
# WhiteNoise serves the compressed copies from STATIC_ROOT, so page weights in development are the real
# ones. Edited static/ files take effect after `make static` (no restart: WhiteNoise looks each file up
# again per request while DEBUG is on).
WHITENOISE_USE_FINDERS = False

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The embedded database of `make run` has no covering indexes (INCLUDE): PostgreSQL's
    # index-only scans are a production concern, and SQLite's warning about them would greet
    # every demo start. One running step per dossier is still kept by the services (every
    # transition locks its dossier first); PostgreSQL also enforces it as a constraint.
    SILENCED_SYSTEM_CHECKS = ["models.W039", "models.W040"]
