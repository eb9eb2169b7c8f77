"""Tests: PostgreSQL and Redis on 127.0.0.1 unless overridden, fast hashing, no eager surprises."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal_test"),
}
# A second test database that stands for the read replica (tests/portal/test_db_replica.py).
# Defined in every run, but the router only uses it when DATABASE_REPLICA_ENABLED, which only
# those tests switch on; pytest-django creates it only when a collected test asks for it. The
# router never migrates the replica: those tests create its tables from the models (a few
# seconds, no migrations replayed).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {
    "NAME": f"test_{DATABASES['default']['NAME']}_replica", "MIGRATE": False}}
DATABASE_REPLICA_ENABLED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks eagerly; integration tests start a real worker with TEST_REDIS_URL.
TEST_REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
if env.bool("CELERY_WORKER_UNDER_TEST", default=False):
    # A worker process started by tests/integration: real Redis, the test database.
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = TEST_REDIS_URL
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests want the import tasks to have run when the request returns (one test turns this on).
CATALOGUE_IMPORT_IN_THREAD = False
LANGUAGE_CODE = "vi"
# Issue 22: a web node or beat started by tests/integration/test_scale_out.py shares the cache
# and the sessions through the test Redis, as production nodes do through REDIS_URL.
if env.bool("NODE_UNDER_TEST", default=False):
    CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": TEST_REDIS_URL,
                          "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if env.bool("BEAT_UNDER_TEST", default=False):
    # Two beats and one short schedule: the task must still run once per interval.
    CELERY_BEAT_SCHEDULE = {"test-tick": {"task": "portal.tasks.echo", "args": ["tick"],
                                          "schedule": env.float("BEAT_TEST_INTERVAL", default=2.0),
                                          "options": {"queue": env("BEAT_TEST_QUEUE", default="default")}}}
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = TEST_REDIS_URL
    CELERY_REDBEAT_REDIS_OPTIONS = {}
    CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="redbeat-test:")
    CELERY_BEAT_MAX_LOOP_INTERVAL = 1
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=5)
