# Two set-up commands (README): `make demo` builds the database (and site) from the
# embedded data; `make test` runs the suite. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean history

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pricewatch demo

# Rebuild data/history (the real history `demo` loads) from the recordings and the git
# bundles of public price histories in SAMPLES (tools/build_history.py says what is read).
SAMPLES ?= ../shared/samples
history: $(STAMP)
	$(BIN)/python tools/build_history.py $(SAMPLES) --out data/history

# The static checks read the package through a link tree of its installed layout
# (tools/linktree.py): the layer contracts (import-linter), then the type checker.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/linktree.py --in-tree lint-imports --no-logo --no-cache $(CURDIR)/pyproject.toml
	$(BIN)/python tools/linktree.py mypy -p pricewatch
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build .mypy_cache public data/pricewatch.db data/pricewatch.db-* data/pricewatch.db.lock
