# Two commands for a newcomer: `make run` and `make test`. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL that `make test` looks for when DATABASE_URL is not set.
LOCAL_POSTGRESQL := postgres://postgres@127.0.0.1:5432/practice_library

.PHONY: run test lint backup restore bench drill clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

## run: set up and serve the library on http://127.0.0.1:8000 with SQLite and the seed content.
run: $(VENV)/.runtime-installed
	@unset DATABASE_URL; export DJANGO_DEBUG=true DJANGO_SITE_URL=http://$(HOST):$(PORT); \
	$(MANAGE) migrate --no-input && \
	$(MANAGE) load_seed_content && \
	$(MANAGE) build_downloads --if-stale && \
	echo "" && \
	echo "To curate, create an admin user in another terminal:" && \
	echo "    DJANGO_DEBUG=true $(MANAGE) createsuperuser" && \
	echo "then sign in at http://$(HOST):$(PORT)/admin/" && \
	echo "" && \
	exec $(MANAGE) runserver $(HOST):$(PORT)

# Test processes (pytest-xdist; each has its own test database and Redis
# database); 0 runs the suite in this process.
TEST_WORKERS ?= 2

## test: run the whole suite; PostgreSQL when DATABASE_URL is set or one answers on 127.0.0.1:5432.
test: $(VENV)/.dev-installed
	@if [ -z "$$DATABASE_URL" ] && $(BIN)/python -c 'import psycopg; psycopg.connect("$(LOCAL_POSTGRESQL:/practice_library=/postgres)", connect_timeout=2).close()' 2>/dev/null; then \
		export DATABASE_URL="$(LOCAL_POSTGRESQL)"; \
	fi; \
	if [ -n "$$DATABASE_URL" ]; then echo "Testing against PostgreSQL ($${DATABASE_URL%%\?*})."; \
	else echo "!!! No PostgreSQL found: testing on SQLite; PostgreSQL-only tests will be SKIPPED (listed at the end). !!!"; fi; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

## lint: formatting, lint rules, types, import contracts, Django's checks, missing migrations.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_DEBUG=true $(BIN)/mypy .
	$(BIN)/lint-imports
	DJANGO_DEBUG=true $(MANAGE) check
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

# backup and restore run with the shell's settings. A development shell
# (DJANGO_ENV unset) gets DJANGO_DEBUG=true unless it says otherwise; a
# production shell (DJANGO_ENV=production) keeps its own, since production
# mode refuses DJANGO_DEBUG=true.
SHELL_DEBUG = DJANGO_DEBUG=$${DJANGO_DEBUG:-$$(test "$$DJANGO_ENV" = production && echo false || echo true)}

## backup: write the whole library (history included) to backups/, owner-only (0600), from DATABASE_URL (SQLite when unset).
backup: $(VENV)/.runtime-installed
	$(SHELL_DEBUG) $(MANAGE) backup_library $(if $(FILE),--output $(FILE))

## restore: restore FILE=backups/... into the empty database at DATABASE_URL.
restore: $(VENV)/.runtime-installed
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/practice-library-....dump"; exit 2; }
	$(SHELL_DEBUG) $(MANAGE) restore_library $(FILE)

# The benchmark's peer, Datasette, lives in a venv of its own: the app never
# imports it, and its pins (bench/requirements.txt) move apart from the app's.
BENCH_VENV := bench/.venv

$(BENCH_VENV)/.installed: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $@

## bench: the app against Datasette on N demo initiatives (default 100000); root, wrk.
bench: $(VENV)/.dev-installed $(BENCH_VENV)/.installed
	@command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/run.py --initiatives $(or $(N),100000)

## drill: stop PostgreSQL under load and time the outage and the recovery (root; not in make test).
drill: $(VENV)/.runtime-installed
	$(BIN)/python bench/drill.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .hypothesis db.sqlite3
