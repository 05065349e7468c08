# phonghop — the two commands of the README, and a few more.
#   make demo   install, then serve the seeded demo on 127.0.0.1:8000 (SQLite under ./var)
#   make test   install, then run every test (again on PostgreSQL when
#               PHONGHOP_TEST_DATABASE_URL is set; .ci/run always sets it)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/phonghop demo

serve: install
	$(BIN)/phonghop serve

test: install lint
	$(MAKE) test-sqlite
	@if [ -n "$$PHONGHOP_TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "PHONGHOP_TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"; fi

test-sqlite: install
	PHONGHOP_TEST_DATABASE_URL= $(BIN)/pytest

test-postgres: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy meetings realtime phonghop

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
