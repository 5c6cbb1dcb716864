# The two commands of the contract: `make figures` and `make test`.
# Both create .venv from requirements.lock (exact versions, so notebook outputs do not drift)
# and install the project in editable mode.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REPORTS ?=
OUT ?=
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: setup figures tables test lint lab lock clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Regenerate every figure (and the executed notebooks) from seeds/, or from REPORTS into OUT.
figures: $(STAMP)
	$(PY) -m analysis figures $(if $(REPORTS),--reports $(REPORTS)) $(if $(OUT),--out $(OUT))

# The corpus tables of seeds/ (or REPORTS) as Parquet and CSV in build/tables (or OUT).
tables: $(STAMP)
	$(PY) -m analysis build $(or $(REPORTS),seeds) --out $(or $(OUT),build/tables)

test: $(STAMP)
	$(PY) -m pytest --nbval --nbval-sanitize-with notebooks/sanitize.cfg tests notebooks

lint: $(STAMP)
	$(PY) -m ruff check analysis tests benchmarks

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks

# Pin the current environment's versions (run after changing dependencies in pyproject.toml).
lock:
	$(PY) -m pip list --format=freeze --exclude-editable --disable-pip-version-check \
		| grep -viE '^(pip|setuptools|wheel)==' > requirements.lock

clean:
	rm -rf $(VENV) build .cache
