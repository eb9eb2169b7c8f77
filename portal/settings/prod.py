"""Production: everything that matters must come from the environment; secure by default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]  # noqa: F405
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Health checks from the load balancer come over plain HTTP inside the network.
# So does Prometheus, which reads /metrics with its token from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^metrics$"]
# Logs as JSON lines with the request id (docs/operations.md "Logs"), unless LOG_FORMAT=plain.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405

# No sandbox payments in production: they would mark fees paid with no money received. A
# staging site may enable them, with a secret of its own.
PAYMENT_SANDBOX_ENABLED = env.bool("PAYMENT_SANDBOX_ENABLED", default=False)
if PAYMENT_SANDBOX_ENABLED and PAYMENT_SANDBOX_SECRET in ("", "sandbox-dev-secret-not-for-production"):  # noqa: F405
    raise ImproperlyConfigured("PAYMENT_SANDBOX_ENABLED needs a PAYMENT_SANDBOX_SECRET of its own.")
PAYMENT_PROVIDERS = SANDBOX_PAYMENT_PROVIDER if PAYMENT_SANDBOX_ENABLED else {}  # noqa: F405

# The log-only SMS provider would silently drop every SMS to citizens (and write their
# verification codes to the log): a site without an SMS gateway must say so. Matched by class
# name, so the module path of older .env files (workflow.channels) is caught and corrected.
if NOTIFY_SMS_PROVIDER.rpartition(".")[2] in ("", "LogSmsProvider"):  # noqa: F405
    if not env.bool("NOTIFY_SMS_LOG_ONLY", default=False):
        raise ImproperlyConfigured(
            "NOTIFY_SMS_PROVIDER is the log-only provider: set it to your SMS gateway's SmsProvider subclass, "
            "or set NOTIFY_SMS_LOG_ONLY=true to run without SMS."
        )
    NOTIFY_SMS_PROVIDER = LOG_SMS_PROVIDER  # noqa: F405

# Unit signing keys are sealed with this secret: never derived from SECRET_KEY in production.
SIGNING_KEY_SECRET = env("SIGNING_KEY_SECRET", default="")
