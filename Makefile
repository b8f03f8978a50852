# Kỹ Năng Số: `make start` runs the platform, `make test` runs every test, `make bench`
# compares us with the stock tools. Each target bootstraps .venv from plain python3.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_PORT ?= 8888
SITE_PORT ?= 8866
# Debian packages the test suite drives for real (browser, sandbox, PDF checker, proxy).
TEST_DEBS := chromium bubblewrap poppler-utils libnss3-tools nginx

# axe-core (npm) for the accessibility tests, in a git-ignored folder; the tests read it
# from disk and never download anything.
AXE_VERSION := 4.14.1
AXE := .test-tools/axe-core-$(AXE_VERSION).installed

export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: start test bench frontend venv test-env system-deps clean

start: $(VENV)/.installed
	$(BIN)/kynangso start --lab-port $(LAB_PORT) --site-port $(SITE_PORT)

test: test-env
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: test-env
	$(BIN)/kynangso bench

# Rebuild the lesson page front end (site/frontend/README.md); its output is committed.
frontend:
	cd site/frontend && npm ci --no-audit --no-fund && node build.mjs

venv: $(VENV)/.installed

test-env: $(VENV)/.installed-test system-deps $(AXE)

# Reinstall only when the dependency list changes, so a second `make start` is quick.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Không tạo được môi trường ảo: hãy cài gói python3-venv (sudo apt install python3-venv)."; exit 1; fi; }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

$(AXE):
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm; \
	  else echo "Thiếu npm (Node.js) để cài axe-core cho kiểm thử trợ năng: hãy cài bằng sudo apt install npm."; exit 1; fi; }
	npm install --silent --no-audit --no-fund --no-save --prefix .test-tools axe-core@$(AXE_VERSION)
	@test -f .test-tools/node_modules/axe-core/axe.min.js && touch $@

system-deps:
	@missing=$$(for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Đang cài các gói hệ thống cho kiểm thử: $$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "Thiếu gói hệ thống: $$missing. Hãy cài bằng: sudo apt install $$missing"; exit 1; fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .test-tools
