# Equitas: `make run` starts the whole system, `make test` runs every test.
# Both install what they need first (pinned by uv.lock and frontend/package-lock.json).

SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
FUZZ_EXAMPLES ?= 2000

.PHONY: run test install install-python install-frontend install-chromium install-pango spa lint typecheck \
	openapi check-openapi frontend-check pytest fuzz faults bench load backup restore demo-data migrate clean

run: install spa  ## Start gateway, IdP, three services, Postgres and demo data
	$(PY) -m equitas_stack

test: install spa install-chromium lint typecheck check-openapi frontend-check pytest  ## Everything CI runs

install: install-python install-frontend install-pango

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install-python: $(UV)
	$(UV) sync --frozen --quiet

install-frontend:
	cd frontend && (test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --loglevel=error)

# Browser tests use Debian's chromium, never a downloaded browser.
install-chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Reporting's PDFs: WeasyPrint needs Pango (Debian's), and the report font (Liberation Sans,
# metric-compatible with Arial) is Debian's too, never fetched from a CDN.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation
install-pango:
	@missing=$$(for p in $(PANGO_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	test -z "$$missing" || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)

spa: install-frontend
	cd frontend && npm run build --silent

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-python
	$(VENV)/bin/mypy services deploy/dev-idp/equitas_idp deploy/equitas_stack benchmarks

openapi: install-python  ## Regenerate the committed contract and the SPA's typed client
	$(PY) -m services.common.openapi_export write
	cd frontend && npm run generate:api --silent

check-openapi: install-python
	$(PY) -m services.common.openapi_export check

frontend-check: install-frontend
	cd frontend && npm run lint --silent && npm run typecheck --silent && npm test --silent && npm run check:api --silent

pytest: install-python
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

# make test fuzzes each operation with 100 examples; this is the long run (failures found are
# kept in var/hypothesis and replayed first by later runs on this machine).
fuzz: install-python  ## Contract fuzzing through the gateway, FUZZ_EXAMPLES per operation
	EQUITAS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q tests/test_contract_fuzz.py $(PYTEST_ARGS)

# The fault tests (also in make test, with small loads) under larger ones: a database
# restart, a service killed and a crash loop, the IdP down (decision 0019). Each fault
# survived, with its figures, in var/bench/faults.json.
FAULT_CLIENTS ?= 16
faults: install-python  ## Fault tests under load; summary in var/bench/faults.json
	mkdir -p var/bench && rm -f var/bench/faults.json
	EQUITAS_FAULTS_REPORT=$(CURDIR)/var/bench/faults.json \
	OUTAGE_CLIENTS=$(FAULT_CLIENTS) OUTAGE_MAX_REQUESTS=20000 OUTAGE_LOAD_AFTER_S=6 \
	SUPERVISOR_CLIENTS=$(FAULT_CLIENTS) SUPERVISOR_MAX_REQUESTS=20000 SUPERVISOR_LOAD_AFTER_S=4 \
	IDP_OUTAGE_CLIENTS=$(FAULT_CLIENTS) IDP_OUTAGE_MAX_REQUESTS=5000 IDP_OUTAGE_LOAD_S=10 \
	$(VENV)/bin/pytest -q -s tests/test_database_outage.py tests/test_supervisor_restart.py \
		tests/test_idp_outage.py $(PYTEST_ARGS)
	@cat var/bench/faults.json

bench: install spa  ## Benchmarks; results in var/bench/*.json
	$(PY) -m benchmarks

# 200 users (clinicians, EPRs, analysts) for 2 minutes on 127.0.0.1, a stack of its own
# (decision 0041): figures per operation in var/bench/load.json; exit 1 if a target is missed.
LOAD_USERS ?= 200
LOAD_SECONDS ?= 120
load: install-python  ## Load test (locust); figures in var/bench/load.json
	$(PY) -m benchmarks.load_mix --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

# pg_dump of every service database into var/backups/<time>/, checked on restore table by
# table (decision 0042; docs/deployment.md, "Backups and restore").
backup: install-python  ## Back up every service database into var/backups/<time>/
	$(PY) -m equitas_stack.backup backup

restore: install-python  ## make restore BACKUP=var/backups/<time> [REPLACE=yes] [ONLY=scoring]
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=var/backups/<time> [REPLACE=yes] [ONLY=scoring]" >&2; exit 2)
	$(PY) -m equitas_stack.backup restore $(BACKUP) $(if $(filter yes,$(REPLACE)),--replace) \
		$(foreach s,$(ONLY),--only $(s))

demo-data: install-python  ## Load synthetic demo data into the scoring database
	$(PY) -m services.scoring.demo_data.seed --users-file deploy/dev-idp/users.yaml

migrate: install-python  ## Apply every service's migrations (production does this by command)
	for s in scoring aggregation reporting; do $(VENV)/bin/equitas-migrate $$s upgrade || exit 1; done

clean:
	rm -rf var/test-runs var/bench
