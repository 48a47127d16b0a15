# Echelon: `make run` sets up and serves the demo; `make test` sets up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed

.PHONY: run test venv migrate seed lint typecheck bench e2e unit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite, then the database-facing tests again on a throwaway PostgreSQL
# cluster that the test setup starts on loopback (skipped when PostgreSQL is not installed,
# unless ECHELON_REQUIRE_POSTGRES=1, which .ci/run sets).
# Two workers (pytest-xdist): each gets its own databases, PostgreSQL cluster and live server.
# --dist loadfile keeps a file's tests on one worker: some modules share one world per module.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile
test: venv
	$(BIN)/pytest $(XDIST)
	$(BIN)/pytest $(XDIST) --db=postgresql -m "not e2e" tests/integration tests/security

unit: venv
	$(BIN)/pytest tests/unit

e2e: venv
	$(BIN)/pytest tests/e2e

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy app/readiness app/tuition app/kernel app/services

bench: venv
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
