# Ombuds — set-up and test entry points. Everything installs itself into .venv.
#
#   make demo  [ARGS="..."]   install, then run `ombuds demo`
#   make test  [ARGS="..."]   install, then lint + types + import contracts +
#                             pytest (SQLite, then PostgreSQL if installed);
#                             ARGS go to pytest
#   make lint                 ruff, mypy, lint-imports only
#   make bench [ARGS="..."]   install, then `python -m bench`
#   make lock  [LOCKFLAGS=--upgrade]   regenerate requirements*.lock
#   make clean                remove .venv and caches
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Interpreter used to create .venv (default: newest python3.1x >= 3.11 on PATH).
PYTHON    ?=
ARGS      ?=
LOCKFLAGS ?=
VENV      := .venv
ifneq ($(strip $(PYTHON)),)
export PYTHON
endif

PIP_COMPILE = $(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCKFLAGS)

.PHONY: demo test lint bench lock clean bootstrap

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	$(VENV)/bin/ombuds demo $(ARGS)

test:
	@bash scripts/test.sh $(ARGS)

lint:
	@bash scripts/test.sh --lint-only

bench: bootstrap
	$(VENV)/bin/python -m bench $(ARGS)

lock: export CUSTOM_COMPILE_COMMAND := make lock
lock:
	@[[ -x $(VENV)/bin/python ]] || bash scripts/bootstrap.sh
	@[[ -x $(VENV)/bin/pip-compile ]] || $(VENV)/bin/python -m pip install -q pip-tools >/dev/null 2>&1 \
		|| { echo "could not install pip-tools into $(VENV)" >&2; exit 1; }
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml
	@if grep -nE '^(--|-[fi] )|file:|/opt/' requirements.lock requirements-dev.lock; then \
		echo "lock files contain machine-local index options (above)" >&2; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache build *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
