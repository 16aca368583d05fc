# 未愛小屋 — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev browser fonts screenshots migrate seed worker lint check messages bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's chromium for the Playwright tests (installed only when root and missing).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: install Debian's 'chromium' package to run browser tests" >&2; exit 1; \
	  fi; \
	fi

# A Chinese font for screenshots (Debian's fonts-wqy-microhei, when root and none).
fonts:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's fonts-wqy-microhei for screenshots…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else \
	    echo "no Chinese font: install Debian's 'fonts-wqy-microhei' for readable screenshots" >&2; \
	  fi; \
	fi

# The main screens of each role on a phone, checked with axe, as PNGs in
# docs/screenshots/ (tests/browser/test_screens.py).
screenshots: install-dev browser fonts
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider tests/browser/test_screens.py

migrate: install
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py migrate --noinput

seed: migrate
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py seed_demo

# Serves http://127.0.0.1:8000 with demo content; the task worker (emails,
# reminders, unfollowed-urgent alerts) runs beside it and stops with it.
run: seed
	@echo "未愛小屋: http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	@trap 'kill 0' EXIT INT TERM; \
	export DJANGO_DEV_HOST=$(HOST) DJANGO_DEV_PORT=$(PORT); \
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py send_reminders --schedule; \
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py alert_unfollowed_urgent --schedule; \
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py worker_heartbeat; \
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py db_worker & \
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	DJANGO_DEV_HOST=$(HOST) DJANGO_DEV_PORT=$(PORT) DJANGO_SETTINGS_MODULE=portal.settings.dev $(PY) manage.py db_worker

# Every test; DATABASE_URL=postgres://… runs them on PostgreSQL.
# Two processes: everything else, then the few tests marked own_process
# (they need a process where no other live-server test ran first).
test: install-dev browser
	$(PY) -m pytest -m "not own_process" $(PYTEST_ARGS)
	$(PY) -m pytest -m own_process $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

check: install-dev
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

# UI catalogues. msgids are Simplified Chinese; locale/en/LC_MESSAGES/django.po
# holds the hand-written English. Run after adding or changing UI strings, fill
# in every empty msgstr (and fix any marked fuzzy), then commit django.po AND
# django.mo: the compiled catalogue is committed so running the site needs no
# gettext. Needs GNU gettext (Debian: apt-get install gettext) to regenerate.
messages: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemessages -l en \
	  --ignore=.venv --ignore=staticfiles --ignore=media --ignore=bench --no-obsolete
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py compilemessages -l en \
	  --ignore=.venv
	@for kind in untranslated only-fuzzy; do \
	  n=$$(msgattrib --$$kind --no-obsolete locale/en/LC_MESSAGES/django.po | grep -c '^msgid '); \
	  echo "$$kind: $$(( n > 0 ? n - 1 : 0 )) entries in locale/en/LC_MESSAGES/django.po"; \
	done

bench: install-dev
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "wrk is missing: install Debian's 'wrk' package to run the benchmarks" >&2; exit 1; \
	  fi; \
	fi
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
