# SmartGov: `make demo` and `make test` are the two set-up commands; both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12: `python3.12` where it runs, else pyenv's 3.12 (its shim may exist without working).
PYTHON ?= $(shell for p in python3.12 $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.12*/bin/python3.12; do \
            "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SMARTGOV := $(BIN)/smartgov
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install assets messages migrate demo serve test lint typecheck checkmigrations scan pytest bench openapi clean

help:
	@echo "make demo   install everything, migrate, load the Hai Phong demo data and serve http://$(HOST):$(PORT)"
	@echo "make test   install everything and run every check (ruff, mypy, import contracts, migrations, scan, pytest)"
	@echo "make scan   bandit over src/ and pip-audit over the installed packages"
	@echo "make bench  run the benchmarks in benchmarks/ and print their ratios"
	@echo "make lint   ruff, mypy and the import contracts only"

$(BIN)/activate:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 is missing: put python3.12 on PATH or install it with pyenv (pyenv install 3.12)." >&2; exit 1; fi
	"$(PYTHON)" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed messages

assets: node_modules/.installed

messages: $(VENV)/.installed
	@cd src/smartgov && ../../$(SMARTGOV) compilemessages --verbosity 0

migrate: install
	$(SMARTGOV) migrate --noinput

# While the demo is served, the status synchronisation goes to the national portal's stand-in (docs/procedures.md).
DEMO_PORTAL_SYNC = SMARTGOV_PORTAL_SYNC_URL=http://$(HOST):$(PORT)/mo-phong/cong-dvc-quoc-gia/api/trang-thai

# The demo looks like the product: its own 404 page under DEBUG (SMARTGOV_PRODUCT_PAGES), links at the PORT served.
demo: migrate
	@SMARTGOV_SITE_URL=http://$(HOST):$(PORT) $(SMARTGOV) load_demo
	@echo "Serving SmartGov at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@SMARTGOV_SITE_URL=http://$(HOST):$(PORT) SMARTGOV_PRODUCT_PAGES=1 $(DEMO_PORTAL_SYNC) $(SMARTGOV) runserver $(HOST):$(PORT)

serve: install
	$(SMARTGOV) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check src benchmarks tools
	$(BIN)/ruff format --check src benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

checkmigrations: install
	$(SMARTGOV) makemigrations --check --dry-run

# Security scans (docs/contributing.md#security-scans): bandit fails on any medium or high finding not marked
# `# nosec BXXX  # why`; pip-audit fails on a known vulnerability and says loudly when it could not ask.
scan: install
	$(BIN)/bandit -c pyproject.toml -r src --severity-level medium --quiet
	$(BIN)/python tools/audit_deps.py

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint checkmigrations scan pytest

bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

openapi: install
	$(SMARTGOV) export_openapi > docs/api/openapi.json

clean:
	rm -rf $(VENV) node_modules var build .mypy_cache .ruff_cache .pytest_cache
