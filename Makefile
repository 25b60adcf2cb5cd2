# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wizard

.PHONY: run test lint audit setup translations extract screenshots clean bench bench-curve mutate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The OpenID Connect tests run the npm package oidc-provider with Node (tests/sso/oidc_idp/).
$(VENV)/.installed-test: pyproject.toml tests/sso/oidc_idp/package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null; then cd tests/sso/oidc_idp && npm ci --no-audit --no-fund --silent; \
	else echo "npm is missing (apt-get install nodejs npm): the OpenID Connect tests will be skipped"; fi
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	@if [ -d wizard/translations ]; then $(BIN)/pybabel -q compile -d wizard/translations; fi

## Collect every marked string into messages.pot and merge it into each language's .po
extract: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg --no-wrap \
		-k _ -k gettext -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 \
		--project "Business Invite Wizard" -o wizard/translations/messages.pot .
	$(BIN)/pybabel -q update --no-wrap --ignore-obsolete \
		-i wizard/translations/messages.pot -d wizard/translations

setup: $(VENV)/.installed translations
	FLASK_DEMO_MODE=1 $(BIN)/flask setup

## Set up and serve the app with demo data on http://127.0.0.1:5000
run: setup
	FLASK_DEMO_MODE=1 FLASK_MAIL_DELIVER_IN_PROCESS=$${FLASK_MAIL_DELIVER_IN_PROCESS:-1} \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

## Set up and run the whole test suite (SQLite and PostgreSQL), each test folder on its own
test: $(VENV)/.installed-test translations
	$(BIN)/ruff check wizard tests
	BIN=$(BIN) .ci/audit
	.ci/pytest-each-folder $(BIN)/python $(PYTEST_ARGS)

## bandit on the code, pip-audit on the dependencies (.ci/audit says what it could check)
audit: $(VENV)/.installed-test
	BIN=$(BIN) .ci/audit

## Regenerate docs/screenshots/ (the README's pictures) by running the browser journeys
screenshots: $(VENV)/.installed-test translations
	SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q -p no:cacheprovider $(PYTEST_ARGS)

## Run the benchmarks (SQLite and PostgreSQL) and write docs/benchmarks.md
bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } \
		|| echo "wrk is missing (apt-get install wrk): pages under load will be skipped"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## The Pending tab and the Users page at 1,000, 100,000 and 1,000,000 invitations (SQLite and
## PostgreSQL): writes the curve's table into docs/benchmarks.md and docs/pages-curve.png
bench-curve: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/curve.py --write-docs $(BENCH_ARGS)

## Mutation testing of the money, access and mail modules; writes docs/mutation-testing.md.
## Not part of `make test` (under a quarter of an hour); SQLite only (TEST_SQLITE_ONLY). With
## POSTGRES=1 the mutants only PostgreSQL can tell apart then run against its races too.
mutate: $(VENV)/.installed-test translations
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	rm -rf mutants
	start=$$(date +%s); TEST_SQLITE_ONLY=1 $(BIN)/python .ci/cpu-time mutmut.cpu \
		$(BIN)/python .ci/mutmut-run run --max-children 2 > mutmut.log 2>&1 \
		|| { tail -c 3000 mutmut.log; exit 1; }; \
	$(if $(POSTGRES),$(BIN)/python .ci/mutate-postgres mutants/postgres-results.json || exit 1;) \
	$(BIN)/python .ci/mutation-report $(BIN)/mutmut --seconds $$(( $$(date +%s) - start )) \
		--cpu-seconds "$$(cat mutmut.cpu)" --load "$$(cut -d' ' -f1-3 /proc/loadavg)" \
		$(if $(POSTGRES),--postgres mutants/postgres-results.json)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check wizard tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants mutmut.log mutmut.cpu
