# Coach: the two commands are `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations extract-messages setup-db bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

# Compiled catalogs (.mo) are build output, not source.
translations: $(VENV)/.runtime-installed
	$(VENV)/bin/pybabel compile -d coach/translations

# After changing UI strings: refresh coach/translations/messages.pot and the zh catalog, then translate.
extract-messages: $(VENV)/.runtime-installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output -o coach/translations/messages.pot coach
	$(VENV)/bin/pybabel update -N -i coach/translations/messages.pot -d coach/translations

setup-db: install translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo load

run: setup-db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations
	@bash scripts/ensure-browser.sh
	$(PY) -m pytest -n auto
	@if $(PY) scripts/pg_ready.py "$(PG_TEST_URL)"; then \
		echo "== running the suite again on PostgreSQL ($(PG_TEST_URL))"; \
		COACH_TEST_DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -n auto -m "not browser"; \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! SKIPPED: PostgreSQL does not answer at $(PG_TEST_URL)"; \
		echo "!! The suite ran on SQLite only. Start PostgreSQL to run it there too."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# The benchmark (bench/README.md): make bench [SIZE=S|M|L] [DB=sqlite|postgres]
SIZE ?= M
DB ?= sqlite
bench: install-dev translations
	@command -v wrk >/dev/null || (test "$$(id -u)" = 0 && apt-get install -y -q wrk >/dev/null) || \
		(echo "wrk is missing: apt-get install -y wrk" && exit 1)
	$(PY) bench/run.py --size $(SIZE) --db $(DB)

clean:
	rm -rf $(VENV) .pytest_cache
	find coach -name '*.mo' -delete
