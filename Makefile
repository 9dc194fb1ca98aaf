# The two commands: `make run` (the hub with demo data on embedded defaults) and
# `make test` (the whole suite against real PostgreSQL, Redis, Celery and HTTP).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test test-fast lint bench venv venv-dev services clean

$(VENV)/.runtime: requirements.txt requirements-nodeps.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

run: venv
	@PORT=$(PORT) bash scripts/run.sh

services:
	@bash scripts/services.sh

test: venv-dev services
	@bash scripts/test.sh

test-fast: venv-dev
	$(PY) -m pytest -q -m "not integration and not browser"

lint: venv-dev
	$(VENV)/bin/ruff check .

bench: venv-dev services
	@bash bench/run.sh

clean:
	rm -rf var
