# dealernet: `make run` starts the product, `make test` runs the whole suite.
# Without DATABASE_URL / REDIS_URL a private PostgreSQL and Redis run under .local/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
WITH_ENV := set -a; . ops/env.sh; set +a;

.PHONY: run test install system-packages frontend services services-down migrate seed \
        lint typecheck schema persisted docs check bench drills clean

run: install frontend services
	@$(WITH_ENV) ops/run.sh

test: install frontend services
	@$(WITH_ENV) $(PY) -m pytest $(PYTEST_ARGS)

install: system-packages $(VENV)/.installed

system-packages:
	@ops/system-packages.sh

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "• installing Python packages into $(VENV)"
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --disable-pip-version-check --progress-bar on --require-hashes -r requirements.txt \
	  | grep -v -E '^(Requirement already satisfied|  Using cached)' || true
	@# The project runs from the checkout: a .pth puts it on the path, a wrapper is the CLI.
	@$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'dealernet.pth').write_text('$(CURDIR)\n')"
	@printf '#!/bin/sh\nexec "$(CURDIR)/$(PY)" -m api.cli "$$@"\n' > $(VENV)/bin/dealernet && chmod +x $(VENV)/bin/dealernet
	@$(PY) -c "import litestar, strawberry, piccolo, casbin, arq" # fails loudly if an install broke
	@touch $@

frontend: frontend/dist/index.html

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@echo "• installing frontend packages"
	@cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed graphql/schema.graphql $(shell find frontend/src graphql/operations -type f 2>/dev/null) frontend/index.html
	@echo "• building the frontend"
	@cd frontend && npm run build

services:
	@$(WITH_ENV) true

services-down:
	@ops/services.sh down

migrate: install services
	@$(WITH_ENV) $(PY) -m api.cli migrate

seed: migrate
	@$(WITH_ENV) $(PY) -m api.cli seed $(if $(DEALERS),--dealers $(DEALERS),)

schema: install
	@$(PY) -m api.schema_export > graphql/schema.graphql
	@echo "• wrote graphql/schema.graphql"

persisted: install
	@$(PY) -m api.persisted_queries > graphql/persisted.json
	@echo "• wrote graphql/persisted.json"

# The API reference from the live schema, then the integration guides' sample responses
# (the examples run against a factory-built dealer on the test database).
docs: install services
	@$(PY) -m api.api_docs
	@$(WITH_ENV) DN_WRITE_SAMPLES=1 $(PY) -m pytest -q -p no:cacheprovider tests/api/test_integration_examples.py

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: install
	@$(VENV)/bin/mypy

check: lint typecheck

# Every benchmark, side by side (about half an hour here); e.g. BENCH_ARGS="--only scale",
# BENCH_ARGS="--write docs/performance.md" to update the figures there.
bench: install services
	@$(WITH_ENV) $(PY) -m bench $(BENCH_ARGS)

# Fault drills (docs/reliability.md): worker kills, PostgreSQL/Redis restarts under load,
# pgbouncer; then the figures in docs/reliability.md. The drills start their own services.
DRILL_FIGURES := $(CURDIR)/.local/drills/figures.jsonl
drills: install services
	@DEALERNET_DRILLS=1 ops/system-packages.sh
	@mkdir -p .local/drills && rm -f $(DRILL_FIGURES)
	@status=0; $(WITH_ENV) DEALERNET_DRILLS=1 DEALERNET_DRILL_FIGURES=$(DRILL_FIGURES) \
	  $(PY) -m pytest tests/reliability $(PYTEST_ARGS) || status=$$?; \
	  $(PY) -m tests.reliability.report $(DRILL_FIGURES) || true; exit $$status

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
