# Two commands on a fresh Debian machine with Python 3.11, git and make:
#   make run    install, migrate, load demo data, serve on http://127.0.0.1:8000
#   make test   the whole test suite (PostgreSQL, Redis, a real Celery worker, Chromium)
# See docs/development.md.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Debian packages: WeasyPrint's pango, fonts with Vietnamese glyphs, gettext for messages.
RUN_PACKAGES  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
# Tests also need a browser, the PDF tools used to check the slips and Java for the Nu HTML checker.
TEST_PACKAGES := chromium poppler-utils default-jre-headless
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test system-run system-test venv messages migrate demo static serve lint check clean worker beat

run: system-run venv messages migrate demo static serve

test: system-test venv messages
	$(PY) -m pytest $(PYTEST_ARGS)

# --- machine ---------------------------------------------------------------------------
define ensure_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if ! $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

system-run:
	$(call ensure_packages,$(RUN_PACKAGES))

system-test:
	$(call ensure_packages,$(RUN_PACKAGES) $(TEST_PACKAGES))

# --- python ----------------------------------------------------------------------------
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

demo: venv
	$(PY) manage.py seed_demo

# Static files into var/static, hashed, with .gz and .br copies that WhiteNoise serves (dev as in production).
static: venv
	$(PY) manage.py collectstatic --noinput -v 0

# Without REDIS_URL Celery is eager, so run_periodic runs the beat schedule next to the server.
serve:
	@echo "Portal: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@periodic=""; \
	if [ -z "$$REDIS_URL" ]; then $(PY) manage.py run_periodic & periodic=$$!; fi; \
	trap '[ -n "$$periodic" ] && kill $$periodic 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: venv
	$(VENV)/bin/celery -A portal beat --loglevel=INFO

lint: venv
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Update the .po files after changing user-facing strings (then translate and commit).
makemessages: venv
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=bench --ignore=tests --no-obsolete --no-wrap

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
