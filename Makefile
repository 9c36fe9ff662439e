# Two entry points for a fresh machine: `make demo` (the main job, offline) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench

$(BIN)/kznews: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/kznews
	$(BIN)/kznews demo

lint: $(BIN)/kznews
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

bench: $(BIN)/kznews
	$(BIN)/python -m bench.extract --write-readme
	$(BIN)/python -m bench.crawl --write-readme
	$(BIN)/python -m bench.export --write-readme
