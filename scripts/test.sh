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
# The architecture contracts (pyproject.toml [tool.importlinter]) first: a broken layer fails the run.
mkdir -p "$HUB_VAR_DIR"
.venv/bin/lint-imports --no-cache >"$HUB_VAR_DIR/lint-imports.txt" 2>&1 || {
  cat "$HUB_VAR_DIR/lint-imports.txt"; echo "lint-imports: an architecture contract is broken (see above)" >&2; exit 1; }
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
