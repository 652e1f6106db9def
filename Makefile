# Two commands for a newcomer: `make run` and `make test`. Python 3.11 or newer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fundtrack
HOST ?= 127.0.0.1
PORT ?= 5000
# Development mode, asked for explicitly: the app then runs with a development SECRET_KEY
# (and demo passwords); without it, it refuses to start unless SECRET_KEY is set.
FUNDTRACK_ENV ?= development
export FUNDTRACK_ENV
# Parallel workers for the test suite; each gets a database of its own.
WORKERS ?= auto

# Installs come from the lock files (exact versions with hashes), made by `make lock` from the
# ranges in pyproject.toml: requirements.lock for running, requirements-test.lock (the same
# pins plus the test extra) for the tests and CI.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
UV_VERSION ?= 0.13.9
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" --quiet

.PHONY: run test install install-test lint format demo migrate bench clean translations lock upgrade

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

# `pip check` fails when pyproject.toml's dependencies ask for a package the lock lacks
# (it does not read the test extra: run `make lock` after changing either).
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --require-hashes -r $(LOCK)
	$(BIN)/pip install --no-deps -e .
	$(BIN)/pip check || { echo "the lock lacks what pyproject.toml asks for: make lock" >&2; exit 1; }
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --require-hashes -r $(TEST_LOCK)
	$(BIN)/pip install --no-deps -e .
	$(BIN)/pip check || { echo "the lock lacks what pyproject.toml asks for: make lock" >&2; exit 1; }
	touch $@ $(VENV)/.installed

$(BIN)/uv: | $(BIN)/activate
	$(BIN)/pip install "uv==$(UV_VERSION)"

# Refresh the locks from pyproject.toml, keeping every pin the ranges still allow;
# `make upgrade` (or `make lock UPGRADE="--upgrade-package babel"`) moves to newer releases.
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(UPGRADE) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra test -c $(LOCK) $(LOCK_FLAGS) $(UPGRADE) \
		-o $(TEST_LOCK)

upgrade:
	$(MAKE) lock UPGRADE=--upgrade

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

# The background worker (PDF batches, big imports) runs beside the web server and stops with it.
run: demo
	$(BIN)/python -m huey.bin.huey_consumer fundtrack.worker.huey -w 2 -q & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest -n $(WORKERS)

# Our own words in Dutch and Norwegian: extract the English, merge it into the catalogues
# (new words come out empty: translate them, tests/test_translations.py fails until then),
# and compile the .mo files that are committed next to them; the same for Flask-Admin's words.
TRANSLATIONS := fundtrack/translations
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output --width 100 \
		--project fundtrack --version 0.1.0 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics
# Flask-Admin's own words (its domain "admin"), ours read after its catalogue so that they win;
# the template holds the words of the Flask-Admin screens we use (fundtrack/admin/catalogue.py).
	$(BIN)/python -c "from fundtrack.admin.catalogue import write_template as w; \
		w('$(TRANSLATIONS)/admin.pot')"
	$(BIN)/pybabel update -D admin -i $(TRANSLATIONS)/admin.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile -D admin -d $(TRANSLATIONS) --statistics

# Needs PostgreSQL; builds a 1,000,000-line database (not part of `make test`).
bench: install-test
	$(BIN)/python bench/share.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
