# omap-synthesis — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP) ## Create .venv and install the package with its test tools

system-deps: ## Install the system tools the tests use (grammalecte-cli, chromium) where apt is available
	@if command -v grammalecte-cli >/dev/null && command -v chromium >/dev/null; then \
		echo "system tools present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq grammalecte-cli chromium >/dev/null) \
		|| echo "apt-get could not install grammalecte-cli/chromium; the tests that need them will say so"; \
	else \
		echo "apt-get unavailable: the tests that need grammalecte-cli or chromium will say so"; \
	fi

report: install ## Build the environment and run the whole job on the sample event (reports/)
	$(BIN)/omap-synthesis run

lint: install ## ruff lint and format check
	$(BIN)/ruff check omap_synthesis tests benchmarks
	$(BIN)/ruff format --check omap_synthesis tests benchmarks

test: install system-deps lint ## Build the environment and run lint, the test suite and the notebooks
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --nbval-lax notebooks

notebooks: install ## Re-run the notebooks, then strip outputs (kept only in keep_output cells)
	cd notebooks && for nb in *.ipynb; do ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace $$nb || exit 1; done
	$(BIN)/nbstripout --keep-count notebooks/*.ipynb

FREDSUM ?= ../shared/data/fredsum-dev
BENCH_WORDS ?= 200000

bench: install ## Timing benchmarks, each beside its reference (FREDSUM=dir, BENCH_WORDS=n)
	$(BIN)/python benchmarks/parse_speed.py
	$(BIN)/python benchmarks/tag_speed.py
	$(BIN)/python benchmarks/summarize_speed.py $(FREDSUM)
	$(BIN)/python benchmarks/rerun.py
	$(BIN)/python benchmarks/watch_latency.py
	$(BIN)/python benchmarks/corpus_throughput.py $(FREDSUM) --words $(BENCH_WORDS)

evaluate: install ## Quality figures on FREDSum and the hand-labelled gold (FREDSUM=dir)
	$(BIN)/omap-synthesis evaluate summaries --fredsum $(FREDSUM) --split validation
	$(BIN)/omap-synthesis evaluate tagging --gold data/gold/tagging-omap.jsonl --codebook data/omap-2022-10-20/codebook.yaml --split heldout
	$(BIN)/omap-synthesis evaluate tagging --gold data/gold/tagging-omap-fresh.jsonl --codebook data/omap-2022-10-20/codebook.yaml --split heldout
	$(BIN)/python benchmarks/tag_cv.py
	$(BIN)/python benchmarks/tag_cv.py --gold data/gold/tagging-omap.jsonl data/gold/tagging-omap-fresh.jsonl
	$(BIN)/python benchmarks/tag_agreement.py
	$(BIN)/python benchmarks/tag_agreement.py --first data/gold/tagging-omap-fresh.jsonl --second data/gold/tagging-omap-fresh-second.jsonl
	$(BIN)/python benchmarks/tag_fredsum.py --fredsum $(FREDSUM)
	$(BIN)/python benchmarks/tag_fredsum.py --fredsum $(FREDSUM) --max-terms 0
	$(BIN)/python benchmarks/tag_fredsum.py --fredsum $(FREDSUM) --max-terms 2
	$(BIN)/omap-synthesis evaluate themes --fredsum $(FREDSUM)
	$(BIN)/omap-synthesis evaluate recommendations --gold data/gold/recommendations-fredsum.jsonl --transcripts $(FREDSUM)/transcript
	$(BIN)/omap-synthesis evaluate recommendations --gold data/gold/recommendations-omap.jsonl --transcripts data/omap-2022-10-20
	$(BIN)/python benchmarks/annotator_agreement.py
	$(BIN)/python benchmarks/merge_eval.py --heldout --fredsum $(FREDSUM)/transcript
	$(BIN)/python benchmarks/read_precision.py
	$(BIN)/python benchmarks/action_lines.py --fredsum $(FREDSUM)/transcript

format: install ## Format the code with ruff
	$(BIN)/ruff format omap_synthesis tests benchmarks
	$(BIN)/ruff check --fix omap_synthesis tests benchmarks

clean: ## Remove the environment, caches and generated reports
	rm -rf $(VENV) .pytest_cache .ruff_cache reports/*/

.PHONY: help install system-deps report lint test notebooks bench evaluate format clean
