# The two commands of README.md: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup serve serve-prod lint format bench clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required" or 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## Set up (idempotent) then serve the platform on http://127.0.0.1:8000
run: setup serve

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_esco
	$(PY) manage.py import_curated_vocabulary
	$(PY) manage.py build_extraction_index
	$(PY) manage.py load_demo
	$(PY) manage.py rebuild_search_index
	$(PY) manage.py compute_analytics
	$(PY) manage.py export_open_data
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The task worker runs beside the development server (offer suggestions, large feeds) and
# stops with it.
serve:
	$(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## Production: migrate, collect static files, check, then gunicorn and the task worker
# Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (README, "Production").
serve-prod: export DJANGO_SETTINGS_MODULE = config.settings.production
serve-prod: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config python:config.gunicorn

## Run the whole test suite (SQLite by default; DATABASE_URL selects PostgreSQL)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var db.sqlite3*
