# Quality Service Platform — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The processes of `make run` read them too: SITE_URL (QR codes, badges, links) follows HOST and PORT unless set.
export HOST PORT
PG_TEST_URL ?= postgres://qs:qs@127.0.0.1:5432/qs
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: setup run test test-sqlite test-postgres lint system messages bench drill clean

.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: .venv/.installed
	$(PY) scripts/compilemessages.py

setup: .venv/.installed node_modules/.installed messages
	mkdir -p var/cache var/queue var/media
	$(PY) manage.py migrate --noinput -v0

# Serve the demo on SQLite with a Celery worker and a beat (filesystem broker, no Redis needed).
# Three processes: the worker, the beat (its own process, not `worker -B`, whose embedded beat outlived a
# killed worker) and runserver, each in its own process group (set -m). When any of them ends, or on
# Ctrl-C / TERM, the trap kills the three process groups (runserver's reloader child included) and waits
# for them. A second beat on the same schedule refuses to start (flock on var/celerybeat-schedule.lock),
# which stops that second `make run`.
run: setup
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (staff sign-in: http://$(HOST):$(PORT)/accounts/login/)"
	@echo "QR codes, badges and links print $$($(PY) -c 'import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)')"
	@set -m; trap 'trap - EXIT INT TERM; kill -- -$$worker -$$beat -$$server 2>/dev/null; wait' EXIT INT TERM; \
	  .venv/bin/celery -A config worker --pool=solo --loglevel=WARNING & worker=$$!; \
	  .venv/bin/celery -A config beat --loglevel=WARNING & beat=$$!; \
	  $(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	  wait -n

# Installs/starts PostgreSQL, Redis, Chromium, fonts, dovecot when run as root (CI).
system:
	bash scripts/system-setup.sh

lint: .venv/.installed
	.venv/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v1

# The suites first; the scale-out drill only after both have passed (a failed assertion fails the build).
test: system setup lint test-sqlite test-postgres
	@$(MAKE) --no-print-directory drill

test-sqlite: setup
	$(PY) -m pytest -n 2 -q

test-postgres: setup
	@if (cd / && pg_isready -q -h 127.0.0.1 2>/dev/null); then \
	  DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -n 2 -q; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not running on 127.0.0.1: cannot run the PostgreSQL suite" >&2; exit 1; \
	else echo "SKIPPED: PostgreSQL suite (no server on 127.0.0.1; run 'sudo make system' or set PG_TEST_URL)" >&2; fi

bench: setup
	$(PY) bench/run.py

# Scale-out drill (bench/README.md "Scale-out drill"): nginx, two gunicorn app servers, a PostgreSQL cluster
# and a Redis of its own, two Celery workers and one beat on 127.0.0.1, loaded through nginx while an app
# server, a worker, PostgreSQL and Redis are broken on purpose (~5 minutes; report in bench/results/).
# Without nginx it is skipped with a message, unless root (`make system` installs it) or in CI.
drill: system .venv/.installed messages
	$(PY) bench/drill/run.py

clean:
	rm -rf .venv node_modules staticfiles var
