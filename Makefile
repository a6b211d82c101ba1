# The two commands the README promises: `make demo` and `make test`.
# Each installs what it needs (virtualenv, Python packages, the servers' jars) itself.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := constraints.txt
EXTRAS := spark,airflow,dashboard,notebooks,dev,docs

# The test suite runs its own stack on other ports and another data directory,
# so it never touches a running demo stack.
TEST_ENV := set -a && . tests/stack.env && set +a

.PHONY: install lock demo test test-faults check unit docs mutants fuzz bench sqoop-parity chaos stack-up stack-up-cluster stack-up-airflow stack-down stack-status stack-reset test-stack-down settings-table dashboard notebooks-docs

$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "installing the project and its packages into $(VENV) (pip; about 2 minutes the first time) ..."
	@# -qq: setuptools' note on every editable install is not news; pip's errors still show
	$(PY) -m pip install -qq -c $(LOCK) -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

# after a dependency change in pyproject.toml: install it unpinned, then pin what was installed
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq -e '.[$(EXTRAS)]'
	@{ head -n 3 $(LOCK); $(PY) -m pip freeze --exclude-editable; } > $(LOCK).new && mv $(LOCK).new $(LOCK)
	@touch $(STAMP)
	@echo "wrote $(LOCK)"

demo: $(STAMP)
	$(PY) -m demo

# fast checks first (lint, format, types, the unit tests that need no server), then the stack's tests, ending
# with the 15 slowest (where the suite's time goes, against its 25-minute budget)
test: check unit docs
	$(TEST_ENV) && $(PY) -m local_stack up && $(PY) -m pytest -m "stack and not faults" --durations=15

# the fault tests, minutes each: kill -9 and SIGTERM of the application, a broker restart, the stack's down/up,
# the application on YARN killed and resubmitted (13 to 15 minutes on 2 cores)
test-faults: $(STAMP)
	$(TEST_ENV) && $(PY) -m local_stack up && $(PY) -m pytest -m faults --durations=10

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# the docs site from docs/ (MkDocs, Material theme) into .site/; --strict: a broken link or page fails
docs: $(STAMP)
	@out=$$(NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict 2>&1) || { echo "$$out"; exit 1; }
	@echo "docs site built into .site/ (mkdocs build --strict; open .site/index.html)"

# the analysts' notebooks run on the demo stack's data into the docs site (docs/notebooks/): after make demo
notebooks-docs: $(STAMP)
	$(PY) -m demo.publish_notebooks

unit: $(STAMP)
	$(TEST_ENV) && $(PY) -m pytest -m "not stack"

# the live ward dashboard on the demo's stack (http://127.0.0.1:8501 by default; PA_DASHBOARD_HOST/PORT)
dashboard: $(STAMP)
	eval "$$($(PY) -m local_stack env)" && $(PY) -m dashboard

bench: $(STAMP)
	$(PY) -m bench

# the suite's mutation check: each central comparison changed once must fail a test (on the test stack)
mutants: $(STAMP)
	$(TEST_ENV) && $(PY) -m local_stack up && $(PY) -m hardening mutants

# users' Sqoop command lines through Apache Sqoop 1.4.7 and python -m sqoop, rows compared (exit 1 on a difference)
sqoop-parity: $(STAMP)
	$(PY) -m drills sqoop-parity

# hostile input through the parsers, PA_FUZZ_CASES (100,000) cases per target; exit 1 on any crash (no server)
fuzz: $(STAMP)
	$(PY) -m hardening fuzz

# minutes of faults: every server and service killed and restarted under load, then reconciled
chaos: $(STAMP)
	$(PY) -m drills chaos

stack-up: $(STAMP)
	$(PY) -m local_stack up

# the stack plus a YARN ResourceManager and NodeManager, for spark-submit --master yarn
stack-up-cluster: $(STAMP)
	PA_STACK_YARN=1 $(PY) -m local_stack up

# the stack plus Airflow's API server, DAG processor and scheduler (UI on http://127.0.0.1:8080, user operator)
stack-up-airflow: $(STAMP)
	PA_STACK_AIRFLOW=1 $(PY) -m local_stack up

stack-down: $(STAMP)
	$(PY) -m local_stack down

stack-status: $(STAMP)
	$(PY) -m local_stack status

stack-reset: $(STAMP)
	$(PY) -m local_stack reset

test-stack-down: $(STAMP)
	$(TEST_ENV) && $(PY) -m local_stack down

settings-table: $(STAMP)
	$(PY) -m settings --write docs/configuration.md
