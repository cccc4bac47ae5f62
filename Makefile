# The README's two commands, `make run` and `make test`, and the targets they are made of.
# Every target sets up what it needs on a fresh machine: .venv, node_modules, the page's build,
# and (for the browser tests) Debian's Chromium.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
DIST := frontend/dist/index.html
PAGE_SOURCES := $(shell find frontend/src frontend/scripts -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

.PHONY: run test lint types pytest page-checks e2e bench clean

run: $(STAMP) $(DIST)
	$(BIN)/roost demo

test: lint types pytest page-checks e2e

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(DIST): $(NODE_STAMP) $(PAGE_SOURCES)
	npm run build

lint: $(STAMP)
	$(BIN)/ruff check backend tests bench e2e
	$(BIN)/ruff format --check backend tests bench e2e

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

page-checks: $(NODE_STAMP)
	npm run lint
	npm test
	npm run build

# A browser test races a live page; one rerun absorbs a lost race, a real failure fails twice.
e2e: $(STAMP) $(DIST)
	bash e2e/setup.sh
	$(BIN)/pytest e2e --reruns 1

bench: $(STAMP)
	$(BIN)/python bench/engine.py --concurrency 100
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) node_modules frontend/dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
