# Two commands for a fresh machine: `make serve` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BUILD_FLAGS := --builder dirhtml -W -n --keep-going
SITE := _build/dirhtml

.PHONY: help install build build-all serve livehtml test bench linkcheck clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/jupyter-book: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)-cff/bin/cffconvert: requirements-cff.txt
	$(PYTHON) -m venv $(VENV)-cff
	$(VENV)-cff/bin/python -m pip install --quiet -r requirements-cff.txt
	@touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

install: $(BIN)/jupyter-book node_modules/axe-core/axe.min.js $(VENV)-cff/bin/cffconvert ## create .venv, .venv-cff and node_modules from the pinned requirements

build: $(BIN)/jupyter-book ## strict incremental build into _build/dirhtml (warnings are errors)
	$(BIN)/jupyter-book build $(BUILD_FLAGS) .

build-all: $(BIN)/jupyter-book ## strict clean build of every page
	$(BIN)/jupyter-book build $(BUILD_FLAGS) --all .

serve: build ## build, then serve the book on http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory $(SITE) $(PORT)

livehtml: $(BIN)/jupyter-book ## rebuild changed pages and reload the browser on save
	$(BIN)/jupyter-book config sphinx . > /dev/null
	PYTHONPATH=_ext $(BIN)/sphinx-autobuild . _build/live --builder dirhtml --host $(HOST) --port $(PORT) \
	  --watch _ext --watch data --ignore "_build/*" --ignore "tests/*" --ignore "node_modules/*" \
	  --ignore "*.pyc" --ignore "conf.py"

test: install ## strict clean build and every check, browser tests included
	$(BIN)/python -m pytest

bench: install ## page weight, Lighthouse scores and build times, as a table
	$(BIN)/python tests/bench.py

linkcheck: $(BIN)/jupyter-book ## check external links (needs a network; not part of `make test`)
	$(BIN)/python tests/linkcheck_external.py

clean: ## remove the built site
	rm -rf _build
