# One task runner for people and CI. Only Python 3.11+ is needed on the machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: demo test test-lowest lint bench clean

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
		$(BIN)/python -m ledgercli.model.i18n demo.planted-errors; }
	@# The week's inbox as a clerk receives it: the annex-2 ledgers, an annex-1 contact form
	@# beside them (skipped with a notice), one ledger filled in 元 (converted exactly, with a
	@# warning) and one ledger sent twice, byte for byte (counted once, with a warning). The
	@# Wuhan sample is another city's form: merged with the annex-2 ledgers it would be
	@# refused, so it stays out of this inbox.
	@rm -rf $(OUT)/inbox && mkdir -p $(OUT)/inbox
	@cp sample_data/submissions/附件1-*.xlsx sample_data/submissions/附件2-*.xlsx $(OUT)/inbox/
	@cp sample_data/traps/附件2-*.xlsx $(OUT)/inbox/
	@cp "sample_data/submissions/附件2-区交通局.xlsx" "$(OUT)/inbox/附件2-区交通局(1).xlsx"
	$(BIN)/ledger merge $(OUT)/inbox -o $(OUT)/city.xlsx --force
	$(BIN)/ledger summarize $(OUT)/city.xlsx --annex 3 -o $(OUT)/annex3.xlsx --force
	$(BIN)/ledger summarize $(OUT)/city.xlsx --annex 4 -o $(OUT)/annex4.xlsx --force
	$(BIN)/ledger template --form cq-annex2 -o $(OUT)/附件2-模板.xlsx --force
	$(BIN)/ledger forms
	@# The whole weekly cycle, twice: week 1 is that inbox; week 2 is sample_data/week2 (the
	@# same districts a week later) with the 元 ledger sent again, compared with week 1. Both
	@# weeks have files to return and alarms, so each exits 1 on purpose; the demo goes on.
	@rm -rf $(OUT)/week1 $(OUT)/week2 $(OUT)/inbox2 && mkdir -p $(OUT)/inbox2
	@cp sample_data/week2/*.xlsx sample_data/traps/附件2-*.xlsx $(OUT)/inbox2/
	@$(BIN)/ledger week $(OUT)/inbox -o $(OUT)/week1 --as-of 2022-11 \
		|| { rc=$$?; [ $$rc -eq 1 ] || exit $$rc; \
		$(BIN)/python -m ledgercli.model.i18n demo.week1; }
	@$(BIN)/ledger week $(OUT)/inbox2 -o $(OUT)/week2 --last $(OUT)/week1 --as-of 2022-11 \
		|| { rc=$$?; [ $$rc -eq 1 ] || exit $$rc; \
		$(BIN)/python -m ledgercli.model.i18n demo.week2 "page=$(OUT)/week2/周报.html"; }

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench sample_data
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

# The same checks on the lowest release of every dependency pyproject.toml allows (a venv of
# its own in .venv-lowest; about 4 minutes). pandas < 2.2.2 needs numpy < 2, which its own
# metadata does not say.
LOWEST := .venv-lowest
test-lowest:
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q uv
	echo 'numpy<2' > $(LOWEST)/constraints.txt
	rm -f $(LOWEST)/lowest.txt
	$(LOWEST)/bin/uv pip compile -q pyproject.toml --extra test --python-version 3.11 \
		--resolution lowest-direct -c $(LOWEST)/constraints.txt -o $(LOWEST)/lowest.txt
	$(LOWEST)/bin/uv pip sync -q --python $(LOWEST)/bin/python $(LOWEST)/lowest.txt
	$(LOWEST)/bin/uv pip install -q --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/ruff check src tests bench sample_data
	$(LOWEST)/bin/ruff format --check src tests
	$(LOWEST)/bin/mypy --cache-dir $(LOWEST)/mypy-cache src
	$(LOWEST)/bin/lint-imports --no-cache
	$(LOWEST)/bin/python -m pytest -q -x -p no:cacheprovider

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench sample_data
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache

# make bench [SCALE=city|national] [RUNS=3]: see bench/run.py
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --scale $(or $(SCALE),city) --runs $(or $(RUNS),3)

clean:
	rm -rf $(VENV) $(LOWEST) $(OUT) .pytest_cache .ruff_cache
