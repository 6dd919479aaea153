# Tether Relay voice tokens. `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   := 127.0.0.1
PORT   := 2212

.PHONY: install run serve migrate seed test lint format openapi contract faults bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[server]" --group dev
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)  ## Create the virtualenv and install the project with its dev tools.

# Development mode, said explicitly: without DJANGO_DEBUG=true the project is in production mode.
DEV := DJANGO_DEBUG=true

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

seed: migrate  ## Create the demo organization and user; print a curl with a bearer token.
	$(DEV) $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)

run: seed  ## Install, migrate, seed the demo data and serve on http://127.0.0.1:2212.
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install  ## Production server (gunicorn); needs the production environment (README).
	DJANGO_DEBUG=false $(BIN)/gunicorn -c tether_relay/gunicorn.conf.py tether_relay.wsgi

test: install  ## Run the whole suite (SQLite, or the database DATABASE_URL names).
	$(DEV) $(BIN)/python -m pytest

openapi: install  ## Regenerate the committed OpenAPI document, openapi.yaml.
	$(DEV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file openapi.yaml

contract: install  ## Fuzz a live server with schemathesis against the contract and openapi.yaml.
	bash tests/contract_run/run.sh

faults: install  ## Two app servers behind nginx over PostgreSQL and Redis, under load and faults (root).
	bash faults/run.sh

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[server]" --group dev --group bench
	rm -f $(VENV)/.bench-installed-*
	touch $@

bench: $(BENCH_STAMP)  ## Load the token endpoint and two baselines with wrk; writes bench/RESULTS.md.
	bash bench/tools.sh
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info
