# Two commands for a newcomer: `make run` and `make test`. Python 3.11 or newer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fundtrack
HOST ?= 127.0.0.1
PORT ?= 5000
# Parallel workers for the test suite; each gets a database of its own.
WORKERS ?= auto

.PHONY: run test install install-test lint format demo migrate bench clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -e . 
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

run: demo
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
# and compile the .mo files that are committed next to them.
TRANSLATIONS := fundtrack/translations
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output --width 100 \
		--project fundtrack --version 0.1.0 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# Needs PostgreSQL; builds a 1,000,000-line database (not part of `make test`).
bench: install-test
	$(BIN)/python bench/share.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
