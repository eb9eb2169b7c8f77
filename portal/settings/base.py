"""Settings shared by every environment, read from the environment with safe defaults.

With nothing configured the portal runs on a SQLite file and executes Celery tasks eagerly,
so `make run` works on a bare machine. Real deployments set DATABASE_URL, REDIS_URL,
SECRET_KEY and ALLOWED_HOSTS (see docs/operations.md).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal.object_storage import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "procedures",
    "dossiers",
    "workflow",
    "citizens",
]

MIDDLEWARE = [
    # Issue 22: the request id of every log line (and of the tasks queued), then the metrics.
    "portal.observability.RequestIdMiddleware",
    "portal.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Issue 19: Content-Security-Policy (django-csp) and Permissions-Policy on every answer.
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Issue 22: after a change, the user's reads stay on the primary for a few seconds.
    "portal.db_router.ReplicaStickinessMiddleware",
    # Issue 19: sessions that end, the second sign-in step, the admin's address allow-list.
    "portal.middleware.SessionTimeoutMiddleware",
    "portal.middleware.MfaRequiredMiddleware",
    "portal.middleware.AdminAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.staff_context",
                "workflow.notifications.context_processors.notifications",
            ],
        },
    },
]

# Database: a SQLite file when DATABASE_URL is unset (demo and development).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica (issue 22, portal/db_router.py): supervision statistics, exports and the public
# disclosure page read it when DATABASE_REPLICA_URL is set; everything else uses the primary.
# The replica is skipped when it is more than DATABASE_REPLICA_MAX_LAG seconds behind (measured
# every DATABASE_REPLICA_LAG_CHECK_SECONDS), and for DATABASE_REPLICA_STICKY_SECONDS after the
# user's last change.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_ENABLED = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=30.0)
DATABASE_REPLICA_LAG_CHECK_SECONDS = env.float("DATABASE_REPLICA_LAG_CHECK_SECONDS", default=5.0)
DATABASE_REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=15)
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Issue 19: at least 10 characters, and not one of the 20,000 most common passwords.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Brute-force protection (portal/throttle.py, counters in the database): sign-in failures are
# counted per account (whatever identifier was typed) and per address; locks grow. Limits per
# scope may be tuned: THROTTLE_RULES = {"login-account": {"limit": 5, "lock": 900}, ...}.
THROTTLE_RULES = {}

# Accounts (issue 19 item 6, docs/security.md). Staff and superusers sign in with a second step
# (TOTP app or recovery code, portal/mfa.py); the issuer is the name shown in their app.
MFA_REQUIRED = True
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Mot cua dien tu")
# django-otp's own per-device delay refuses even the right code for a few seconds after a typo;
# wrong codes are counted and locked by portal/throttle.py (scope mfa-account) instead.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Sessions end after this long without activity (staff: shared counter PCs) and this long
# after the sign-in whatever the activity (seconds).
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=15 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# The Django admin: its path (not the well-known admin/ on a real site) and, when set, the only
# addresses or networks it answers (e.g. "10.20.0.0/24,10.20.1.5").
ADMIN_URL = env("ADMIN_URL", default="admin/").strip("/") + "/"
ADMIN_ALLOWED_IPS = env.list("ADMIN_ALLOWED_IPS", default=[])

# The client's address behind TRUSTED_PROXY_COUNT reverse proxies of our own (portal/clientip.py),
# for lockouts and per-IP rate limits; 0 (no proxy) uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "portal.clientip.client_ip"

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"

# Static files are vendored under static/ and served by WhiteNoise (no CDN).
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Files WhiteNoise serves at the site's root: /favicon.ico (browsers ask for it without a <link>).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Uploaded files live outside the web root and are only ever served through
# permission-checked views; MEDIA_URL is deliberately not routed anywhere.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
# STORAGE_URL (issue 22, portal/object_storage.py) puts them in a private bucket of an S3-compatible
# object storage instead, e.g. s3://motcua-files?endpoint_url=http://minio:9000&region=us-east-1,
# with its keys in STORAGE_ACCESS_KEY_ID / STORAGE_SECRET_ACCESS_KEY. Unset: the local disk.
STORAGES = {
    "default": storage_from_url(
        env("STORAGE_URL", default=""),
        access_key=env("STORAGE_ACCESS_KEY_ID", default=""), secret_key=env("STORAGE_SECRET_ACCESS_KEY", default=""),
        default_backend=env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Where Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE while a request runs (None: the
# system's temporary folder); portal.tasks.purge_temp_uploads removes what a killed worker left.
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)
# Upload quotas (issue 19; defaults in dossiers.uploads.QUOTA_DEFAULTS): e.g.
# UPLOAD_QUOTAS = {"draft_files": 40, "dossier_bytes": 500 * 1024 * 1024, "daily_files": 200}.
UPLOAD_QUOTAS = {}
# Antivirus: clamd's address (tcp://host:3310 or unix:///run/clamav/clamd.ctl); empty: no scan.
# When clamd does not answer, uploads are refused unless CLAMD_FAIL_OPEN (then stored with the
# verdict "error"). docs/security.md "ClamAV".
CLAMD_URL = env("CLAMD_URL", default="")
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=30)
CLAMD_FAIL_OPEN = env.bool("CLAMD_FAIL_OPEN", default=False)

# E-mail: EMAIL_URL such as smtp+tls://user:pass@host:587 or consolemail://.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Một cửa điện tử <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in the calling process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# With eager Celery (no Redis: the dev default) a catalogue import would run inside the upload or
# confirm request, with no progress to show: run its tasks in a background thread instead, so the
# request returns at once and the page polls the progress (procedures/importing/jobs.py).
CATALOGUE_IMPORT_IN_THREAD = env.bool("CATALOGUE_IMPORT_IN_THREAD", default=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
# Issue 22: workers and beat log through LOGGING above (portal.observability), not Celery's format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Several beat processes (one per node) may run: with Redis, celery-redbeat keeps the schedule in
# Redis and only the beat holding its Redis lock sends tasks; the others wait and take over when
# the lock lapses (BEAT_LOCK_TIMEOUT seconds after the holder died; at once after a clean stop).
# Without Redis (make run) there is no beat: run_periodic runs the schedule in-process.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_REDIS_OPTIONS = {}
    CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="redbeat:")
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("BEAT_MAX_INTERVAL", default=30)
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=150)
# The static beat schedule: every periodic job of the portal, in one place.
CELERY_BEAT_SCHEDULE = {
    "portal-heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "procedures-retire-superseded-versions": {
        "task": "procedures.retire_superseded_versions",
        "schedule": crontab(hour=0, minute=5),
    },
    "dossiers-purge-staged-uploads": {
        "task": "dossiers.tasks.purge_staged_uploads",
        "schedule": crontab(hour=2, minute=30),
    },
    "portal-purge-orphan-uploads": {
        "task": "portal.tasks.purge_orphan_uploads",
        "schedule": crontab(day_of_week="sun", hour=3, minute=15),
    },
    "portal-purge-temp-uploads": {
        "task": "portal.tasks.purge_temp_uploads",
        "schedule": crontab(minute=20),
    },
    "dossiers-purge-upload-days": {
        "task": "dossiers.tasks.purge_upload_days",
        "schedule": crontab(hour=2, minute=40),
    },
    "portal-purge-read-accesses": {
        "task": "portal.tasks.purge_read_accesses",
        "schedule": crontab(hour=3, minute=45),
    },
}
# The read audit log (portal/audit.py) is kept this many months; never less than 12 (level 3).
READ_AUDIT_RETENTION_MONTHS = max(12, env.int("READ_AUDIT_RETENTION_MONTHS", default=12))

CACHES = {
    "default": (
        {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions read from the cache (written through to the database): one query less on every
# signed-in request, and no session lost when Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, docs/security.md "Headers"): everything from the portal's
# own origin (no CDN: the closed government network), no inline script and no eval — behaviours
# live in static/js/ and are declared with data attributes (static/js/portal.js). Inline styles
# stay allowed: htmx's indicator style, Bootstrap's and Chart.js's computed styles and a few
# style attributes; they cannot run code. A payment gateway or identity provider a form posts
# to is added with CSP_FORM_ACTION (its origin, e.g. https://pay.example.vn).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env.list("CSP_FORM_ACTION", default=[])],
    },
}
# Powerful browser features no page of the portal uses, switched off for every page and frame.
PERMISSIONS_POLICY = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
                      "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()")

# Logs (issue 22, docs/operations.md "Logs"): one JSON object per line on stdout (LOG_FORMAT=json,
# the production default) or plain text, every line with the request id of the request or task
# (portal/observability.py). Celery's worker and beat keep this configuration.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Metrics (issue 22, portal/metrics.py): /metrics answers a scraper presenting this bearer token
# and/or coming from these addresses or networks; with neither set it answers 404. Multi-process
# gunicorn: set PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py empties it at start).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

# Absolute base of public links printed on paper (QR codes), e.g. https://dichvucong.thainguyen.gov.vn
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
PORTAL_NAME = env("PORTAL_NAME", default="") or _("Cổng dịch vụ công một cửa điện tử")
DEMO_PASSWORD = "Demo@2026"

# --- Notifications and the deadline sweep (workflow/notifications.py, sweep.py, tasks.py) ---
# "Due soon": a number of working days before the due moment ("1d") or a share of the
# step's budget already used ("75%").
WORKFLOW_DUE_SOON = env("WORKFLOW_DUE_SOON", default="1d")
# Regular sweeps look for overdue rows fallen due in the last N minutes; the first sweep of
# every hour looks at all of them.
WORKFLOW_SWEEP_LOOKBACK = env.int("WORKFLOW_SWEEP_LOOKBACK", default=60)
# An unsent notification is picked up again by the resend task after this many seconds, and a
# claim older than NOTIFY_CLAIM_TIMEOUT is considered abandoned (a killed worker).
NOTIFY_RESEND_AFTER = env.int("NOTIFY_RESEND_AFTER", default=60)
NOTIFY_CLAIM_TIMEOUT = env.int("NOTIFY_CLAIM_TIMEOUT", default=300)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_QUEUE = env("NOTIFY_QUEUE", default="") or None
# The domain part of notification Message-IDs (the idempotency key providers may dedupe on).
NOTIFY_MESSAGE_DOMAIN = env("NOTIFY_MESSAGE_DOMAIN", default="mot-cua.local")
# The e-mail backend of notifications when it must differ from EMAIL_BACKEND (e.g. a file sink).
NOTIFY_EMAIL_BACKEND = env("NOTIFY_EMAIL_BACKEND", default="")
NOTIFY_EMAIL_FILE_PATH = env("NOTIFY_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# Every SMS (dossier notices, phone verification codes, feedback answers) leaves through this
# SmsProvider subclass (workflow/notifications/channels.py). The default only writes them to the
# log: production refuses it unless NOTIFY_SMS_LOG_ONLY is set (portal/settings/prod.py).
LOG_SMS_PROVIDER = "workflow.notifications.channels.LogSmsProvider"
NOTIFY_SMS_PROVIDER = env("NOTIFY_SMS_PROVIDER", default=LOG_SMS_PROVIDER)
NOTIFY_SMS_LOG_PATH = env("NOTIFY_SMS_LOG_PATH", default="")
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BEAT_SCHEDULE.update({
    "workflow-send-pending-notifications": {
        "task": "workflow.tasks.send_pending_notifications",
        "schedule": crontab(minute="*"),
    },
    "workflow-deadline-sweep": {
        "task": "workflow.tasks.deadline_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "workflow-daily-digests": {
        "task": "workflow.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "workflow-catalogue-watch": {
        "task": "workflow.tasks.catalogue_watch",
        "schedule": crontab(hour=6, minute=30),
    },
})

# --- citizens (citizen portal) -----------------------------------------------------------------
# Sign-in by personal ID number or e-mail, before the username backend.
AUTHENTICATION_BACKENDS.insert(0, "citizens.auth.PersonalIdOrEmailBackend")
# The in-portal sandbox payment provider marks fees paid without any money moving: on for
# development and tests, off in production unless a staging site sets PAYMENT_SANDBOX_ENABLED
# (portal/settings/prod.py). Its HMAC secret must then be a real one.
PAYMENT_SANDBOX_ENABLED = env.bool("PAYMENT_SANDBOX_ENABLED", default=True)
PAYMENT_SANDBOX_SECRET = env("PAYMENT_SANDBOX_SECRET", default="sandbox-dev-secret-not-for-production")
SANDBOX_PAYMENT_PROVIDER = {"sandbox": "citizens.payments.sandbox.SandboxProvider"}
# Online payment providers by name; none configured means fees are paid at the counter.
PAYMENT_PROVIDERS = SANDBOX_PAYMENT_PROVIDER if PAYMENT_SANDBOX_ENABLED else {}
# A provider's notification carries a signed time and a one-time nonce (issue 19): older (or
# further in the future) than this many seconds it is refused as stale, a nonce seen before as
# a replay. The callback URL accepts this many requests a minute per address.
PAYMENT_CALLBACK_MAX_AGE = env.int("PAYMENT_CALLBACK_MAX_AGE", default=300)
PAYMENT_CALLBACK_RATE = env("PAYMENT_CALLBACK_RATE", default="30/m")
# National sign-in (VNeID / OIDC): {"vneid": {"class": "dotted.Provider", ...options}}; none by default.
CITIZEN_IDENTITY_PROVIDERS = {}
# --- end citizens ------------------------------------------------------------------------------

# --- citizens: daily purge of abandoned online drafts (citizens/tasks.py) ------------------------
CITIZEN_DRAFT_KEEP_DAYS = env.int("CITIZEN_DRAFT_KEEP_DAYS", default=90)
CELERY_BEAT_SCHEDULE["citizens-purge-stale-drafts"] = {
    "task": "citizens.tasks.purge_stale_drafts",
    "schedule": crontab(hour=2, minute=30),
}
# --- end citizens ------------------------------------------------------------------------------

# Supervision counters (workflow/daily_counters.py), rebuilt for recent days every ten minutes.
CELERY_BEAT_SCHEDULE["workflow-refresh-supervision-counters"] = {
    "task": "workflow.supervision.daily_counters.refresh_recent",
    "schedule": crontab(minute="*/10"),
}

# --- digital signatures (portal/signatures/, docs/signatures.md) --------------------------------
# The secret that seals unit signing keys at rest. Development and tests derive one from
# SECRET_KEY; production must set its own (prod.py) and keep it: keys sealed with a lost secret
# are lost.
SIGNING_KEY_SECRET = env("SIGNING_KEY_SECRET", default="") or f"dev-only:{SECRET_KEY}"
# Trust list: PEM files or folders of root CA certificates (the national roots), besides the
# roots added on the administrator's screen.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# Fetch CRLs / OCSP named in certificates when verifying and before signing (soft-fail: an
# unreachable server does not block; a revoked certificate does).
SIGNING_FETCH_REVOCATION = env.bool("SIGNING_FETCH_REVOCATION", default=True)
# An RFC 3161 timestamp authority: signatures become PAdES B-T instead of B-B.
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
SIGNING_TSA_TIMEOUT = env.int("SIGNING_TSA_TIMEOUT", default=10)
# Where signatures are computed: stored PKCS#12 keys, a remote signing service, or a PKCS#11
# backend of the operator's (portal.signatures.keys.SigningBackend subclasses).
SIGNING_KEY_BACKEND = env("SIGNING_KEY_BACKEND", default="portal.signatures.keys.StoredKeyBackend")
SIGNING_REMOTE_URL = env("SIGNING_REMOTE_URL", default="")
# Days before a unit certificate's expiry when its unit's leaders and the administrators are warned.
SIGNING_EXPIRY_WARNING_DAYS = env.int("SIGNING_EXPIRY_WARNING_DAYS", default=30)
CELERY_BEAT_SCHEDULE["workflow-certificate-watch"] = {
    "task": "workflow.tasks.certificate_watch",
    "schedule": crontab(hour=6, minute=40),
}
# --- end digital signatures ---------------------------------------------------------------------


# --- integration API (issue 17, docs/api.md) -------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "EXCEPTION_HANDLER": "portal.api.base.handle_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Một cửa điện tử — API tích hợp",
    "DESCRIPTION": "API cho hệ thống chuyên ngành và Cổng Dịch vụ công quốc gia (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.api.base.document_errors"],
    # Swagger UI from the drf-spectacular-sidecar package, served as our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"DossierStatusEnum": "dossiers.models.Status",
                            "VersionStatusEnum": "procedures.models.ProcedureVersion.Status"},
}

# Outbound calls (webhooks, national portal) through the outbox: seconds before a call times out.
OUTBOUND_HTTP_TIMEOUT = env.float("OUTBOUND_HTTP_TIMEOUT", default=10.0)
# The national public-service portal's adapter (docs/api.md, "National portal"): empty URL = no sync.
NATIONAL_PORTAL_URL = env("NATIONAL_PORTAL_URL", default="")
NATIONAL_PORTAL_TOKEN = env("NATIONAL_PORTAL_TOKEN", default="")
NATIONAL_PORTAL_SECRET = env("NATIONAL_PORTAL_SECRET", default="")
NATIONAL_PORTAL_ADAPTER = env("NATIONAL_PORTAL_ADAPTER", default="workflow.api.national.JsonHttpAdapter")
if NATIONAL_PORTAL_URL:
    CELERY_BEAT_SCHEDULE["workflow-national-pull"] = {"task": "workflow.tasks.national_pull",
                                                      "schedule": crontab(minute="*/5")}
