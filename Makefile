# KECK: every set-up step is here, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests in parallel on the machine's cores; PYTEST_ARGS adds options (e.g. -k map -x).
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/keck
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run worker test test-services test-e2e lint format messages bench clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

# The app with the Vechta demo on http://$(HOST):$(PORT), plus a Celery worker for background
# jobs (broker: an SQLite file in var/ unless CELERY_BROKER_URL is set). Ctrl-C stops both.
run: install
	@mkdir -p var
	@DEBUG=true $(BIN)/python manage.py migrate --noinput
	@DEBUG=true $(BIN)/python manage.py load_demo
	@DEBUG=true $(BIN)/celery -A keck worker --pool=solo --loglevel=INFO --logfile=var/worker.log & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Hintergrund-Worker läuft (Protokoll: var/worker.log)."; \
	  echo "KECK läuft auf http://$(HOST):$(PORT)/ – Beenden mit Strg+C."; \
	  DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A keck worker --loglevel=INFO

# The whole suite on SQLite with eager tasks. Browser tests run when chromium is installed
# (/usr/bin/chromium) and are skipped with a note otherwise.
test: install
	$(BIN)/pytest -n 2 --dist loadfile -m "not services" $(PYTEST_ARGS)

# The same suite against PostgreSQL, plus the tests that need a real Celery worker on Redis.
test-services: install
	$(BIN)/python scripts/ensure_database.py "$(PG_URL)"
	KECK_SERVICES=1 DATABASE_URL="$(PG_URL)" CELERY_BROKER_URL="$(REDIS_URL)" \
	  CELERY_RESULT_BACKEND="$(REDIS_URL)" \
	  $(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract source strings into locale/de and compile them (needs GNU gettext: apt-get install gettext).
messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l de --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DEBUG=true $(BIN)/python manage.py compilemessages -l de --ignore=.venv

bench: install
	DEBUG=true $(BIN)/python bench/import_values.py

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
