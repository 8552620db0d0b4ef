# Two commands a newcomer needs: `make run` builds the warehouse, `make test` proves it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

DASHBOARD_STAMP := $(VENV)/.installed-dashboard

.PHONY: run test lint clean bench dashboard

$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

run: $(STAMP)  ## build data/warehouse/ecommerce_warehouse.db with the default settings
	$(BIN)/run_pipeline

# -n auto: one test process per core (pytest-xdist); --dist loadfile keeps a file's tests, and
# the warehouses its module fixtures build, in one process.
test: $(STAMP)  ## run every test on every core (no tests collected counts as a failure)
	$(BIN)/python -m pytest -n auto --dist loadfile; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

$(DASHBOARD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dashboard]'
	touch $(DASHBOARD_STAMP)

dashboard: $(DASHBOARD_STAMP)  ## install Streamlit (once), build the warehouse if missing, explore it at http://localhost:8501
	test -f data/warehouse/ecommerce_warehouse.db || $(BIN)/run_pipeline
	$(BIN)/warehouse dashboard

bench: $(STAMP)  ## time generate/ingest/transform on 1,000,000 generated lines (see docs/BENCHMARKS.md)
	$(BIN)/warehouse bench

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:  ## remove generated data, the default warehouse, exports and the README lesson's folder (keeps the venv)
	rm -f data/raw/*.json data/raw/*.jsonl data/warehouse/*.db data/warehouse/*.db-wal data/warehouse/*.db-shm \
	      data/warehouse/*.db.lock
	rm -rf data/lesson data/export
