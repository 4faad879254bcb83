# Newsdesk: `make run` serves the demo, `make test` runs the suite. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ARTICLE := tests/fixtures/riyadh-talks.txt
# The demo admin `make run` creates (once) on a local server; never use these on a shared one.
DEMO_USER ?= admin
DEMO_PASSWORD ?= newsdesk-demo
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test lint check-deploy load clean

install: $(VENV)/.installed

# Re-installs only when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Two worker children with one torch thread each: steadier than one child with two threads
# when the web server or a second article competes for the cores. Celery beat runs the sweep
# (re-queues what a dead worker or an unreachable broker left behind).
# The demo runs with DEBUG on (a local key, plain http); production leaves DEBUG unset.
run: install
	@export DEBUG=$${DEBUG:-true}; \
	if $(BIN)/python -c "import os, redis; redis.Redis.from_url(os.environ.get('REDIS_URL', 'redis://127.0.0.1:6379/0'), socket_connect_timeout=1).ping()" 2>/dev/null; then \
		echo "Redis answers: a Celery worker processes articles in the background."; \
		eager=false; \
	else \
		echo "No Redis answers: tasks run eagerly inside the web process (embedded mode)."; \
		eager=true; \
	fi; \
	export CELERY_TASK_ALWAYS_EAGER=$$eager; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py ingest $(DEMO_ARTICLE) ; \
	NEWSDESK_PASSWORD='$(DEMO_PASSWORD)' $(BIN)/python manage.py create_user '$(DEMO_USER)' --role admin --if-missing || exit 1; \
	if [ $$eager = false ]; then \
		STANCE_TORCH_THREADS=1 $(BIN)/celery -A newsdesk worker -Q extraction,stance --concurrency 2 --loglevel INFO & \
		worker=$$!; \
		mkdir -p var; $(BIN)/celery -A newsdesk beat --loglevel INFO & \
		beat=$$!; trap "kill $$worker $$beat 2>/dev/null" EXIT INT TERM; \
	fi; \
	echo "Newsdesk on http://$(HOST):$(PORT)/ : log in as $(DEMO_USER) / $(DEMO_PASSWORD) (the demo admin; unless you changed its password)"; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# The production settings must pass Django's deployment checklist.
check-deploy: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=newsdesk.example \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# 50 locust users (headless, bounded in time) against gunicorn on the configured database, which
# `manage.py seed_synthetic --articles 10000 --quotes 100000 --speakers 2000` fills first. Loopback only.
LOAD_ARGS ?= --users 50 --run-time 90s
load: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	$(BIN)/python manage.py bench_http $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache staticfiles
