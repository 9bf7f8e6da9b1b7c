# Back and leg pain triage: `make run` serves, `make test` checks. `make help` lists the rest.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
DATA ?= datasets/train.csv
TEXT_COL ?= text
LABEL_COL ?= label
SEED ?= 42
MODEL ?= models/latest
EVAL_DATA ?= datasets/test.csv
# The shipped out-of-scope examples train the "is this about back or leg pain?" check; a user's
# own data set goes without it unless OUT_OF_SCOPE= names a file.
OUT_OF_SCOPE ?= $(if $(filter datasets/train.csv,$(DATA)),datasets/out_of_scope_train.csv,)
# Texts labelled with the red flags that apply, for the learned sign detector (SIGNS= for none).
SIGNS ?= datasets/red_flags_dev.csv datasets/red_flags_read.csv

.PHONY: help setup train evaluate run test lint format bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Debian's packages for the browser tests and the load generator; installed once, when missing.
CHROMIUM := /usr/bin/chromium
WRK := /usr/bin/wrk
$(CHROMIUM) $(WRK):
	@echo "installing Debian's $(notdir $@) ..."
	@(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(notdir $@)) \
		>/dev/null 2>&1 || echo "warning: could not install $(notdir $@); tests that need it are skipped"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies (quiet when up to date)

train: $(STAMP) ## train a model: DATA=, TEXT_COL=, LABEL_COL=, SEED=, OUT_OF_SCOPE=, SIGNS= override
	$(BIN)/python -m training.train --data "$(DATA)" --text-col "$(TEXT_COL)" \
		--label-col "$(LABEL_COL)" --seed $(SEED) $(if $(OUT_OF_SCOPE),--out-of-scope "$(OUT_OF_SCOPE)") \
		--signs $(SIGNS)

# The file the service reads: a model folder older than it is retrained too.
models/latest/weights.npz:
	@$(MAKE) --no-print-directory train

evaluate: $(STAMP) models/latest/weights.npz ## write reports/<version>/<data>/: MODEL=, DATA= (default: test split)
	$(BIN)/python -m training.evaluate --model "$(MODEL)" --data "$(if $(filter $(DATA),datasets/train.csv),$(EVAL_DATA),$(DATA))" \
		--text-col "$(TEXT_COL)" --label-col "$(LABEL_COL)"

run: $(STAMP) models/latest/weights.npz ## serve on HOST:PORT (127.0.0.1:8000) with WORKERS processes
	TRIAGE_MODEL_DIR="$(MODEL)" exec $(BIN)/python -m service \
		--host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) $(CHROMIUM) ## ruff check, then the whole test suite (browser tests in Chromium)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP) $(WRK) models/latest/weights.npz ## speed, memory and scaling figures -> reports/bench.json
	$(BIN)/python -m bench.run

clean: ## remove the venv, trained models, reports and caches
	rm -rf $(VENV) models/[0-9]* models/latest models/.tmp-* reports .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
