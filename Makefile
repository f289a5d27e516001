# One task runner for people and CI. Only Python 3.11+ is needed on the machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamp files so a second `make test` does not reinstall; editing pyproject.toml does.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	@# One sample holds planted errors, so validate exits 1 here on purpose; the demo goes on.
	@$(BIN)/ledger validate sample_data/submissions || { rc=$$?; [ $$rc -eq 1 ] || exit $$rc; \
		echo "(validate exit code 1: the planted errors above, as intended)"; }
	$(BIN)/ledger merge sample_data/submissions --form cq-annex2 -o $(OUT)/city.xlsx --force
	$(BIN)/ledger summarize $(OUT)/city.xlsx --annex 3 -o $(OUT)/annex3.xlsx --force
	$(BIN)/ledger summarize $(OUT)/city.xlsx --annex 4 -o $(OUT)/annex4.xlsx --force
	$(BIN)/ledger template --form cq-annex2 -o $(OUT)/附件2-模板.xlsx --force
	$(BIN)/ledger forms
	@# The whole weekly cycle, twice: week 1 (sample_data/submissions, without the Wuhan
	@# ledger: --form) and week 2 (sample_data/week2) compared with it. Both weeks have files
	@# to return and alarms, so each exits 1 on purpose; the demo goes on.
	@rm -rf $(OUT)/week1 $(OUT)/week2
	@$(BIN)/ledger week sample_data/submissions --form cq-annex2 -o $(OUT)/week1 --as-of 2022-11 \
		|| { rc=$$?; [ $$rc -eq 1 ] || exit $$rc; echo "(week 1: exit code 1, files to return and lapsed promises, as intended)"; }
	@$(BIN)/ledger week sample_data/week2 --form cq-annex2 -o $(OUT)/week2 --last $(OUT)/week1 --as-of 2022-11 \
		|| { rc=$$?; [ $$rc -eq 1 ] || exit $$rc; echo "(week 2: exit code 1, a unit that sent nothing, a vanished case and more, as intended; open $(OUT)/week2/周报.html)"; }

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench sample_data
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench sample_data
	$(BIN)/mypy src

# make bench [SCALE=city|national] [RUNS=3]: see bench/run.py
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --scale $(or $(SCALE),city) --runs $(or $(RUNS),3)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
