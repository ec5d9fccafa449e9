# OneTrip: two commands on a fresh Debian 12 machine (as root):
#   make demo   the kiosk on simulated devices and the sandbox backend
#   make test   the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MO := $(patsubst %.po,%.mo,$(wildcard common/locale/*/LC_MESSAGES/*.po))

.PHONY: demo test system-deps venv i18n openapi clean

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: system-deps $(STAMP)

%.mo: %.po
	msgfmt --check -o $@ $<

i18n: $(MO)

demo: venv i18n
	$(VENV)/bin/kiosk demo

test: venv i18n
	scripts/test-services.sh
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

openapi: venv
	$(PY) -m sandbox.openapi > docs/api/openapi.yaml

clean:
	rm -rf $(VENV) demo-output .pytest_cache
