# Production image of the one-stop portal (Một cửa điện tử).
#
#   docker build -t motcua .
#   docker run --env-file .env -p 127.0.0.1:8000:8000 motcua              # gunicorn (web)
#   docker run --env-file .env motcua celery -A portal worker -l INFO      # Celery worker
#   docker run --env-file .env motcua celery -A portal beat -l INFO -s /tmp/celerybeat-schedule
#
# docker-compose.yml wires these together with PostgreSQL, Redis and a mail catcher;
# docs/operations.md explains every environment variable.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.prod \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/var/static

# WeasyPrint needs pango (and harfbuzz's subsetter) for the printed slips; DejaVu is the
# fallback font with Vietnamese glyphs; gettext's msgfmt compiles the translations.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user owns nothing but the media volume: the code stays read-only to it.
RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal \
 && mkdir -p /app /data/media \
 && chown portal:portal /data/media \
 && chmod 0750 /data/media

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Every version is pinned.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image. Production settings refuse to load
# without SECRET_KEY and ALLOWED_HOSTS, so this one step gets throw-away values that are not
# kept in the image (they exist only in this RUN's environment).
RUN SECRET_KEY=build-time-only-placeholder-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost NOTIFY_SMS_LOG_ONLY=true \
    python manage.py compilemessages --ignore=.venv -v 0 \
 && SECRET_KEY=build-time-only-placeholder-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost NOTIFY_SMS_LOG_ONLY=true \
    python manage.py collectstatic --noinput -v 0

USER portal

# Uploaded files (scans of ID cards and dossiers): keep them on a volume, back them up.
VOLUME ["/data/media"]
EXPOSE 8000

# gthread workers: 3 processes x 4 threads fits a 2-core machine; PDF rendering is the
# slowest request, hence the 60 s timeout. Override the whole string in .env to tune.
ENV GUNICORN_CMD_ARGS="--workers 3 --threads 4 --timeout 60 --graceful-timeout 30 --keep-alive 5 --max-requests 1000 --max-requests-jitter 100"

# /healthz/ answers 200 when the database and the broker answer, 503 otherwise. The request
# carries the first ALLOWED_HOSTS name as its Host header (production settings reject any
# other host); /healthz/ is exempt from the HTTPS redirect. No curl needed.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; sys.exit(0 if r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h}), timeout=8).status == 200 else 1)"]

# The web port must be reachable only by the reverse proxy that terminates TLS: it is the one
# that sets X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER in portal/settings/prod.py).
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--control-socket", "/tmp/gunicorn.ctl", "--forwarded-allow-ips", "*", "--access-logfile", "-", "--error-logfile", "-"]
