# The two set-up commands README gives: `make run` and `make test`.
# Both install what they need on a fresh machine and are quick once installed.
VENV ?= .venv
PY := $(VENV)/bin/python
SCORM_KIT ?= ../shared/scorm-kit

.PHONY: run test install install-test benchmarks

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Test-only tools: Debian's Chromium (through the SCORM kit's setup), Debian's British English
# word list for the content spell check, Debian's nginx (deploy/nginx.conf is run in front of the
# app) and axe-core from npm.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
install-test: install
	[ -f /usr/share/dict/british-english ] || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wbritish; }
	[ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light; }
	PYTHON=$(PY) $(SCORM_KIT)/setup.sh
	[ -d node_modules/axe-core ] || npm ci --silent --no-audit --no-fund

# Run the app on http://127.0.0.1:5000 with a SQLite database seeded with the five units and demo users.
run: install
	$(VENV)/bin/carecourse init --demo
	$(VENV)/bin/carecourse run --host 127.0.0.1 --port 5000

# The whole test suite: pytest (SQLite, and PostgreSQL too when DATABASE_URL names it) and node --test.
test: install-test
	$(PY) -m pytest -q -n auto --dist loadfile
	node --test tests/js/

benchmarks: install-test
	$(PY) -m pytest -q tests/benchmarks -p no:randomly --benchmark-enable
