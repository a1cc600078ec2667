# r2p-graph: `make run` installs and serves the bundled data, `make test` installs and tests.
# Everything the two need is installed from this repository's own files.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= r2p-data
HOST   ?= 127.0.0.1
PORT   ?= 8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint system-deps bench clean

$(BIN)/r2p-graph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# HermiT (the OWL reasoner used by `r2p-graph reason --check` and its tests) runs on Java.
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends default-jre-headless; }

# Serves ./r2p-data at http://127.0.0.1:8000 (the bundled data is loaded on first start).
run: $(BIN)/r2p-graph
	$(BIN)/r2p-graph serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

lint: $(BIN)/r2p-graph
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that must fail, not pass silently.
test: system-deps lint
	$(BIN)/pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

bench: $(BIN)/r2p-graph
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/http/run.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
