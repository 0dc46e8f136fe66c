# Two commands matter: `make run` (set up, load demo data, build, open the dashboard)
# and `make test` (set up, run every test). The rest are small helpers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CX_DATA_DIR ?= data
DEMO_RESPONSES ?= 200000
DEMO_SEED ?= 2026
export CX_DATA_DIR

.PHONY: help setup run pipeline dashboard dev test browser lint bench generate screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMP) ## create .venv and install the project (does nothing when current)

# Create .venv when missing and install the project with the extras given ($(1)), with
# uv: 27 s on a fresh clone here (uv's resolve and install ~1 s from its cache, the
# byte-code 21 s: PYTHONDONTWRITEBYTECODE=1 is set on this machine, so nothing would
# compile it later) against ~76 s with pip. uv's cache first (--offline: the versions it
# holds that fit pyproject.toml), the index when it lacks one; pip when uv cannot be had.
define install
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -m pip install --quiet 'uv>=0.13,<0.14'; then \
		echo "uv pip install -e '.[$(1)]'"; \
		$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode --offline -e '.[$(1)]' 2>/dev/null \
		|| $(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -e '.[$(1)]'; \
	else \
		$(BIN)/python -m pip install --quiet --upgrade pip \
		&& $(BIN)/python -m pip install --quiet -e '.[$(1)]'; \
	fi
endef

$(STAMP): pyproject.toml
	$(call install,dev)
	@touch $(STAMP)

generate: setup ## write demo agency feeds into the landing zone
	$(BIN)/cxwh generate --responses $(DEMO_RESPONSES) --seed $(DEMO_SEED)

run: setup ## demo data (if the landing zone is empty), the whole pipeline, then the dashboard
	@if [ -z "$$(find $(CX_DATA_DIR)/landing -type f 2>/dev/null | head -n 1)" ]; then \
		echo "Landing zone $(CX_DATA_DIR)/landing is empty: generating a demo of $(DEMO_RESPONSES) responses."; \
		$(BIN)/cxwh generate --responses $(DEMO_RESPONSES) --seed $(DEMO_SEED); \
	fi
	$(BIN)/cxwh pipeline
	$(BIN)/cxwh dashboard

pipeline: setup ## load new files, build and test the warehouse, publish
	$(BIN)/cxwh pipeline

dashboard: setup ## serve the dashboard on the published snapshot
	$(BIN)/cxwh dashboard

dev: setup ## open the Dagster UI (asset graph, schedules, sensors, checks)
	DAGSTER_HOME=$$($(BIN)/python -m dagster_project.cli.instance) $(BIN)/dagster dev -m dagster_project.definitions

SPARK_STAMP := $(VENV)/.installed-spark

TEST_EXTRAS := dev,spark

# The Spark extra (dbt-spark, pyspark) for the Spark parity test; `make setup` stays lean.
# One install run gives both on a fresh machine (one resolve instead of two).
$(SPARK_STAMP): pyproject.toml
	$(call install,$(TEST_EXTRAS))
	@touch $(STAMP) $(SPARK_STAMP)

test: $(SPARK_STAMP) browser ## run every test (unit, dbt, Dagster, app, browser, Spark parity, benchmark smoke)
	$(BIN)/python -m pytest -n 2 --no-loadscope-reorder $(PYTEST_ARGS)

browser: ## Debian's chromium for the browser tests (installed when missing and possible)
	@command -v chromium >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
			SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo -n); \
			echo "Installing Debian's chromium for the browser tests (apt-get)"; \
			DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "error: the browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu), then 'make test' again"; \
			exit 1; \
		fi; \
	}

lint: setup ## ruff and sqlfluff
	$(BIN)/ruff check dagster_project app tests benchmarks
	$(BIN)/ruff format --check dagster_project app tests benchmarks
	@# The dbt templater opens the warehouse: give it a throwaway one, not the real data.
	cd dbt && CX_DATA_DIR=$$(mktemp -d) ../$(BIN)/sqlfluff lint models tests macros

bench: $(SPARK_STAMP) ## benchmark at 20k, 100k, 1M, 10M responses, 1M on Spark too (SCALES=..., SPARK=... to choose)
	$(BIN)/python -m benchmarks.run $(if $(SCALES),--scales $(SCALES),) $(if $(SPARK),--spark $(SPARK),)

screenshots: setup ## README screenshots of the published dashboard (needs chromium)
	$(BIN)/python tests/browser/dashboard.py

clean: ## remove generated data and build output (keeps .venv)
	rm -rf $(CX_DATA_DIR) dbt/target dbt/logs .dagster_home
