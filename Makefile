# crisismap: two commands set everything up on a fresh machine.
#   make demo   embedded broker + SQLite store + bundled Amphan scenario + dashboard on http://127.0.0.1:8501
#   make test   the whole test suite (unit, integration with real services, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := dashboard/static/vendor/.fetched
GAZ    := var/cache/.gazetteer-built

.PHONY: venv assets gazetteer demo test bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py geo/_ctokens.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): dashboard/assets.toml $(STAMP)
	$(BIN)/python -m dashboard.assets

# The offline gazetteer cache, built once from installed packages (~1 min), so the first
# ingest or test run does not pay for it.
gazetteer: $(GAZ)

$(GAZ): $(STAMP)
	$(BIN)/crisismap gazetteer build
	touch $(GAZ)

demo: venv assets gazetteer
	$(BIN)/crisismap demo

test: venv assets gazetteer
	$(BIN)/pytest

bench: venv gazetteer
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) dashboard/static/vendor var .pytest_cache
