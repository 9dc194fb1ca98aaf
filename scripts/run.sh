#!/usr/bin/env bash
# `make run`: migrate, seed demo data, then a plant simulator, a Celery worker and the
# web server on 127.0.0.1:$PORT, on embedded defaults (SQLite, filesystem broker).
# Ctrl-C (or SIGTERM to this script) stops all three within a few seconds.
set -eu
PORT=${PORT:-8000}
PLANT_PORT=${PLANT_PORT:-$((PORT + 1))}
SFTP_PORT=${SFTP_PORT:-$((PORT + 22))}
export HUB_SFTP_PUBLIC_PORT=$SFTP_PORT  # what the portal's channel page tells suppliers
PY=.venv/bin/python
VAR=${HUB_VAR_DIR:-var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
export HUB_VAR_DIR=$VAR
export DEBUG=${DEBUG:-true}
export HUB_OUTBOUND_ALLOWLIST=${HUB_OUTBOUND_ALLOWLIST:-127.0.0.1}
# On Celery's cold shutdown (SIGQUIT, see stop) a running task gets this long to end;
# then it is cancelled and, acknowledged late, goes back to the queue for the next run.
export CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT=${CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT:-3}
pids=()
worker=
stopping=
alive() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
wait_a_while() {  # up to $1 tenths of a second, until every process has ended
  for _ in $(seq 1 "$1"); do alive || return 0; sleep 0.1; done
}
stop() {
  [ -n "$stopping" ] && return
  stopping=1
  trap - INT TERM
  echo "== stopping (web server, worker, plant simulator, SFTP server)"
  # Background jobs of a script ignore SIGINT, so Ctrl-C alone does not stop the web
  # server and the simulator: each process gets SIGTERM. The worker's SIGTERM is a warm
  # shutdown that waits for running tasks; one still busy after 6 s gets SIGQUIT, the cold
  # shutdown (running tasks get CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT, then go back to the
  # queue). Whatever still runs after that is killed rather than hanging the terminal.
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait_a_while 60
  [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null && { echo "   worker still busy: cold shutdown"; kill -QUIT "$worker" 2>/dev/null || true; wait_a_while 80; }
  for p in "${pids[@]}"; do
    if kill -0 "$p" 2>/dev/null; then echo "   process $p did not stop: killed"; kill -KILL "$p" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
echo "== migrating the database (${DATABASE_URL:-SQLite in $VAR/hub.sqlite3})"
$PY manage.py migrate --noinput >"$VAR/migrate.log"
$PY manage.py plant_simulator --port "$PLANT_PORT" --record "$VAR/plant-deliveries.jsonl" >"$VAR/plant.log" 2>&1 &
pids+=($!)
echo "== seeding demo data (plants, 300 suppliers, logins, sample call-offs)"
$PY manage.py seed_demo --plant-url "http://127.0.0.1:$PLANT_PORT/plants/{plant}/deliveries" --password "${DEMO_PASSWORD:-demo}"
$PY -m celery -A hub worker -c 2 -l warning >"$VAR/worker.log" 2>&1 &
worker=$!
pids+=($worker)
$PY manage.py sftp_server --port "$SFTP_PORT" >"$VAR/sftp.log" 2>&1 &
pids+=($!)
cat <<MSG

  Supplier hub: http://127.0.0.1:$PORT/   (admin: http://127.0.0.1:$PORT/admin/, API docs: /api/docs/)
  Live overview (hq, buyer, admin): http://127.0.0.1:$PORT/staff/overview/
  Demo logins, password '${DEMO_PASSWORD:-demo}':
    admin      hub administrator
    hq         headquarters (read-only, all plants)
    buyer      purchasing staff of PLANT01
    supplier   admin user of SUP00001
    supplier2  admin user of SUP00002
  Plant simulator on http://127.0.0.1:$PLANT_PORT/ records deliveries in $VAR/plant-deliveries.jsonl
  SFTP: sftp -P $SFTP_PORT supplier@127.0.0.1   (password '${DEMO_PASSWORD:-demo}'; put files in inbox/, fetch from outbox/)
  AS2:  http://127.0.0.1:$PORT/as2/   (hub AS2 id and certificate: .venv/bin/python manage.py as2_identity)
  Worker log: $VAR/worker.log. Stop with Ctrl-C.

MSG
$PY manage.py runserver --noreload "127.0.0.1:$PORT" &
pids+=($!)
wait "${pids[-1]}"
