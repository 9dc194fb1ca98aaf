#!/usr/bin/env bash
# The whole suite against a real PostgreSQL and Redis on 127.0.0.1; integration tests
# start their own Celery worker processes and HTTP servers.
set -eu
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hub}"
export CELERY_BROKER_URL="${TEST_BROKER_URL:-redis://127.0.0.1:6379/14}"
export HUB_OUTBOUND_ALLOWLIST="127.0.0.1"
export HUB_VAR_DIR="${HUB_VAR_DIR:-$PWD/var/test}"
export SECRET_KEY="${SECRET_KEY:-test-only-not-secret-$(date +%s)}"
export DEBUG=false SECURE_SSL_REDIRECT=false
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
