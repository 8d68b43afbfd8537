# Two commands on a fresh Debian 12 machine:
#   make run   - install what is missing, set up the database and data, serve on :5000
#   make test  - the same set-up, then the whole test suite
SHELL := /bin/bash
VENV := .venv/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# The database: DATABASE_URL when given, else the private cluster (read when each line runs,
# after scripts/pg.sh has started it and chosen its port).
DB_URL = $${DATABASE_URL:-$$(scripts/pg.sh url)}
FLASK = DATABASE_URL="$(DB_URL)" $(VENV)/flask --app portal

.PHONY: run test stop setup install install-test db data serve clean lock bench

install:
	@scripts/bootstrap.sh

install-test:
	@scripts/bootstrap.sh --with-browser

db: install
	@if [ -z "$(DATABASE_URL)" ]; then scripts/pg.sh start; fi
	@$(FLASK) db upgrade --directory migrations 2>&1 | grep -v "^INFO" || true
	@$(FLASK) db current --directory migrations 2>/dev/null | grep -q head || { echo "migration failed"; exit 1; }

data: db
	@$(FLASK) geo load
	@$(FLASK) vocabulary load
	@$(FLASK) demo load
	@$(FLASK) search reindex

setup: data

serve:
	@if [ -f .data/gunicorn.pid ] && kill -0 $$(cat .data/gunicorn.pid) 2>/dev/null; then \
	  echo "==> restarting gunicorn"; kill $$(cat .data/gunicorn.pid); sleep 1; fi
	@DATABASE_URL="$(DB_URL)" $(VENV)/gunicorn --daemon --pid .data/gunicorn.pid \
	  --access-logfile .data/access.log --error-logfile .data/gunicorn.log \
	  --workers $(WORKERS) --bind $(HOST):$(PORT) "portal:create_app()"
	@for i in $$(seq 1 50); do curl -fs http://$(HOST):$(PORT)/healthz >/dev/null && break; sleep 0.2; done
	@curl -fs http://$(HOST):$(PORT)/healthz >/dev/null || { echo "portal did not start, see .data/gunicorn.log"; exit 1; }
	@echo "==> Boussole is served on http://$(HOST):$(PORT)/ (make stop to stop it)"

run: setup serve

test: install-test
	@$(VENV)/python -m pytest $(PYTEST_ARGS)

# Figures, not tests (bench/*/README.md): throwaway clusters, several minutes.
bench:
	@scripts/bootstrap.sh --with-bench
	@$(VENV)/python -m bench.import.run --instructions
	@$(VENV)/python -m bench.import.workbook
	@$(VENV)/python bench/search/run.py

stop:
	@if [ -f .data/gunicorn.pid ] && kill -0 $$(cat .data/gunicorn.pid) 2>/dev/null; then \
	  echo "==> stopping gunicorn"; kill $$(cat .data/gunicorn.pid); rm -f .data/gunicorn.pid; fi
	@scripts/pg.sh stop

# Regenerate the pinned lock from pyproject (needs network access to PyPI).
lock:
	@d=$$(mktemp -d) && python3 -m venv $$d && $$d/bin/pip install -q ".[dev]" && \
	  $$d/bin/pip freeze --exclude-editable | grep -v '^boussole' > requirements.lock && rm -rf $$d
