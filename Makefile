# Two commands for a fresh machine: `make serve` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BUILD_FLAGS := --builder dirhtml -W -n --keep-going
SITE := _build/dirhtml

.PHONY: help install build build-all serve test linkcheck clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/jupyter-book: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(BIN)/jupyter-book ## create .venv and install the pinned requirements

build: install ## strict incremental build into _build/dirhtml (warnings are errors)
	$(BIN)/jupyter-book build $(BUILD_FLAGS) .

build-all: install ## strict clean build of every page
	$(BIN)/jupyter-book build $(BUILD_FLAGS) --all .

serve: build ## build, then serve the book on http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory $(SITE) $(PORT)

test: install ## strict clean build and every check
	$(BIN)/python -m pytest

linkcheck: install ## check external links (needs a network; not part of `make test`)
	$(BIN)/python tests/linkcheck_external.py

clean: ## remove the built site
	rm -rf _build
