# The README's two commands: `make run` (demo hub on 127.0.0.1:8000; `make run PORT=8010`
# for another port) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hub
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-embedded lint format bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Installed once per change of pyproject.toml (the stamps), not on every `make run`.
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

## Serve the demo restaurant on the embedded default (SQLite + in-memory layer).
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "Hub on http://$(HOST):$(PORT)/  API tester: http://$(HOST):$(PORT)/api/v1/docs/  screens: http://$(HOST):$(PORT)/"
	@echo "hub_worker running beside it (print queue, webhooks, KOT acknowledgement timer, hourly housekeeping); the demo printers write to var/print-spool/."
	@echo "Ctrl-C stops both; another port: make run PORT=8010. Daphne's \"HTTP/2 support not enabled\" is expected (README.md)."
	@$(BIN)/python manage.py hub_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) hub.asgi:application

## Full suite on PostgreSQL + Redis, then the embedded run on SQLite.
test: install-test
	$(BIN)/python -m tests.services_check "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/lint-imports
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest -q
	$(MAKE) --no-print-directory test-embedded

test-embedded: install-test
	env -u DATABASE_URL -u REDIS_URL HUB_VAR_DIR=var/embedded $(BIN)/pytest -q -m embedded

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks (docs/performance.md): one JSON document; BENCH_ARGS="--screens 1000 --server uvicorn ..."
bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
