# OCOP Portal — the two commands a newcomer needs:
#   make run   install everything, load units, score sheets and demo data, serve http://127.0.0.1:8000 (SQLite)
#   make test  install everything and run the whole test suite (PostgreSQL when reachable)
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python 2>/dev/null || command -v python3)

.PHONY: run test venv lint bench bench-public bench-workflow bench-smoke bench-expiry bench-import clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Cần Python 3.12+ / Python 3.12 or newer is required (found %s)" % sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_units
	@if $(PY) manage.py help load_score_sheets >/dev/null 2>&1; then $(PY) manage.py load_score_sheets; fi
	$(PY) manage.py load_demo_data
	@echo "Cổng OCOP / OCOP Portal: http://127.0.0.1:8000  (tài khoản mẫu / demo users: see README)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: venv
	bash scripts/run_tests.sh

.PHONY: bench-load
bench-load: venv  ## 100 users for 2 minutes on gunicorn over the scale data; fails on any failed request (bench/README.md)
	bash bench/load/run.sh

bench-expiry: venv  # needs DATABASE_URL (a scratch PostgreSQL database); see bench/README.md
	$(PY) bench/expiry/run.py

bench-import: venv  # needs DATABASE_URL (a scratch PostgreSQL database); 20,000 rows, see bench/README.md
	$(PY) bench/import/run.py

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench-public: venv  ## public pages and API at national scale: p50/p95, queries, ratio to plain SQL (bench/README.md)
	bash bench/run.sh public

bench-workflow: venv  ## dossier submission, a member's sheet, the chair's result page (council of 15)
	bash bench/run.sh workflow

bench: venv  ## every scenario of bench/run.py (public and workflow)
	bash bench/run.sh

bench-smoke: venv  ## every scenario at 300 products, as CI runs it (needs PostgreSQL; DATABASE_URL for the test DB)
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/bench/test_bench_smoke.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
