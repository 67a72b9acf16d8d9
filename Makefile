# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-quick coverage install install-test browser-deps interop-deps lint format migrations-check backup restore clean bench bench-writers bench-room

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser-deps interop-deps

# `make run` is for a laptop: it writes a .env with DEBUG on (once; edit it as you like), so
# that manage.py commands run there work too. Production sets its own environment (README).
.env:
	printf 'DEBUG=true\n' > $@

run: install .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium drives the browser tests, and WeasyPrint needs Pango for the PDF minutes.
# Both are installed when missing and we are root; otherwise those tests say what is missing.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libpangoft2-1.0; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils >/dev/null; \
		else \
			echo "Chromium or Pango is missing: run 'sudo apt-get install chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils'"; \
		fi; \
	fi
	@# LibreOffice headless reads back the Word minutes and the workbook (tests marked interop):
	@# about 20 s to install; without it those tests skip and say so.
	@if ! command -v soffice >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null) \
				|| echo "LibreOffice could not be installed: its interop tests will skip"; \
		else \
			echo "LibreOffice is missing: run 'sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui'"; \
		fi; \
	fi

# node's oidc-provider, the independent OpenID Provider of the sign-in interoperability tests
# (tests/signin/interop), from npm at the version its package-lock.json pins: installed when
# missing or when the lock changed. Without node and npm those tests say so and skip.
INTEROP := tests/signin/interop
interop-deps:
	@if ! command -v npm >/dev/null; then \
		echo "node and npm are missing: the sign-in interoperability tests will skip ('sudo apt-get install nodejs npm')"; \
	elif [ ! $(INTEROP)/node_modules/.package-lock.json -nt $(INTEROP)/package-lock.json ]; then \
		npm ci --prefix $(INTEROP) --no-audit --no-fund --loglevel=error \
			|| echo "npm could not install oidc-provider: the sign-in interoperability tests will skip"; \
	fi

# Tests run in worker processes (pytest-xdist), one per core by default; PYTEST_WORKERS=0
# runs them in this one, as `--pdb` and `--headed` want.
PYTEST_WORKERS ?= auto

# The whole suite, browser tests included.
test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The quick loop: all but the browser tests, with a few generated inputs per form (the
# Hypothesis profile "dev", whatever CI says). README, "Tests and benchmarks".
test-quick: install-test
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -m 'not browser' -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# What the tests of the quick loop cover, app by app (pytest-cov): not part of CI, whose time
# it would lengthen by half.
COVERED := core people meetings actions judgements papers kept publication circulation signin search themes demo assurance
coverage: install-test
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -m 'not browser' -n $(PYTEST_WORKERS) \
		$(foreach app,$(COVERED),--cov=$(app)) --cov-report=term:skip-covered $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DJANGO_SETTINGS_MODULE=assurance.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

# Into backups/ (see the README's "Production deployment"). No install step: on a server these
# run from cron or in an emergency, neither of which should wait on pip.
backup:
	$(BIN)/python manage.py backup

restore:
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/assurance-....dump"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles

# Page timings, query counts, export memory and requests/s under gunicorn (as a ratio to
# /healthz) at 1k, 10k and 100k actions, on a throwaway database: PostgreSQL with
# DATABASE_URL=postgres://..., e.g. BENCH_ARGS="--sizes 1000,20000 --json bench.json".
bench: install-test
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Parallel writes against gunicorn on 127.0.0.1: answers, server errors and latency. SQLite
# unless BENCH_ARGS="--database postgres://postgres@127.0.0.1:5432/assurance_bench".
bench-writers: install-test
	$(BIN)/python bench/writers.py $(BENCH_ARGS)

# The meeting room's screen: 20 screens asking every 1.5 s while the officer saves once a
# second; BENCH_ARGS as bench-writers' ("--database postgres://...", "--viewers 40").
bench-room: install-test
	$(BIN)/python bench/room.py $(BENCH_ARGS)
