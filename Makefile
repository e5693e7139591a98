# madoguchi: two Python environments (Rasa's and the API's), hidden behind these targets.
SHELL := /bin/bash
PYTHON310 := $(shell scripts/find-python310.sh)
BOT_VENV := .venv/bot
API_VENV := .venv/api
MODEL := models/madoguchi.tar.gz
TRAINING_INPUTS := config.yml $(wildcard bot/domain/*.yml) $(shell find nlu_data -name '*.yml') \
	$(wildcard bot/nlu/*.py) $(wildcard jatext/*.py)
DATA ?= ../shared/data/amagasaki-faq
ENV := source scripts/env.sh &&

.PHONY: run run-prod test lint format train validate bench loadtest cli setup clean

run: setup $(MODEL)  ## start Rasa and the API on the embedded defaults (SQLite, demo city)
	scripts/run.sh

run-prod: setup $(MODEL)  ## the production profile: PostgreSQL, Redis lock store, 2 Rasa replicas, API workers
	scripts/run-prod.sh

test: setup  ## set up what is needed and run the whole suite
	scripts/test.sh

setup: $(BOT_VENV)/.installed $(API_VENV)/.installed

$(BOT_VENV)/.installed: pyproject.toml
	test -x $(BOT_VENV)/bin/python || $(PYTHON310) -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/pip install --quiet --upgrade pip setuptools wheel
	$(BOT_VENV)/bin/pip install --quiet -e '.[bot]'
	touch $@

$(API_VENV)/.installed: pyproject.toml
	test -x $(API_VENV)/bin/python || $(PYTHON310) -m venv $(API_VENV)
	$(API_VENV)/bin/pip install --quiet --upgrade pip setuptools wheel
	$(API_VENV)/bin/pip install --quiet -e '.[api,dev]'
	touch $@

train: $(MODEL)

# Rasa retrains only when the training data, the domain, the pipeline or the tokenizer changed.
$(MODEL): $(BOT_VENV)/.installed $(TRAINING_INPUTS)
	$(ENV) $(BOT_VENV)/bin/rasa train --config config.yml --domain bot/domain --data nlu_data \
		--out models --fixed-model-name madoguchi
	touch $@

validate: $(BOT_VENV)/.installed
	$(ENV) $(BOT_VENV)/bin/rasa data validate --config config.yml --domain bot/domain \
		--data nlu_data

lint: $(API_VENV)/.installed
	$(API_VENV)/bin/ruff check .
	$(API_VENV)/bin/ruff format --check .

format: $(API_VENV)/.installed
	$(API_VENV)/bin/ruff format .
	$(API_VENV)/bin/ruff check --fix .

bench: setup $(MODEL)  ## intents on held-out messages; FAQ search, answer and routing on a real city's data: make bench DATA=path
	$(ENV) $(BOT_VENV)/bin/python -m bench.intent_bench --model $(MODEL) --output bench-results/intents.json
	$(ENV) $(API_VENV)/bin/python -m bench.faq_bench $(DATA) --replicate 20000 --output bench-results/faq.json
	$(ENV) $(API_VENV)/bin/python -m bench.lang_bench --output bench-results/language.json

# The profiles whose stacks the load test starts, one after the other (none when LOADTEST_ARGS
# names a running stack with --api-url).
LOADTEST_PROFILES ?= embedded prod

loadtest: setup $(MODEL)  ## the chat path under load, through the API and straight to Rasa, on both profiles: make loadtest LOADTEST_ARGS='--rate 10' LOADTEST_PROFILES=prod
	$(ENV) $(API_VENV)/bin/python -m bench.loadtest \
		$(if $(findstring --api-url,$(LOADTEST_ARGS)),,$(addprefix --profile ,$(LOADTEST_PROFILES))) \
		$(LOADTEST_ARGS) --output bench-results/loadtest.json

cli: $(API_VENV)/.installed  ## make cli ARGS='faq search "粗大ごみ"'
	$(ENV) $(API_VENV)/bin/madoguchi $(ARGS)

clean:
	rm -rf models .rasa var/*.db
