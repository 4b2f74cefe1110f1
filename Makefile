# Two commands for a fresh machine: `make serve` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BUILD_FLAGS := --builder dirhtml -W -n --keep-going
SITE := _build/dirhtml
EDITIONS := _build/editions

.PHONY: help install build build-all serve livehtml test pdf epub bench linkcheck clean port-free

help: ## list the targets and the variables they take
	@echo "Usage: make TARGET [VARIABLE=value ...]"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-15s %s\n", $$1, $$2}'
	@echo
	@echo "Variables:"
	@printf "  %-15s %s\n" "PORT=8000" "port for serve and livehtml (pick another if 8000 is taken)" \
	  "HOST=127.0.0.1" "address to listen on (0.0.0.0 to reach it from another machine)" \
	  "PYTHON=python3" "the Python (3.11 or 3.12) that creates .venv"

$(BIN)/jupyter-book: requirements.txt
	@echo "Creating $(VENV) and installing the pinned requirements (about a minute the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -r requirements.txt \
	  | { grep -E --line-buffered '^(Collecting|Successfully)' | cut -c1-100 || true; }
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

# Fails at once, before any build, when HOST:PORT is taken (a second `make serve`, say).
define PORT_FREE
import socket, sys
s = socket.socket()
try:
    s.bind(("$(HOST)", int("$(PORT)")))
except OSError as e:
    sys.exit(f"make: port $(PORT) on $(HOST) is not free ({e.strerror}). "
             f"Stop what uses it, or pick another port: make $(MAKECMDGOALS) PORT=8001")
finally:
    s.close()
endef
export PORT_FREE

port-free:
	@$(PYTHON) -c "$$PORT_FREE"

serve: port-free build ## build, then serve the book on http://HOST:PORT/book/
	$(BIN)/python tests/serve.py --host $(HOST) --port $(PORT) $(SITE)

livehtml: port-free $(BIN)/jupyter-book ## rebuild changed pages and reload the browser on save (sphinx-autobuild; HOST, PORT)
	$(BIN)/jupyter-book config sphinx . > /dev/null
	PYTHONPATH=_ext $(BIN)/python tests/livehtml.py . _build/live --builder dirhtml -W -n --keep-going \
	  --host $(HOST) --port $(PORT) \
	  --watch _ext --watch data --ignore "_build/*" --ignore "tests/*" --ignore "node_modules/*" \
	  --ignore "*.pyc" --ignore "conf.py"

test: install ## strict build and every check, browser tests included (two processes)
	$(BIN)/python -m pytest -n 2 --dist loadfile

pdf: build ## the book as a PDF (Chromium prints the one-page edition), linked from the front page
	$(BIN)/python tests/editions.py pdf $(SITE) $(EDITIONS)

epub: build ## the book as an EPUB (checked by epubcheck), linked from the front page
	$(BIN)/python tests/editions.py epub $(SITE) $(EDITIONS)

bench: install ## page weight, Lighthouse scores and build times, as a table
	$(BIN)/python tests/bench.py

linkcheck: $(BIN)/jupyter-book ## check external links (needs a network; not part of `make test`)
	$(BIN)/python tests/linkcheck_external.py

clean: ## remove the built site
	rm -rf _build
