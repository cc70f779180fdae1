# vbgraph: `make demo` installs and runs on corpus/, `make test` installs and tests.
# `vbgraph run` exits 1 when some file could not be read (its error is in the store and
# the summary): the demo goes on then, and stops on anything worse.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: install demo test bench notebooks clean

$(BIN)/vbgraph: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/vbgraph

DB ?= vbgraph.duckdb

demo: install
	$(BIN)/vbgraph run corpus --db $(DB); test $$? -le 1
	$(BIN)/vbgraph stats --db $(DB)
	$(BIN)/vbgraph cited-by 48-CT/TW --db $(DB)
	$(BIN)/vbgraph basis kh-162-bcd-dak-nong-2022 --db $(DB)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

notebooks: install
	$(BIN)/pip install -q jupyterlab
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) $(OUT) $(DB) $(DB).wal build *.egg-info
