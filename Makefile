# The two commands: `make run` opens the app, `make test` runs the whole suite.
# Both create .venv and install what is needed; a stamp file keeps reruns fast.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint venv bench dist clean demo

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) main.py

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/import_bench.py

DIST_STAMP := $(VENV)/.dist-installed

$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,dist]"
	@touch $(DIST_STAMP)

# A one-folder application in dist/LocalReach, smoke-tested: version and the demo pipeline.
dist: $(DIST_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build resources/packaging/localreach.spec
	dist/LocalReach/LocalReach --version
	QT_QPA_PLATFORM=offscreen dist/LocalReach/LocalReach selftest

clean:
	rm -rf $(VENV) build dist *.egg-info
