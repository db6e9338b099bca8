# Kakehashi: the one command surface. `make run` serves the demo; `make test` runs the suite.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# The encoder uses OpenMP; one thread per server process keeps 2-core machines responsive.
export OMP_NUM_THREADS ?= 1

HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Links in mail follow the address the app is served at (`make run PORT=8124` mails
# links to 8124), unless KAKEHASHI_SITE_URL is set (a deployment's public address).
export KAKEHASHI_SITE_URL ?= http://$(HOST):$(PORT)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: help setup run serve demo migrate test test-engines test-web fuzz lint format ci clean openapi messages bench-web

help:
	@echo "make run    set everything up and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make lint   ruff check + format check"

# uv, installed for this user when missing (pip first, then a private venv).
$(UV):
	@command -v uv >/dev/null 2>&1 || { \
	  echo "Installing uv …"; \
	  python3 -m pip install --user --quiet uv 2>/dev/null || \
	  python3 -m pip install --user --quiet --break-system-packages uv 2>/dev/null || \
	  { python3 -m venv $(HOME)/.local/uv-venv && $(HOME)/.local/uv-venv/bin/pip install --quiet uv && \
	    mkdir -p $(HOME)/.local/bin && ln -sf $(HOME)/.local/uv-venv/bin/uv $(HOME)/.local/bin/uv; }; }

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

# axe-core (package.json) for the browser tests' accessibility checks; skipped without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks of the browser tests will be skipped"; fi

setup: .venv/.synced node_modules/.installed

migrate: setup
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) load_demo

# `manage.py serve` starts gunicorn and, on the embedded default, the job worker and
# its scheduler beside it (Huey on a SQLite queue in var/); Ctrl-C stops all of them.
GUNICORN_ARGS = --bind $(HOST):$(PORT) --workers $(WORKERS) --worker-class sync \
  --access-logfile - --timeout 120

run: demo
	@$(MANAGE) demo_logins
	@echo "Serving Kakehashi at http://$(HOST):$(PORT)/ with its job worker (Ctrl-C stops both)"
	$(MANAGE) serve -- $(GUNICORN_ARGS)

serve: setup
	$(MANAGE) serve -- $(GUNICORN_ARGS)

# The engines' tests run first without Django at all (-p no:django), proving the
# engines stand alone; then the web project's suite, on SQLite or on DATABASE_URL.
test: setup
	$(PY) -m pytest -p no:django -p no:cacheprovider tests/kakehashi_match tests/kakehashi_semantic tests/kakehashi_network
	$(PY) -m pytest tests/kakehashi

test-engines: setup
	$(PY) -m pytest -p no:django tests/kakehashi_match tests/kakehashi_semantic tests/kakehashi_network

test-web: setup
	$(PY) -m pytest tests/kakehashi

# schemathesis over every API operation, anonymously and as a candidate, a supervisor and
# an officer, against a live server on a throwaway demo database (docs/testing.md).
fuzz: setup
	.ci/fuzz-api

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

openapi: setup
	$(MANAGE) export_openapi -o docs/api/openapi.json

# Extract interface strings into the .po files; translate them, then compile the .mo files
# (tests/kakehashi/test_translations.py fails on any untranslated or stale entry).
messages: setup
	cd src/kakehashi && ../../$(PY) ../../manage.py makemessages -l fr -l ja --no-wrap --add-location=file \
	  --no-obsolete -i '*/migrations/*' -i '*/static/*' -i '*/data/*'
	$(MANAGE) compilemessages -i .venv -i var -i node_modules

# The web benchmarks (benchmarks/web/README.md): lists and search under wrk, then the
# deadline burst. Minutes long, so never part of `make test` or CI. Needs wrk
# (Debian's package: installed here when missing and run as root, as .ci/run installs
# Chromium); BENCH_DB=postgres runs them on a temporary PostgreSQL database.
BENCH_DB ?= sqlite
bench-web: setup
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) benchmarks/web/bench_lists.py --database $(BENCH_DB)
	$(PY) benchmarks/web/bench_deadline.py --database $(BENCH_DB)

ci:
	bash .ci/run

clean:
	rm -rf var/ artifacts/ .pytest_cache node_modules/
