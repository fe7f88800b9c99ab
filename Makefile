# The two commands a newcomer needs:  make run  (web app with demo data)  ·  make test
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench system-test-deps clean-var

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(APP_STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## make run: install, migrate the embedded SQLite database under ./var, load the demo, serve
run: $(APP_STAMP)
	$(BIN)/waspada db upgrade
	$(BIN)/waspada demo load
	$(BIN)/waspada serve

## make test: install test tools (and Debian's chromium when missing), lint, run the suite
test: $(TEST_STAMP) system-test-deps
	$(BIN)/ruff check .
	WASPADA_TEST_SPARK=$${WASPADA_TEST_SPARK:-1} $(BIN)/python -m pytest

system-test-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "Installing Debian packages chromium and chromium-driver for browser tests"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

## make bench: every engine's benchmark (slow; not part of the tests)
bench: $(TEST_STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done
