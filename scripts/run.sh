#!/usr/bin/env bash
# `make run`: migrate, seed demo data, then a plant simulator, a Celery worker and the
# web server on 127.0.0.1:$PORT, on embedded defaults (SQLite, filesystem broker).
set -eu
PORT=${PORT:-8000}
PLANT_PORT=${PLANT_PORT:-$((PORT + 1))}
PY=.venv/bin/python
export DEBUG=${DEBUG:-true}
export HUB_OUTBOUND_ALLOWLIST=${HUB_OUTBOUND_ALLOWLIST:-127.0.0.1}
mkdir -p var
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
echo "== migrating the database (${DATABASE_URL:-SQLite in var/hub.sqlite3})"
$PY manage.py migrate --noinput >var/migrate.log
$PY manage.py plant_simulator --port "$PLANT_PORT" --record var/plant-deliveries.jsonl >var/plant.log 2>&1 &
pids+=($!)
echo "== seeding demo data (plants, 300 suppliers, logins, sample call-offs)"
$PY manage.py seed_demo --plant-url "http://127.0.0.1:$PLANT_PORT/plants/{plant}/deliveries" --password "${DEMO_PASSWORD:-demo}"
$PY -m celery -A hub worker -c 2 -l warning >var/worker.log 2>&1 &
pids+=($!)
cat <<MSG

  Supplier hub: http://127.0.0.1:$PORT/   (admin: http://127.0.0.1:$PORT/admin/, API docs: /api/docs/)
  Demo logins, password '${DEMO_PASSWORD:-demo}':
    admin      hub administrator
    hq         headquarters (read-only, all plants)
    buyer      purchasing staff of PLANT01
    supplier   admin user of SUP00001
    supplier2  admin user of SUP00002
  Plant simulator on http://127.0.0.1:$PLANT_PORT/ records deliveries in var/plant-deliveries.jsonl
  Worker log: var/worker.log. Stop with Ctrl-C.

MSG
$PY manage.py runserver --noreload "127.0.0.1:$PORT" &
pids+=($!)
wait "${pids[-1]}"
