# Everyday commands. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WEB    := src/wirewatch/web/static/vendor/NOTICE

.PHONY: install demo test lint bench lock clean

install: $(STAMP) $(WEB)

# Pinned, hash-checked dependencies first, then wirewatch itself (editable, no deps).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# The dashboard's front-end packages (npm registry, pinned by package-lock.json), copied into the
# package by scripts/build_web.py. Without npm the rest of wirewatch works and the dashboard says
# what is missing.
$(WEB): package.json package-lock.json scripts/build_web.py
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && $(PYTHON) scripts/build_web.py; \
	else \
	  echo "make: npm not found: the dashboard's map and chart files are not built (install Node.js and npm, then make install)" >&2; \
	fi

demo: install
	$(BIN)/wirewatch demo

test: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src

bench: install
	$(BIN)/python bench/run_all.py

# Regenerate requirements.lock after changing dependencies in pyproject.toml. The lock holds the
# dev and spark extras: `make test` installs everything the tests need.
lock:
	$(PYTHON) -m pip install -q uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra spark --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache wirewatch-demo.db* node_modules src/wirewatch/web/static/vendor
