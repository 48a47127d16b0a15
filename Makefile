# Echelon: `make run` sets up and serves the demo; `make test` sets up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test venv dev system-check system-check-test migrate seed lint typecheck bench e2e unit clean

# The system libraries come first: without them the PDFs would fail, so stop with the apt-get line.
system-check:
	@$(PYTHON) scripts/check_system.py

system-check-test:
	@$(PYTHON) scripts/check_system.py --test

# `make run` installs what running needs; `make test` adds the test, lint and type tools.
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(DEV_STAMP)

venv: system-check $(RUN_STAMP)

dev: system-check-test $(DEV_STAMP)

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# The web server and one background-jobs worker together; Ctrl-C stops both (scripts/run.py).
run: seed
	$(BIN)/python scripts/run.py 127.0.0.1 5000

# The whole suite on SQLite, then the database-facing tests again on a throwaway PostgreSQL
# cluster that the test setup starts on loopback (skipped when PostgreSQL is not installed,
# unless ECHELON_REQUIRE_POSTGRES=1, which .ci/run sets).
# Two workers (pytest-xdist): each gets its own databases, PostgreSQL cluster and live server.
# --dist loadfile keeps a file's tests on one worker: some modules share one world per module.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile
test: dev
	$(BIN)/pytest $(XDIST)
	$(BIN)/pytest $(XDIST) --db=postgresql -m "not e2e" tests/integration tests/security

unit: dev
	$(BIN)/pytest tests/unit

e2e: dev
	$(BIN)/pytest tests/e2e

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy app/readiness app/tuition app/kernel app/services

bench: dev
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
