# The two commands a newcomer needs:  make run  (web app with demo data)  ·  make test
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed
# Pinned versions of every package (runtime, test, spark) for reproducible installs; `make lock`.
LOCK := requirements/lock.txt
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench system-test-deps clean-var lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(APP_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q -c $(LOCK) -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(LOCK) $(APP_STAMP)
	$(BIN)/pip install -q -c $(LOCK) -e '.[test,spark,train,bench]'
	touch $@

## make run: install, migrate the embedded SQLite database under ./var, load the demo, serve
## (make run PORT=8080 HOST=0.0.0.0: another port or interface; default WASPADA_PORT/HOST or 8000)
PORT ?=
HOST ?=
run: $(APP_STAMP)
	$(BIN)/waspada db upgrade
	$(BIN)/waspada demo load
	$(BIN)/waspada serve$(if $(strip $(PORT)), --port $(strip $(PORT)))$(if $(strip $(HOST)), --host $(strip $(HOST)))

## make test: install test tools (and Debian's chromium and test fonts when missing), lint, type-check, run the suite
## on TEST_WORKERS pytest-xdist processes, each with its own database, a test file per worker
## (make test TEST_WORKERS=0: one process)
TEST_WORKERS ?= 2
test: $(TEST_STAMP) system-test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy src
	WASPADA_TEST_SPARK=$${WASPADA_TEST_SPARK:-1} $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# the document-reading tests render MRZ pages in DejaVu Sans Mono and Liberation Mono (tests/docpages.py)
TEST_FONTS := /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf /usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf
system-test-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! ls $(TEST_FONTS) >/dev/null 2>&1; then \
	  echo "Installing Debian packages chromium, chromium-driver and fonts for browser and document tests"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver \
	    fonts-dejavu-core fonts-liberation; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

## make bench: every engine's benchmark (slow; not part of the tests)
bench: $(TEST_STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## make lock: re-resolve requirements/lock.txt from pyproject.toml (needs PyPI; commit the result)
lock: | $(BIN)/python
	@$(BIN)/python -m uv --version >/dev/null 2>&1 || $(BIN)/pip install -q uv
	$(BIN)/python -m uv pip compile pyproject.toml --extra test --extra spark --extra train --extra bench --python-version 3.11 \
	  --universal --custom-compile-command "make lock" -q -o $(LOCK)

## make audit: known vulnerabilities in the locked versions (pip-audit; needs the PyPI
## vulnerability API). Fails, never passes, when a package could not be checked.
audit: $(TEST_STAMP)
	@$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r $(LOCK) || { \
	  echo "make audit: FAILED - a vulnerability was found, or the advisory database could not be" \
	       "reached for some package (then nothing was verified; see the messages above)." >&2; \
	  exit 1; }
