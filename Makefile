# OneTrip: two commands on a fresh Debian 12 machine (as root):
#   make demo   the kiosk on simulated devices and the sandbox backend
#   make test   the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock
MO := $(patsubst %.po,%.mo,$(wildcard common/locale/*/LC_MESSAGES/*.po))

.PHONY: demo test system-deps venv i18n openapi lock clean

system-deps:
	@scripts/system-deps.sh

# Exactly the locked versions (requirements.lock; `make lock` refreshes it): pip first, then the
# project with its test and sandbox extras, the lock constraining the source builds' tools as well;
# then our bytecode, as a wheel install would leave it (an editable install does not, and where
# PYTHONDONTWRITEBYTECODE is set nothing would: every start would compile every module again),
# and our dataclasses' methods beside it (kiosk/dataclass_code.py).
$(STAMP): pyproject.toml $(LOCK) | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c $(LOCK) pip
	$(PY) -m pip install -q -c $(LOCK) --build-constraint $(LOCK) -e '.[test,sandbox]'
	$(PY) -m compileall -q -j 0 common devices offline_queue kiosk ui entry sandbox
	QT_QPA_PLATFORM=offscreen $(PY) -c 'import kiosk.dataclass_code as c; c.build()'
	touch $(STAMP)

venv: system-deps $(STAMP)

%.mo: %.po
	msgfmt --check -o $@ $<

i18n: $(MO)

demo: venv i18n
	$(VENV)/bin/kiosk demo

# Four processes on this project's 2-core machines, a test file each at a time (pytest-xdist): half the suite's time
# is spent waiting (on sockets, timeouts, the simulated hand), so two processes left the cores half idle (2026-12-06,
# on this machine: two 610 s, three 548 s, four 432-452 s; the longest files first, 365-417 s: tests/conftest.py).
# The tests on the one pcscd of a machine take turns (tests/pcsc_rig.py).
test: venv i18n
	scripts/test-services.sh
	$(PY) -m pytest -p no:cacheprovider -n 4 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

openapi: venv
	$(PY) -m sandbox.openapi > docs/api/openapi.yaml.tmp
	mv docs/api/openapi.yaml.tmp docs/api/openapi.yaml

lock: system-deps
	PYTHON=$(PYTHON) scripts/lock.sh $(LOCK)

clean:
	rm -rf $(VENV) demo-output .pytest_cache
