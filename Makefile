# dealernet: `make run` starts the product, `make test` runs the whole suite.
# Without DATABASE_URL / REDIS_URL a private PostgreSQL and Redis run under .local/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
WITH_ENV := set -a; . ops/env.sh; set +a;

.PHONY: run test install system-packages frontend services services-down migrate seed \
        lint typecheck schema persisted check bench clean

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

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: install
	@$(VENV)/bin/mypy

check: lint typecheck

bench: install services
	@$(WITH_ENV) $(PY) -m bench

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
