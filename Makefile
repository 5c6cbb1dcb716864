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

# setuptools notes "Editable installation. Please be careful with folders in your working
# directory with the same name as your package" on every editable install of a flat layout
# (analysis/ beside pyproject.toml), as information, not as a problem of this project: the
# editable install filters out that one message and no other.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	PYTHONWARNINGS="ignore:Editable installation" \
		$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# One data flow: `make tables` builds the corpus tables (incrementally), `make figures`
# runs the notebooks on them. Another folder (REPORTS) writes under OUT (default
# build/figures-run), never over the committed notebooks and figures.
RUN := $(or $(OUT),$(if $(REPORTS),build/figures-run))
TABLES_DIR := $(if $(RUN),$(RUN)/tables,build/tables)

tables: $(STAMP)
	$(PY) -m analysis build $(or $(REPORTS),seeds) --out $(TABLES_DIR)

figures: tables
	$(PY) -m analysis notebooks --tables $(TABLES_DIR) $(if $(RUN),--out $(RUN))

# The committed notebooks run under nbval on the seeds' tables, whatever REPORTS says.
test: $(STAMP)
	$(PY) -m analysis build seeds --out build/tables
	$(PY) -m pytest --nbval --nbval-sanitize-with notebooks/sanitize.cfg tests notebooks

lint: $(STAMP)
	$(PY) -m ruff check analysis tests benchmarks

# No browser (containers and servers have none) and --allow-root (containers run as root);
# JupyterLab prints the address to open.
lab: tables
	$(VENV)/bin/jupyter lab --no-browser --allow-root notebooks

# Pin the current environment's versions (run after changing dependencies in pyproject.toml).
lock:
	$(PY) -m pip list --format=freeze --exclude-editable --disable-pip-version-check \
		| grep -viE '^(pip|setuptools|wheel)==' > requirements.lock

clean:
	rm -rf $(VENV) build .cache
