# phonghop — the two commands of the README, and a few more.
#   make demo   install, then serve the seeded demo on 127.0.0.1:8000 (SQLite under ./var);
#               `make demo PORT=8100 HOST=0.0.0.0` listens elsewhere (so does `make serve`)
#   make test   install, then run every test (again on PostgreSQL when
#               PHONGHOP_TEST_DATABASE_URL is set; .ci/run always sets it)
#   make mutants  remove each protection of docs/protections.toml in turn and check that its
#               tests fail (PostgreSQL too for engine-specific ones when the URL is set); slow,
#               not part of `make test`
PYTHON ?= python3
# Unset: the server's own defaults (PHONGHOP_HOST, PHONGHOP_PORT, else 127.0.0.1:8000).
HOST ?=
PORT ?=
LISTEN = $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two workers (the CI machine has two cores; most tests wait on servers and browsers), a test
# file's tests kept together so that its fixtures are built once. `make test PYTEST_ARGS=` runs serially.
PYTEST_ARGS ?= -n 2 --dist loadfile $(RERUNS)
# A test that fails is run once more, and every such rerun is listed at the end ("RERUN"): on a
# shared two-core machine a real server, browser or process can miss a deadline for no fault of
# the code. A rerun is a bug report, not a pass to forget (docs/testing.md). Tests of what must
# never fail even once (a secret ballot left in the database's files, a ballot acknowledged
# before its commit, a ballot lost across a kill) are never rerun: they carry flaky(reruns=0).
# `make test RERUNS=` runs every test once only.
RERUNS ?= --reruns 1 --reruns-delay 2 -rR

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck bench mutants clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/phonghop demo $(LISTEN)

serve: install
	$(BIN)/phonghop serve $(LISTEN)

test: install lint
	$(MAKE) test-sqlite
	@if [ -n "$$PHONGHOP_TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "PHONGHOP_TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"; fi

test-sqlite: install
	PHONGHOP_TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy meetings realtime phonghop

mutants: install
	$(BIN)/python scripts/mutants.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
