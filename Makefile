# hepscaling — the two commands:  `make book`  and  `make test`.
# Both create .venv (python3.11 -m venv) if missing and install the pinned packages of requirements.lock (and, without
# their dependencies, requirements-nodeps.lock) plus this package (editable); the install is skipped while those files
# and pyproject.toml are unchanged (stamp file).

PYTHON  ?= python3.11
VENV    ?= .venv
PROFILE ?= quick
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.stamp-install
PYTEST_ARGS ?=

.PHONY: help setup book test run list references bench clean-book clean-runs

help:
	@echo "make book [PROFILE=quick|tiny|paper]   execute every notebook (unchanged ones skipped) and build book/_build/html"
	@echo "make test                              run the whole test suite (every notebook with profile tiny)"
	@echo "make run NB=<notebook-id> ARGS=\"-p name value ...\" [PROFILE=...]   rerun one notebook into runs/"
	@echo "make list                              notebook inventory with status"
	@echo "make references                        regenerate tests/reference/tiny.json"
	@echo "make bench                             speed benchmarks against their anchors (energyflow, POT, Pythia, per-point loop, generation without KV cache)"

# Debian's chromium for the book's browser check (tests/test_browser.py, `make book`): installed where it is missing and
# apt-get runs as root; tried once (stamp), otherwise the check is skipped with a note.
CHROMIUM_STAMP := $(VENV)/.stamp-chromium

setup:
	@set -e; \
	if [ ! -x "$(PY)" ]; then \
	  echo "creating $(VENV) with $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi; \
	want="$$(cat requirements.lock requirements-nodeps.lock pyproject.toml | sha256sum | cut -d' ' -f1)"; \
	have="$$(cat $(STAMP) 2>/dev/null || true)"; \
	if [ "$$want" != "$$have" ]; then \
	  echo "installing pinned dependencies (requirements.lock) into $(VENV)"; \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.lock; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	  echo "$$want" > $(STAMP); \
	fi; \
	if ! command -v chromium >/dev/null 2>&1 && [ ! -f $(CHROMIUM_STAMP) ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium (Debian) for the book's browser check"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: the browser check will be skipped"; \
	  else \
	    echo "chromium is missing and apt-get cannot install it here: the browser check will be skipped"; \
	  fi; \
	  touch $(CHROMIUM_STAMP); \
	fi

book: setup
	$(PY) -m hepscaling book --profile $(PROFILE)

# every test gets at most 15 minutes (notebook runs set their own limit): a hang fails that test, the rest still run
test: setup
	$(PY) -m pytest tests --timeout=900 $(PYTEST_ARGS)

run: setup
	@if [ -z "$(NB)" ]; then echo "usage: make run NB=<notebook-id> ARGS=\"-p name value ...\" [PROFILE=...]"; exit 2; fi
	$(PY) -m hepscaling run $(NB) $(ARGS) --profile $(PROFILE)

list: setup
	$(PY) -m hepscaling list --profile $(PROFILE)

references: setup
	$(PY) -m hepscaling references --update

# Ratios against each anchor measured in the same run (never timed tests). A few minutes on 2 idle cores; results as
# JSON in data/benchmarks/ (shown on the features page). Passive OpenMP waits keep 2-thread torch usable under load.
bench: setup
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_efp.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_emd_knn.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_lot.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_generator.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_detector.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_amplitudes.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_collider.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_train.py
	OMP_WAIT_POLICY=PASSIVE $(PY) benchmarks/bench_kv_cache.py

clean-book:
	rm -rf book/_build book/notebooks book/intro.md book/_toc.yml

clean-runs:
	rm -rf runs
