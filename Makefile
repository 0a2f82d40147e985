# Cohort: `make run` serves the demo on SQLite; `make test` runs the whole suite.
# Needs Python >= 3.12 (Django 6.1). `.python-version` makes pyenv's python3 resolve to 3.13.

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1:8000

.PHONY: run test e2e install demo lint migrate clean

run: install migrate demo
	SITE_URL=http://$(HOST) DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/pytest -n auto -q

# The real-browser suite (e2e/): Playwright drives Debian's Chromium against the demo on a live
# server. Needs /usr/bin/chromium (apt-get install -y chromium); .ci/run installs it.
e2e: install
	$(BIN)/pytest e2e -q

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cohort needs Python 3.12 or newer (Django 6.1); none found on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: install
	DEBUG=1 $(BIN)/python manage.py demo --site http://$(HOST)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/mypy .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
