# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench manifest clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; fi

run: $(STAMP)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/.package-lock.json; fi
	$(BIN)/qibot dev

test: $(STAMP)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/.package-lock.json; fi
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/turns.py
	$(BIN)/python bench/delivery.py

manifest: $(STAMP)
	$(BIN)/qibot manifest build

clean:
	rm -rf $(VENV) build node_modules var/*.db*
