# Every target sets up what it needs: on a fresh machine `make run` and `make test` just work.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode run test validate lint typecheck pytest docs docs-check export bench soak drift clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

# Where PYTHONDONTWRITEBYTECODE is set, nothing caches compiled modules and every
# `connector` start compiles the runtime again; compiling ahead keeps starts fast.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q runtime clientary_sandbox bench

## The main job: start the embedded sandbox, run a short scenario through the CLI, stop it.
run: $(STAMP) bytecode
	$(BIN)/python -m runtime.cli.demo

## Everything CI checks.
test: validate lint typecheck docs-check pytest

validate: $(STAMP)
	$(BIN)/connector validate

lint: $(STAMP)
	$(BIN)/ruff check runtime clientary_sandbox bench tests
	$(BIN)/ruff format --check runtime clientary_sandbox bench tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/python -m runtime.cli.docs > docs/modules.md

docs-check: $(STAMP)
	@$(BIN)/python -m runtime.cli.docs | diff -u docs/modules.md - > /dev/null || \
	  { echo "docs/modules.md is stale: run 'make docs'"; exit 1; }

## The Make app in both formats: the local-development folder and the import archive.
export: $(STAMP)
	$(BIN)/connector export --out build/make-app
	$(BIN)/connector export --format make-zip --out build/clientary.zip

bench: $(STAMP) bytecode
	$(BIN)/python -m bench

## Not part of `make test`: 8 concurrent CLI processes against one sandbox for 60 s; the
## books (runs, errors by type, duplicates, losses, the sandbox's consistency) must balance.
soak: $(STAMP) bytecode
	$(BIN)/python -m bench.soak

## The committed recordings against the output schemas: notes exit 0, a broken schema exits 1.
drift: $(STAMP)
	$(BIN)/connector drift --from tests/recordings

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .connector-state build
