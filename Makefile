# Two commands set everything up on a fresh machine with only Python >= 3.11 and make:
#   make build   creates .venv, installs paperkg into it, builds the graph from the embedded corpus into output/
#   make test    the same set-up, then the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test install lint bench fuzz cv model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the project metadata changed (idempotent, fast when nothing did).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/kg build --out output

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks scripts
	$(BIN)/mypy kg

# Retrain the accurate mode's NER (configs/ner.cfg; train gold + SciREX/TDMSci train splits) into package data.
model: $(STAMP)
	$(BIN)/python scripts/train_ner.py

# k-fold cross-validation over train+dev, fast vs accurate (trains one NER per fold: tens of minutes).
cv: $(STAMP)
	$(BIN)/python benchmarks/cv.py --mode fast
	$(BIN)/python benchmarks/cv.py --mode accurate

# >= 10,000 generated inputs through the readers, the extractor, the exporters and kg build (tests/test_fuzz.py);
# a failing input is written to tests/data/fuzz_corpus/, which the normal test suite replays.
fuzz: $(STAMP)
	KG_FUZZ_EXAMPLES=10000 KG_FUZZ_CORPUS=tests/data/fuzz_corpus $(BIN)/python -m pytest -q -p no:logging \
		tests/test_fuzz.py -k "not replays" --hypothesis-show-statistics

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_speed.py
	$(BIN)/python benchmarks/query_speed.py
	$(BIN)/python benchmarks/pathological.py

clean:
	rm -rf $(VENV) output/graph.* output/*.csv output/store output/extractions.jsonl
