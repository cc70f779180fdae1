# vbgraph: `make demo` installs and runs on corpus/, `make test` installs and tests.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: install demo test lint bench clean

$(BIN)/vbgraph: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/vbgraph

demo: install
	$(BIN)/vbgraph extract corpus --out $(OUT)

test: install
	$(BIN)/ruff check pipeline models tests bench
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
