# Every target creates and uses .venv itself: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every install takes the exact versions of the lock file (regenerate it with `make lock`).
LOCK := requirements.lock
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/*.po))

.PHONY: install lock audit chromium espeak run test lint catalogs extract update-catalogs compile-catalogs db demo-data chat rasa bench clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: resolve them again, pinned with hashes.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --generate-hashes --quiet -o $(LOCK)

install: $(STAMP) compile-catalogs

locales/%.mo: locales/%.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

compile-catalogs: $(MO_FILES)

# Two catalogs: the residents' messages (seven languages) and the staff console's (it, en).
CONSOLE_EXTRACT := extract -F babel-console.cfg -k S_ -k say:2 --no-location --sort-output

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k gettext -k ngettext:1,2 -k N_ --no-location --sort-output -o locales/messages.pot .
	$(BIN)/pybabel $(CONSOLE_EXTRACT) -o locales/console.pot .

update-catalogs: extract
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel update -D console -i locales/console.pot -d locales --no-fuzzy-matching --ignore-obsolete

db: install
	$(BIN)/portineria db upgrade

demo-data: db
	$(BIN)/portineria demo-data --if-empty

run: demo-data espeak
	$(BIN)/portineria nlu train
	@echo
	@echo "Portineria is starting on http://127.0.0.1:8000  (docs: /docs, health: /health)"
	@echo "Chat as a resident in another terminal:   $(BIN)/portineria chat"
	@echo "Scripted:  echo ciao | $(BIN)/portineria chat --channel sms --from +393331234567 --jsonl"
	@echo
	$(BIN)/portineria serve

lint: install
	$(BIN)/ruff check bot nlu actions api tests bench
	$(BIN)/ruff format --check bot nlu actions api tests bench
	$(BIN)/lint-imports

# Known vulnerabilities of what is installed (pip-audit); says so when its database is out of
# reach rather than passing silently.
audit: install
	@mkdir -p var
	@$(BIN)/pip-audit --skip-editable --progress-spinner off -f json -o var/audit.json \
		>/dev/null 2>var/audit.log || test -s var/audit.json || \
		(echo "make audit: pip-audit failed: NOTHING WAS CHECKED"; tail -3 var/audit.log; exit 2)
	@$(BIN)/python scripts/audit.py var/audit.json

# Both cores (pytest-xdist); a module marked xdist_group stays on one worker (its fixtures
# are made once). TEST_WORKERS=0 runs in this process, as a plain `pytest` does.
TEST_WORKERS ?= 2

test: install chromium espeak
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# The console's browser tests drive Debian's chromium through Playwright's Python package.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# Spoken answers are read by Debian's espeak-ng (offline); the voice tests speak with it too.
espeak:
	@test -x /usr/bin/espeak-ng || (apt-get update && apt-get install -y espeak-ng)

chat: db
	$(BIN)/portineria chat

rasa:
	bash nlu/rasa/setup.sh

bench: install
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var/*.db build *.egg-info
