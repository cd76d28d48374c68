# crisismap: two commands set everything up on a fresh machine.
#   make demo   embedded broker + SQLite store + bundled Amphan scenario + dashboard on http://127.0.0.1:8501
#   make test   the whole test suite (unit, integration with real services, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := dashboard/static/vendor/.fetched

.PHONY: venv assets demo test bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): dashboard/assets.toml $(STAMP)
	$(BIN)/python -m dashboard.assets

demo: venv assets
	$(BIN)/crisismap demo

test: venv assets
	$(BIN)/pytest

bench: venv
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) dashboard/static/vendor var .pytest_cache
